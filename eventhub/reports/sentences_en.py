"""The results report's English sentences: the Japanese forms said in plain English."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from eventhub import japan
from eventhub.reports.facts import EditionFacts, Source, municipality_count, year_ranges

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _count(n: int, approximate: bool, data: bool) -> str:
    if not approximate or (data and n < 10):
        return japan.format_count(n)
    return japan.approximate_label_en(n) if data else f"about {japan.format_count(n)}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{japan.format_count(n)} {one if n == 1 else many}"


def _meetings(facts: EditionFacts) -> str | None:
    if not facts.business_meetings:
        return None
    return _plural(facts.business_meetings, "business meeting", "business meetings")


def _brackets(parts: Sequence[str | None]) -> str:
    kept = [p for p in parts if p]
    return f" ({'; '.join(kept)})" if kept else ""


def _reason(facts: EditionFacts) -> str:
    return (facts.reason_en or facts.reason_ja or "").rstrip(". ")


def month_range(start: date, end: date | None) -> str:
    """ "December 2019", "January–February 2021", "December 2020–January 2021"."""
    first = f"{_MONTHS[start.month - 1]} {start.year}"
    if end is None or end == start:
        return first
    if end.year == start.year:
        return f"{_MONTHS[start.month - 1]}–{_MONTHS[end.month - 1]} {end.year}"
    return f"{first}–{_MONTHS[end.month - 1]} {end.year}"


def _months_only(facts: EditionFacts) -> str | None:
    if facts.held_from is None:
        return None
    first = _MONTHS[facts.held_from.month - 1]
    if facts.held_until is None:
        return first
    return f"{first}–{_MONTHS[facts.held_until.month - 1]}"


def venue_en(facts: EditionFacts) -> str | None:
    """The venue's English name; an English report leaves out a venue known only in Japanese
    (the organiser names it in English once, on any edition or entry held there)."""
    return facts.venue_en


def _fy(facts: EditionFacts) -> str:
    return japan.fiscal_year_label_en(facts.fiscal_year)


def _organisations(n: int) -> str:
    return _plural(n, "company or organisation", "companies and organisations")


def _national_zone(facts: EditionFacts) -> str:
    if facts.cancelled:
        return f"In {_fy(facts)}, the zone was cancelled: {_reason(facts)}"
    where = [p for p in (facts.prefectures_en(), _municipalities(facts)) if p]
    source = f" from {' and '.join(where)}" if where else ""
    online = {"online": "held online", "hybrid": "also held online"}.get(facts.format)
    when = [_months_only(facts), venue_en(facts)] if facts.twin else []
    who = _organisations(facts.exhibitors) if facts.exhibitors else "companies and organisations"
    return f"In {_fy(facts)}, {who}{source} exhibited" + _brackets(
        [*when, online, _meetings(facts)]
    )


def _municipalities(facts: EditionFacts) -> str | None:
    if not facts.municipalities_ja:
        return None
    return _plural(municipality_count(facts.municipalities_ja), "municipality", "municipalities")


def _takumi(facts: EditionFacts) -> str:
    if facts.cancelled:
        return f"In {_fy(facts)}, the festival was cancelled: {_reason(facts)}"
    prefectures = facts.prefectures_en()
    if facts.format == "online":
        where = f" from {prefectures}" if prefectures else ""
        return (
            f"In {_fy(facts)}, the festival was held online, presenting videos and initiatives "
            f"on crafts and manufacturing{where} on its website"
            + _brackets([_months_only(facts), _meetings(facts)])
        )
    organisations = (
        _plural(facts.exhibitors, "organisation", "organisations")
        if facts.exhibitors
        else "organisations"
    )
    where = f" from {prefectures}" if prefectures else ""
    online = ", and it was also held online" if facts.format == "hybrid" else ""
    return f"In {_fy(facts)}, {organisations}{where} exhibited{online}" + _brackets(
        [_months_only(facts), venue_en(facts), _meetings(facts)]
    )


def _mokucolle(facts: EditionFacts) -> str:
    when = month_range(facts.held_from, facts.held_until) if facts.held_from else _fy(facts)
    if facts.cancelled:
        return f"{when}: not held, because {_reason(facts)}"
    data = facts.source is Source.DATA
    prefectures = facts.prefectures_en()
    together = f" together with {prefectures}" if prefectures else ""
    exhibitors = _plural(facts.exhibitors, "exhibitor", "exhibitors") if facts.exhibitors else None
    participants = None
    if facts.online_participants is not None and (not data or facts.online_participants):
        count = _count(facts.online_participants, facts.online_participants_approximate, data)
        participants = f"{count} online participants"
    if facts.format == "online":
        return f"{when}: held online{together}" + _brackets(
            [exhibitors, participants, _meetings(facts)]
        )
    visitors = None
    if facts.visitors is not None and (not data or facts.visitors):
        visitors = f"{_count(facts.visitors, facts.visitors_approximate, data)} visitors"
    venue = venue_en(facts)
    at = f", {venue}" if venue else ""
    return f"{when}{at}: held{together}" + _brackets(
        [
            "also online" if facts.format == "hybrid" else None,
            exhibitors,
            visitors,
            participants if facts.format == "hybrid" else None,
            _meetings(facts),
        ]
    )


_FORMS = {"national-zone": _national_zone, "takumi": _takumi, "mokucolle": _mokucolle}


def line(facts: EditionFacts, grouped: bool = False) -> str:
    """The sentence for one edition; English has one form, grouped under a note or not."""
    return _FORMS[facts.series_slug](facts)


def years_label(years: Sequence[int]) -> str:
    parts = []
    for first, last in year_ranges(years):
        label = japan.fiscal_year_label_en(first)
        parts.append(label if first == last else f"{label}–{japan.fiscal_year_label_en(last)}")
    return ", ".join(parts)


def note(text: str) -> str:
    return text if text.startswith("※") else f"※ {text}"


def entered_footnote(years: Sequence[int]) -> str:
    return f"※ {years_label(years)}: figures entered from past records."


def superseded_footnote(years: Sequence[int]) -> str:
    return f"※ {years_label(years)}: eventhub's own tallies, in place of the entered figures."


def title(fiscal_year: int) -> str:
    return f"{japan.fiscal_year_label_en(fiscal_year)} results report"
