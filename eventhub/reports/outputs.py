"""Everything a build produces for a fiscal year: reads the tallies, writes every format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from eventhub.events.models import Edition, EditionStatus, Series
from eventhub.extensions import db
from eventhub.reports import charts, past, render, tables
from eventhub.reports.document import document
from eventhub.reports.facts import SERIES_ORDER, EditionFacts, SeriesFacts, from_figures, merge
from eventhub.tallies import service as tallies
from eventhub.tallies.figures import EditionFigures

#: Editions the report speaks of: those that took place, and those called off.
REPORTED_STATUSES = (EditionStatus.HELD, EditionStatus.CANCELLED)

HTML = "text/html; charset=utf-8"
MARKDOWN = "text/markdown; charset=utf-8"
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
SVG = "image/svg+xml"

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Output:
    name: str
    content_type: str
    content: bytes


def reported_editions(fiscal_year: int) -> list[Edition]:
    return list(
        db.session.scalars(
            sa.select(Edition)
            .where(Edition.fiscal_year <= fiscal_year, Edition.status.in_(REPORTED_STATUSES))
            .order_by(Edition.starts_at, Edition.id)
        )
    )


def series_facts(fiscal_year: int, figures: list[EditionFigures]) -> list[SeriesFacts]:
    data: dict[str, list[EditionFacts]] = {}
    for f in figures:
        data.setdefault(f.series_slug, []).append(from_figures(f))
    entered = past.entered_facts(fiscal_year)
    merged = [merge(slug, data.get(slug, []), entered.get(slug, [])) for slug in SERIES_ORDER]
    return [s for s in merged if s.editions]


def _names() -> tuple[dict[str, str], dict[str, str]]:
    series = list(db.session.scalars(sa.select(Series)))
    return {s.slug: s.name_ja for s in series}, {s.slug: s.name_en for s in series}


def produce(fiscal_year: int, progress: Progress) -> list[Output]:
    """Every file of the fiscal year's report; ``progress(done, total)`` after each step."""
    editions = [(e.id, e.fiscal_year, e.status) for e in reported_editions(fiscal_year)]
    charted = [i for i, fy, status in editions if fy == fiscal_year and status == "held"]
    total = len(editions) + 6 + len(charted)
    done = 0
    progress(done, total)
    figures: list[EditionFigures] = []
    for edition_id, _, _ in editions:
        # Catches up with the scans received since the last run: the report is current.
        figures.append(tallies.edition_figures(edition_id, refresh=True))
        done += 1
        progress(done, total)
    series = series_facts(fiscal_year, figures)
    names_ja, names_en = _names()
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
        outputs.append(Output(f"report-{language}.html", HTML, render.to_html(doc, images)))
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
    done += 1
    progress(done, total)
    return outputs
