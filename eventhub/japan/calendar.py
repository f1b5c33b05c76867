"""Fiscal year (年度, April to March) and Japanese era (和暦) dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = [
    "ERAS",
    "HEISEI",
    "REIWA",
    "TOKYO",
    "Era",
    "era_of",
    "era_year_label",
    "fiscal_year",
    "fiscal_year_bounds",
    "fiscal_year_label",
    "fiscal_year_label_en",
    "japanese_month_label",
]

TOKYO = ZoneInfo("Asia/Tokyo")

_FISCAL_YEAR_START_MONTH = 4


@dataclass(frozen=True)
class Era:
    #: Kanji name, e.g. "令和".
    name: str
    #: Hepburn without macrons, e.g. "Reiwa".
    romaji: str
    #: First day of the era; its year is year one (元年).
    start: date


HEISEI = Era("平成", "Heisei", date(1989, 1, 8))
REIWA = Era("令和", "Reiwa", date(2019, 5, 1))

#: Oldest first. Nothing in the programme predates 平成, so 昭和 is left out.
ERAS: tuple[Era, ...] = (HEISEI, REIWA)


def _tokyo_date(d: date | datetime) -> date:
    # datetime is a subclass of date, so it must be tested first.
    if isinstance(d, datetime):
        if d.tzinfo is None or d.utcoffset() is None:
            # A naive datetime has no defined day in Tokyo; guessing would
            # file events under the wrong day or fiscal year.
            raise ValueError(f"naive datetime {d.isoformat()}: give a timezone")
        return d.astimezone(TOKYO).date()
    return d


def fiscal_year(d: date | datetime) -> int:
    """The fiscal year (年度) of a day, named by the year it starts in.

    An aware datetime counts by its day in Tokyo: 2022-03-31T15:30Z is
    2022-04-01 there, so FY2022.
    """
    day = _tokyo_date(d)
    return day.year if day.month >= _FISCAL_YEAR_START_MONTH else day.year - 1


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    """First and last day of fiscal year ``fy``: 1 April to 31 March."""
    return date(fy, _FISCAL_YEAR_START_MONTH, 1), date(fy + 1, 3, 31)


def era_of(d: date | datetime) -> tuple[Era, int]:
    """The era of a day and the year number within it (1 for 元年)."""
    day = _tokyo_date(d)
    for era in reversed(ERAS):
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise ValueError(f"{day.isoformat()} is before {HEISEI.name} ({HEISEI.start})")


def _year_text(year: int) -> str:
    # Year one of an era is written 元年, never 1年.
    return "元" if year == 1 else str(year)


def era_year_label(d: date | datetime) -> str:
    """E.g. "令和元年", "平成31年", "令和3年"."""
    era, year = era_of(d)
    return f"{era.name}{_year_text(year)}年"


def japanese_month_label(d: date | datetime) -> str:
    """E.g. "令和元年12月", "平成30年1月"."""
    return f"{era_year_label(d)}{_tokyo_date(d).month}月"


def fiscal_year_label(fy: int) -> str:
    """The Japanese name of a fiscal year, e.g. "令和3年度" for FY2021.

    A fiscal year is named by the era in force on 1 May of its first calendar
    year, not on its first day. The difference matters only for FY2019: it
    began on 2019-04-01 under 平成31, but 令和 began a month later and the
    government and the programme's reports call the whole year 令和元年度.
    Taking 1 May reproduces that usage and, for every other fiscal year,
    gives the same era as its first day.
    """
    era, year = era_of(date(fy, 5, 1))
    return f"{era.name}{_year_text(year)}年度"


def fiscal_year_label_en(fy: int) -> str:
    """E.g. "FY2021"."""
    return f"FY{fy}"
