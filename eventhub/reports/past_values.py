"""Reading the values of entered past figures as people write them in a spreadsheet.

Each reader takes the text of one cell and returns the value, or raises ValueError with a
message that the import shows next to the row and column.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from eventhub import japan
from eventhub.events.models import EditionFormat
from eventhub.reports.facts import MUNICIPALITIES_RE, check_printed_prefectures
from eventhub.reports.models import PastStatus

SERIES_ALIASES = {
    "national-zone": ("全国ゾーン", "産業交流展", "産業交流展 全国ゾーン", "national zone"),
    "takumi": ("匠の技の祭典", "ものづくり・匠の技の祭典", "匠", "takumi festival"),
    "mokucolle": ("モクコレ", "woodコレクション", "woodコレクション(モクコレ)", "wood collection"),
}
_ERAS = {"平成": 1988, "h": 1988, "令和": 2018, "r": 2018}
_FISCAL_YEAR_RE = re.compile(r"(?:fy)?([0-9]{4})(?:年度)?|(平成|令和|h|r)([0-9]{1,2}|元)(?:年度)?")
_MONTH_RE = re.compile(r"(?:([0-9]{4})[-/.年]|(平成|令和)([0-9]{1,2}|元)年)?([0-9]{1,2})月?")
_RANGE_SEPARATORS = re.compile(r"[～〜~–—]")
_COUNT_RE = re.compile(r"(約)?([0-9][0-9,]*)(?:人|者|件|社|団体|企業・団体)?")
_LIST_SEPARATORS = re.compile(r"[、,・/;\s]+")

FORMATS = {
    "in_person": EditionFormat.IN_PERSON,
    "対面": EditionFormat.IN_PERSON,
    "会場": EditionFormat.IN_PERSON,
    "会場開催": EditionFormat.IN_PERSON,
    "リアル": EditionFormat.IN_PERSON,
    "online": EditionFormat.ONLINE,
    "オンライン": EditionFormat.ONLINE,
    "オンライン開催": EditionFormat.ONLINE,
    "hybrid": EditionFormat.HYBRID,
    "ハイブリッド": EditionFormat.HYBRID,
    "ハイブリッド開催": EditionFormat.HYBRID,
}
STATUSES = {
    "held": PastStatus.HELD,
    "開催": PastStatus.HELD,
    "開催済": PastStatus.HELD,
    "cancelled": PastStatus.CANCELLED,
    "canceled": PastStatus.CANCELLED,
    "中止": PastStatus.CANCELLED,
    "開催中止": PastStatus.CANCELLED,
    "実施せず": PastStatus.CANCELLED,
}
_TRUE = {"1", "true", "yes", "y", "はい", "約", "○", "◯", "〇"}
_FALSE = {"0", "false", "no", "n", "いいえ", "", "-", "×"}


def key(text: str) -> str:
    """Cells and headers compare NFKC-normalised, case-folded, without spaces."""
    return japan.normalise(text).casefold().replace(" ", "")


def read_fiscal_year(text: str) -> int:
    match = _FISCAL_YEAR_RE.fullmatch(key(text))
    if match is None:
        raise ValueError("Write the fiscal year as 2021, 令和3年度, 令和元年度 or 平成29年度.")
    if match[1]:
        year = int(match[1])
    else:
        number = 1 if match[3] == "元" else int(match[3])
        year = _ERAS[match[2]] + number
    if not 1989 <= year <= 2200:
        raise ValueError(f"{year} is outside the fiscal years eventhub knows (1989–2200).")
    return year


def _month(text: str, year_hint: int | None) -> date:
    match = _MONTH_RE.fullmatch(text)
    if match is None:
        raise ValueError("Write the month as 2018-01, 2018年1月 or 平成30年1月.")
    western, era, era_year, month_text = match.groups()
    if western:
        year = int(western)
    elif era:
        year = _ERAS[era] + (1 if era_year == "元" else int(era_year))
    elif year_hint is not None:
        year = year_hint
    else:
        raise ValueError("Give the year of the month, e.g. 2018-01 or 平成30年1月.")
    month = int(month_text)
    if not 1 <= month <= 12:
        raise ValueError(f"{month} is not a month.")
    return date(year, month, 1)


def read_months(text: str) -> tuple[date, date | None]:
    """ "2018-01" → (2018-01-01, None); "令和3年1月～2月" → (2021-01-01, 2021-02-01)."""
    parts = [p.strip() for p in _RANGE_SEPARATORS.split(japan.normalise(text))]
    if len(parts) > 2 or not all(parts):
        raise ValueError("Write one month, or two joined by ～ as in 令和3年1月～2月.")
    first = _month(parts[0], None)
    if len(parts) == 1:
        return first, None
    last = _month(parts[1], first.year)
    second = _MONTH_RE.fullmatch(parts[1])
    if last < first and second is not None and not (second[1] or second[2]):
        # "令和2年12月～1月": a second month without a year is in the next year.
        last = last.replace(year=last.year + 1)
    if last < first:
        raise ValueError("The last month comes before the first.")
    return first, (last if last != first else None)


def read_month(text: str) -> date:
    return _month(japan.normalise(text), None)


def read_choice(text: str, choices: dict[str, Any], what: str) -> Any:
    value = choices.get(key(text))
    if value is None:
        raise ValueError(f"Unknown {what} {text!r}; use one of: {', '.join(sorted(choices))}.")
    return value


def read_count(text: str, may_be_approximate: bool) -> tuple[int, bool]:
    """ "4,000" → (4000, False); "約4,000人" → (4000, True) where 約 is allowed."""
    match = _COUNT_RE.fullmatch(japan.normalise(text).replace(" ", ""))
    if match is None:
        raise ValueError("Write a whole number, e.g. 324 or 4,000.")
    approximate = match[1] is not None
    if approximate and not may_be_approximate:
        raise ValueError("Only visitor and participant counts may be approximate (約).")
    return int(match[2].replace(",", "")), approximate


def read_flag(text: str) -> bool:
    value = key(text)
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError("Write 1 or 0 (はい or いいえ).")


def read_prefectures(text: str) -> tuple[list[int] | None, str | None]:
    """A list of prefectures (names, readings or codes), or a printed figure like "33都道府県"."""
    value = japan.normalise(text).replace(" ", "")
    if value and value[0].isdigit() and not value.isdigit() and value[-1] in "都道府県":
        problem = check_printed_prefectures(value)
        if problem:
            raise ValueError(problem)
        return None, value
    codes: list[int] = []
    unknown: list[str] = []
    for part in _LIST_SEPARATORS.split(japan.normalise(text)):
        if not part:
            continue
        found = japan.find_prefecture(part)
        if found is None:
            unknown.append(part)
        else:
            codes.append(found.code)
    if unknown:
        raise ValueError(f"Not prefectures: {'、'.join(unknown)}.")
    if not codes:
        raise ValueError("Name the prefectures, or give the printed figure such as 33都道府県.")
    return sorted(set(codes)), None


def read_municipalities(text: str) -> str:
    value = japan.normalise(text).replace(" ", "")
    if value.isdigit():
        value += "市"
    if not MUNICIPALITIES_RE.fullmatch(value):
        raise ValueError("Write the municipalities as printed, e.g. 6市 or 2市1町.")
    return value


def problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Rules across fields, as (field, message); shared by the JSON API and the CSV import."""
    found: list[tuple[str, str]] = []
    fiscal_year = values.get("fiscal_year")
    held_from, held_until = values.get("held_from"), values.get("held_until")
    if (
        held_from is not None
        and fiscal_year is not None
        and japan.fiscal_year(held_from) != fiscal_year
    ):
        found.append(
            (
                "held",
                f"{held_from:%Y-%m} is in fiscal year {japan.fiscal_year(held_from)}, "
                f"not {fiscal_year} ({japan.fiscal_year_label(fiscal_year)}).",
            )
        )
    if held_until is not None and (held_from is None or held_until < held_from):
        found.append(("held_until", "Give the first month too, before the last."))
    cancelled = values.get("status") == PastStatus.CANCELLED
    if cancelled and not values.get("cancellation_reason_ja"):
        found.append(("cancellation_reason_ja", "Say why the edition was cancelled."))
    if not cancelled and (
        values.get("cancellation_reason_ja") or values.get("cancellation_reason_en")
    ):
        found.append(("status", "A reason for cancelling is given: set the status to cancelled."))
    for count in ("visitors", "online_participants"):
        if values.get(f"{count}_approximate") and values.get(count) is None:
            found.append((f"{count}_approximate", f"Approximate, but no {count} count is given."))
    return found
