"""The results report's Japanese sentences, in the forms of the published FY2021 report.

Each series has its own form (see ``line``). ``grouped`` gives the form of the years listed
under a ※ note, which the published report writes without the comma after 「は」 and with
municipalities joined directly (「23道府県4市から」 rather than 「37道府県及び6市から」).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from eventhub import japan
from eventhub.reports.facts import EditionFacts, Source, year_ranges

_HIRAGANA = range(0x3041, 0x30A0)
_FORMAT_SUFFIX = {"online": "オンライン開催", "hybrid": "オンライン併催"}


def because(reason: str) -> str:
    """A reason as a clause before 「開催中止」 or 「、実施せず」: 台風接近 → 台風接近のため.

    A reason already ending in 「ため」 or 「により」 stays; one ending in a verb or adjective
    (「使用できなくなった」) takes 「ため」, one ending in a noun takes 「のため」.
    """
    text = " ".join(reason.split()).rstrip("。")
    if text.endswith(("ため", "により", "ので")):
        return text
    return text + ("ため" if ord(text[-1]) in _HIRAGANA else "のため")


def _count(n: int, approximate: bool, data: bool) -> str:
    if not approximate or (data and n < 10):
        # approximate() leaves counts under 10 as they are: 約 would then be false.
        return f"{japan.format_count(n)}人"
    # Data counts are exact and rounded here as the report rounds them; entered ones were
    # rounded when they were published and are printed as they were.
    return japan.approximate_label(n) if data else f"約{japan.format_count(n)}人"


def _visitors(facts: EditionFacts) -> str | None:
    if facts.visitors is None or (facts.source is Source.DATA and not facts.visitors):
        # No admission recorded says nothing about the edition: the gates may not have scanned.
        return None
    return _count(facts.visitors, facts.visitors_approximate, facts.source is Source.DATA)


def _participants(facts: EditionFacts) -> str | None:
    if facts.online_participants is None or (
        facts.source is Source.DATA and not facts.online_participants
    ):
        return None
    data = facts.source is Source.DATA
    return _count(facts.online_participants, facts.online_participants_approximate, data)


def _meetings(facts: EditionFacts) -> str | None:
    if not facts.business_meetings:
        return None
    return f"商談数{japan.format_count(facts.business_meetings)}件"


def _brackets(parts: Sequence[str | None]) -> str:
    kept = [p for p in parts if p]
    return f"（{'、'.join(kept)}）" if kept else ""


def _head(facts: EditionFacts, grouped: bool) -> str:
    return japan.fiscal_year_label(facts.fiscal_year) + ("は" if grouped else "は、")


def _months_in_year(facts: EditionFacts) -> str | None:
    """「8月」 or 「1月～2月」: the fiscal year is already said."""
    if facts.held_from is None:
        return None
    if facts.held_until is None:
        return f"{facts.held_from.month}月"
    return f"{facts.held_from.month}月～{facts.held_until.month}月"


def month_range(start: date, end: date | None) -> str:
    """「令和元年12月」, 「令和3年1月～2月」, 「令和2年12月～令和3年1月」."""
    if end is None or end == start:
        return japan.japanese_month_label(start)
    if japan.era_year_label(start) == japan.era_year_label(end):
        return f"{japan.japanese_month_label(start)}～{end.month}月"
    return f"{japan.japanese_month_label(start)}～{japan.japanese_month_label(end)}"


def _national_zone(facts: EditionFacts, grouped: bool) -> str:
    head = _head(facts, grouped)
    if facts.cancelled:
        return f"{head}{because(facts.reason_ja or '')}開催中止"
    where = facts.prefectures_ja() or ""
    if facts.municipalities_ja:
        where += (
            facts.municipalities_ja if grouped or not where else f"及び{facts.municipalities_ja}"
        )
    when = [_months_in_year(facts), facts.venue_ja] if facts.twin else []
    suffix = _brackets([*when, _FORMAT_SUFFIX.get(facts.format), _meetings(facts)])
    if not facts.exhibitors:
        # The count is not known (or none was recorded): say only where they came from.
        return f"{head}{where}から出展{suffix}"
    source = f"{where}から" if where else ""
    return f"{head}{source}{japan.format_count(facts.exhibitors)}企業・団体が出展{suffix}"


def _takumi(facts: EditionFacts, grouped: bool) -> str:
    head = _head(facts, grouped)
    if facts.cancelled:
        return f"{head}{because(facts.reason_ja or '')}開催中止"
    prefectures = facts.prefectures_ja() or ""
    if facts.format == "online":
        where = f"{prefectures}の" if prefectures else ""
        return (
            f"{head}オンラインで開催し、{where}ものづくりや伝統工芸等の動画や施策をHPで紹介"
            + _brackets([_months_in_year(facts), _meetings(facts)])
        )
    also_online = "し、オンラインでも開催" if facts.format == "hybrid" else ""
    who = f"{japan.format_count(facts.exhibitors)}団体" if facts.exhibitors else "の団体"
    return f"{head}{prefectures}{who}が出展{also_online}" + _brackets(
        [_months_in_year(facts), facts.venue_ja, _meetings(facts)]
    )


def _mokucolle(facts: EditionFacts, grouped: bool) -> str:
    if facts.held_from is not None:
        when = month_range(facts.held_from, facts.held_until) + "、"
    else:
        when = _head(facts, grouped)
    if facts.cancelled:
        return f"{when}{because(facts.reason_ja or '')}、実施せず"
    prefectures = facts.prefectures_ja()
    together = f"{prefectures}で連携して" if prefectures else ""
    exhibitors = f"{japan.format_count(facts.exhibitors)}者出展" if facts.exhibitors else None
    if facts.format == "online":
        participants = _participants(facts)
        return f"{when}{together}オンライン開催" + _brackets(
            [exhibitors, f"{participants}参加" if participants else None, _meetings(facts)]
        )
    # 「東京ビッグサイトで、33都道府県で連携して開催」, or 「東京ビッグサイトで開催」 alone.
    venue = f"{facts.venue_ja}で{'、' if together else ''}" if facts.venue_ja else ""
    visitors, participants = _visitors(facts), _participants(facts)
    return f"{when}{venue}{together}開催" + _brackets(
        [
            _FORMAT_SUFFIX.get(facts.format) if facts.format == "hybrid" else None,
            exhibitors,
            f"{visitors}来場" if visitors else None,
            f"{participants}参加" if participants and facts.format == "hybrid" else None,
            _meetings(facts),
        ]
    )


_FORMS = {"national-zone": _national_zone, "takumi": _takumi, "mokucolle": _mokucolle}


def line(facts: EditionFacts, grouped: bool = False) -> str:
    """The sentence for one edition in its series' multi-year list."""
    return _FORMS[facts.series_slug](facts, grouped)


def years_label(years: Sequence[int]) -> str:
    """「平成29年度～令和2年度」, 「令和3年度」, or runs joined by 「、」."""
    parts = []
    for first, last in year_ranges(years):
        label = japan.fiscal_year_label(first)
        parts.append(label if first == last else f"{label}～{japan.fiscal_year_label(last)}")
    return "、".join(parts)


def note(text: str) -> str:
    return text if text.startswith("※") else f"※ {text}"


def entered_footnote(years: Sequence[int]) -> str:
    return f"※ {years_label(years)}は、過去の記録から入力された数値による。"


def superseded_footnote(years: Sequence[int]) -> str:
    return f"※ {years_label(years)}は、入力された数値に代えて、eventhubの集計値による。"


def title(fiscal_year: int) -> str:
    return f"{japan.fiscal_year_label(fiscal_year)} 事業実績"
