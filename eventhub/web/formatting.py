"""How pages write dates and times: Tokyo wall clock, in the reader's language.

Times are stored in UTC and shown in Tokyo, where every exhibition of the programme is held,
whatever the reader's own time zone. Japanese pages write 2027年8月20日(金) 10:00 and, where
the programme's documents do, the era year (令和9年); English pages write Fri 20 Aug 2027 10:00.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from flask import Flask
from flask_babel import get_locale

from eventhub.i18n import pick
from eventhub.japan.calendar import TOKYO, era_year_label, fiscal_year_label
from eventhub.japan.prefectures import UnknownPrefecture
from eventhub.japan.prefectures import prefecture as find

_PATTERNS = {
    ("ja", "datetime"): "y年M月d日(E) H:mm",
    ("ja", "date"): "y年M月d日(E)",
    ("ja", "time"): "H:mm",
    ("en", "datetime"): "EEE d MMM y HH:mm",
    ("en", "date"): "EEE d MMM y",
    ("en", "time"): "HH:mm",
}


def _locale() -> str:
    return str(get_locale() or "ja")


def tokyo(value: datetime | None, what: str = "datetime") -> str:
    """An aware UTC datetime on Tokyo's clock; ``what`` is datetime, date or time."""
    if value is None:
        return ""
    locale = _locale()
    return format_datetime(value, _PATTERNS[(locale, what)], tzinfo=TOKYO, locale=locale)


def day(value: date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return tokyo(value, "date")
    locale = _locale()
    return format_date(value, _PATTERNS[(locale, "date")], locale=locale)


def wareki(value: date | datetime | None) -> str:
    """The era year of a day (令和9年) on Japanese pages; the Western year on English ones."""
    if value is None:
        return ""
    if _locale() == "ja":
        return era_year_label(value)
    return str(value.year)


def fiscal_year(fy: int) -> str:
    """令和8年度 (2026年度) on Japanese pages, FY2026 on English ones."""
    if _locale() == "ja":
        return f"{fiscal_year_label(fy)}（{fy}年度）"
    return f"FY{fy}"


def prefecture(code: int | None) -> str:
    if code is None:
        return ""
    try:
        found = find(code)
    except UnknownPrefecture:
        return str(code)
    return found.name if _locale() == "ja" else found.romaji


def prefecture_choices() -> list[tuple[int, str]]:
    """The 47 prefectures in JIS order, for a select."""
    return [(code, prefecture(code)) for code in range(1, 48)]


def bilingual(ja: str | None, en: str | None) -> str:
    """Data kept in a Japanese and an English column, in the reader's language."""
    return pick(ja, en, _locale())


def register(app: Flask) -> None:
    app.add_template_global(bilingual)
    app.add_template_filter(tokyo)
    app.add_template_filter(day)
    app.add_template_filter(wareki)
    app.add_template_filter(fiscal_year)
    app.add_template_filter(prefecture)
