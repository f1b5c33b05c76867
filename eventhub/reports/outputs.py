"""Everything a build produces for a fiscal year: reads the tallies, writes every format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa

from eventhub.events.models import Edition, EditionStatus, Series
from eventhub.extensions import db
from eventhub.reports import charts, past, pdf, render, tables
from eventhub.reports.document import document
from eventhub.reports.facts import (
    SERIES_ORDER,
    EditionFacts,
    SeriesFacts,
    from_figures,
    merge,
)
from eventhub.reports.models import PastEditionFigures
from eventhub.tallies import service as tallies
from eventhub.tallies.figures import EditionFigures

#: Editions the report speaks of: those that took place, and those called off.
REPORTED_STATUSES = (EditionStatus.HELD, EditionStatus.CANCELLED)

HTML = "text/html; charset=utf-8"
MARKDOWN = "text/markdown; charset=utf-8"
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
PNG = "image/png"
SVG = "image/svg+xml"

Progress = Callable[[int, int], None]


#: Files for the organisers only: a published build's other files are public.
APPENDIX = "organisers-appendix.md"
ORGANISERS_ONLY = frozenset({APPENDIX})


@dataclass(frozen=True)
class Output:
    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Produced:
    files: list[Output]
    #: Editions the report leaves out, each with why (OmittedEditionSchema).
    omitted: list[dict[str, Any]]


def reported_editions(fiscal_year: int) -> list[Edition]:
    return list(
        db.session.scalars(
            sa.select(Edition)
            .where(Edition.fiscal_year <= fiscal_year, Edition.status.in_(REPORTED_STATUSES))
            .order_by(Edition.starts_at, Edition.id)
        )
    )


def english_venues() -> dict[str, str]:
    """Each venue's English name by its Japanese one, as organisers gave it on any edition or
    entered row held there: a venue is named in English once, not on every row."""
    pairs = [
        *db.session.execute(sa.select(Edition.venue_ja, Edition.venue_en).order_by(Edition.id)),
        *db.session.execute(
            sa.select(PastEditionFigures.venue_ja, PastEditionFigures.venue_en).order_by(
                PastEditionFigures.id
            )
        ),
    ]
    return {ja: en for ja, en in pairs if ja and en}


def _omission(facts: EditionFacts, names: tuple[dict[str, str], dict[str, str]]) -> dict[str, Any]:
    if facts.figures is not None:
        f = facts.figures
        return {"edition_id": f.edition_id, "series": f.series_slug, "fiscal_year": f.fiscal_year,
                "title_ja": f.title_ja, "title_en": f.title_en, "status": f.status,
                "reason": "no_figures"}  # fmt: skip
    ja, en = names
    return {"edition_id": None, "series": facts.series_slug, "fiscal_year": facts.fiscal_year,
            "title_ja": f"{ja.get(facts.series_slug, facts.series_slug)} 第{facts.order}回",
            "title_en": f"{en.get(facts.series_slug, facts.series_slug)}, edition {facts.order}",
            "status": "held", "reason": "no_figures"}  # fmt: skip


def series_facts(
    fiscal_year: int,
    figures: list[EditionFigures],
    omitted: list[dict[str, Any]] | None = None,
    names: tuple[dict[str, str], dict[str, str]] | None = None,
) -> list[SeriesFacts]:
    """The facts the report speaks of; a held edition with nothing to say is left out and
    appended to ``omitted`` with its reason, rather than printed as 「0企業・団体が出展」."""
    venues = english_venues()
    names = names or _names()
    data: dict[str, list[EditionFacts]] = {}
    for f in figures:
        data.setdefault(f.series_slug, []).append(from_figures(f))
    entered = past.entered_facts(fiscal_year)
    merged = [merge(slug, data.get(slug, []), entered.get(slug, [])) for slug in SERIES_ORDER]
    out = []
    for series in merged:
        kept = []
        for facts in series.editions:
            if facts.says_nothing():
                if omitted is not None:
                    omitted.append(_omission(facts, names))
                continue
            if facts.venue_ja and not facts.venue_en and facts.venue_ja in venues:
                facts = replace(facts, venue_en=venues[facts.venue_ja])
            kept.append(facts)
        if kept:
            out.append(replace(series, editions=tuple(kept)))
    return out


def not_held(fiscal_year: int) -> list[dict[str, Any]]:
    """Editions of the fiscal year that are neither held nor cancelled: not in the report."""
    editions = db.session.scalars(
        sa.select(Edition)
        .where(Edition.fiscal_year == fiscal_year, Edition.status.not_in(REPORTED_STATUSES))
        .order_by(Edition.starts_at, Edition.id)
    )
    return [
        {
            "edition_id": e.id,
            "series": e.series.slug,
            "fiscal_year": e.fiscal_year,
            "title_ja": e.title_ja,
            "title_en": e.title_en,
            "status": e.status,
            "reason": "not_held",
        }
        for e in editions
    ]


_REASONS = {
    "not_held": ("開催済みでないため（報告するのは開催済みと中止の回のみ）",
                 "not marked held (the report speaks of held and cancelled editions only)"),
    "no_figures": ("開催済みだが、出展者・都道府県の記録がなく、正しく書ける文がないため",
                   "held, but no exhibitors or prefectures are recorded: no true line to print"),
}  # fmt: skip


def appendix(fiscal_year: int, omitted: list[dict[str, Any]]) -> bytes:
    """The organisers' appendix: what the report leaves out and why (never published)."""
    out = [
        f"# 実績報告 作成メモ（主催者用） / Organisers' notes: FY{fiscal_year}",
        "",
        "この付録は公開されません。 This appendix is not published.",
        "",
        "## 報告に含めなかった開催回 / Editions left out",
        "",
    ]
    if not omitted:
        out.append("なし / None")
    else:
        out += [
            "| ID | 開催回 / Edition | 状態 / Status | 理由 / Reason |",
            "| --- | --- | --- | --- |",
        ]
        for item in omitted:
            ja, en = _REASONS[item["reason"]]
            edition_id = item["edition_id"] if item["edition_id"] is not None else "—"
            title = f"{item['title_ja']} / {item['title_en']}".replace("|", "\\|")
            out.append(f"| {edition_id} | {title} | {item['status']} | {ja} / {en} |")
    return ("\n".join(out) + "\n").encode("utf-8")


def _names() -> tuple[dict[str, str], dict[str, str]]:
    series = list(db.session.scalars(sa.select(Series)))
    return {s.slug: s.name_ja for s in series}, {s.slug: s.name_en for s in series}


def produce(fiscal_year: int, progress: Progress) -> Produced:
    """Every file of the fiscal year's report, and the editions it leaves out;
    ``progress(done, total)`` after each step."""
    editions = [(e.id, e.fiscal_year, e.status) for e in reported_editions(fiscal_year)]
    charted = [i for i, fy, status in editions if fy == fiscal_year and status == "held"]
    total = len(editions) + 8 + len(charted)
    done = 0
    progress(done, total)
    figures: list[EditionFigures] = []
    for edition_id, _, _ in editions:
        # Catches up with the scans received since the last run: the report is current.
        figures.append(tallies.edition_figures(edition_id, refresh=True))
        done += 1
        progress(done, total)
    names_ja, names_en = _names()
    omitted = not_held(fiscal_year)
    series = series_facts(fiscal_year, figures, omitted, (names_ja, names_en))
    reported = {e.figures.edition_id for s in series for e in s.editions if e.figures}
    charted = [i for i in charted if i in reported]
    outputs: list[Output] = []
    images: dict[str, bytes] = {}
    for f in figures:
        if f.edition_id not in charted:
            continue
        for chart in charts.charts_of(f):
            svg, png = charts.render(chart)
            for extension, content, content_type in (("svg", svg, SVG), ("png", png, PNG)):
                name = render.chart_name(f.edition_id, chart.kind, extension)
                outputs.append(Output(name, content_type, content))
                images[name] = content
        done += 1
        progress(done, total)
    for language, names in (("ja", names_ja), ("en", names_en)):
        doc = document(language, fiscal_year, series, names)
        html = render.to_html(doc, images)
        outputs.append(Output(f"report-{language}.html", HTML, html))
        done += 1
        progress(done, total)
        outputs.append(Output(f"report-{language}.pdf", PDF, pdf.to_pdf(html)))
        done += 1
        progress(done, total)
        outputs.append(Output(f"report-{language}.md", MARKDOWN, render.to_markdown(doc, images)))
        done += 1
        progress(done, total)
    year_figures = [f for f in figures if f.edition_id in charted]
    list_rows = tables.list_rows(series, names_ja)
    figure_rows = tables.figures_rows(year_figures, names_ja)
    outputs.append(Output("editions.csv", CSV, tables.to_csv(list_rows)))
    outputs.append(Output("figures.csv", CSV, tables.to_csv(figure_rows)))
    done += 1
    progress(done, total)
    workbook = tables.to_xlsx([("実績一覧", list_rows), ("集計", figure_rows)])
    outputs.append(Output("report.xlsx", XLSX, workbook))
    outputs.append(Output(APPENDIX, MARKDOWN, appendix(fiscal_year, omitted)))
    done += 1
    progress(done, total)
    return Produced(outputs, omitted)
