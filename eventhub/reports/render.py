"""The report document as HTML (self-contained, charts embedded) and as Markdown."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, select_autoescape

from eventhub import japan
from eventhub.reports.document import Document
from eventhub.tallies.figures import EditionFigures

#: (Japanese, English) labels of the key figures of an edition of the report year.
_LABELS: dict[str, tuple[str, str]] = {
    "exhibitors": ("出展者数", "Exhibitors"),
    "prefectures": ("出展都道府県", "Prefectures"),
    "booth_units": ("小間数", "Booth units"),
    "registrations": ("事前登録数", "Registrations"),
    "visitors": ("来場者数", "Visitors"),
    "entries": ("延べ入場数", "Entries, re-entries included"),
    "online_participants": ("オンライン参加者数", "Online participants"),
    "business_meetings": ("商談数", "Business meetings"),
    "deals": ("成約数", "Deals closed"),
    "hands_on_seats_used": ("体験席利用数", "Hands-on seats used"),
}
_CHART_ALT = {
    "visitors-per-day": ("来場者数（日別）", "Visitors per day"),
    "entries-per-hour": ("入場数（時間別）", "Entries per hour"),
    "exhibitors-by-prefecture": ("出展者数（都道府県別）", "Exhibitors by prefecture"),
}


def chart_name(edition_id: int, kind: str, extension: str) -> str:
    return f"chart-{edition_id}-{kind}.{extension}"


def key_figures(figures: EditionFigures, language: str) -> list[tuple[str, str]]:
    index = 0 if language == "ja" else 1
    values: dict[str, Any] = {
        "exhibitors": figures.exhibitors,
        "prefectures": (
            (
                japan.describe_prefectures(figures.exhibitor_prefectures)
                if language == "ja"
                else japan.describe_prefectures_en(figures.exhibitor_prefectures)
            )
            if figures.exhibitor_prefectures
            else None
        ),
        "booth_units": figures.booth_units,
        "registrations": figures.registrations,
        "visitors": figures.visitors,
        "entries": figures.entries,
        "online_participants": figures.online_participants,
        "business_meetings": figures.business_meetings,
        "deals": figures.deals,
        "hands_on_seats_used": figures.hands_on_seats_used,
    }
    rows = []
    for key, value in values.items():
        if value is None:
            continue
        text = japan.format_count(value) if isinstance(value, int) else str(value)
        rows.append((_LABELS[key][index], text))
    return rows


_HTML = """<!DOCTYPE html>
<html lang="{{ doc.language }}">
<head>
<meta charset="utf-8">
<title>{{ doc.title }}</title>
<style>
body { font-family: "IPAexGothic", "Hiragino Sans", "Noto Sans JP", sans-serif;
       max-width: 60rem; margin: 2rem auto; line-height: 1.6; padding: 0 1rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #bbb; padding: .25rem .6rem; text-align: left; }
td.number { text-align: right; }
.note, .footnote { color: #444; }
ul.grouped { margin-top: 0; }
img.chart { max-width: 100%; display: block; margin: 1rem 0; }
@page { size: A4; margin: 20mm 18mm 22mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt;
                         font-family: "IPAexGothic", "Noto Sans JP", sans-serif; } }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; line-height: 1.5; }
  h1 { font-size: 18pt; } h2 { font-size: 14pt; break-after: avoid; }
  h3 { font-size: 11.5pt; break-after: avoid; }
  table, img.chart, li { break-inside: avoid; }
  img.chart { max-height: 110mm; }
}
</style>
</head>
<body>
<h1>{{ doc.title }}</h1>
{% for s in doc.sections %}
<section id="{{ s.slug }}">
<h2>{{ s.heading }}</h2>
<ul class="years">
{% for line in s.lines %}  <li data-source="{{ line.source }}">{{ line.text }}</li>
{% endfor %}</ul>
{% for group in s.groups %}<p class="note">{{ group.note }}</p>
<ul class="grouped">
{% for line in group.lines %}  <li data-source="{{ line.source }}">{{ line.text }}</li>
{% endfor %}</ul>
{% endfor %}{% for note in s.footnotes %}<p class="footnote">{{ note }}</p>
{% endfor %}{% for e in s.editions %}
<h3>{{ e.title }}</h3>
<table>
{% for label, value in e.rows %}  <tr><th>{{ label }}</th><td class="number">{{ value }}</td></tr>
{% endfor %}</table>
{% for chart in e.charts %}<img class="chart" alt="{{ chart.alt }}" src="{{ chart.src }}">
{% endfor %}{% endfor %}
</section>
{% endfor %}
</body>
</html>
"""

_env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_template = _env.from_string(_HTML)


def _editions(
    doc: Document, section_index: int, charts: Mapping[str, bytes], inline: bool
) -> list[dict[str, Any]]:
    index = 0 if doc.language == "ja" else 1
    out = []
    for figures in doc.sections[section_index].editions:
        found = []
        for kind, alt in _CHART_ALT.items():
            name = chart_name(figures.edition_id, kind, "png")
            if name not in charts:
                continue
            src = (
                "data:image/png;base64," + base64.b64encode(charts[name]).decode()
                if inline
                else name
            )
            found.append({"alt": alt[index], "src": src, "name": name})
        out.append(
            {
                "title": figures.title_ja if doc.language == "ja" else figures.title_en,
                "rows": key_figures(figures, doc.language),
                "charts": found,
            }
        )
    return out


def to_html(doc: Document, charts: Mapping[str, bytes]) -> bytes:
    """One file that needs nothing else: the charts are embedded as PNG."""
    sections = [
        {**vars(s), "editions": _editions(doc, i, charts, inline=True)}
        for i, s in enumerate(doc.sections)
    ]
    view = {"language": doc.language, "title": doc.title, "sections": sections}
    return _template.render(doc=view).encode("utf-8")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(doc: Document, charts: Mapping[str, bytes]) -> bytes:
    """Markdown that links the charts by file name, as the build folder holds them."""
    out = [f"# {_md(doc.title)}", ""]
    figure_header = ("| 項目 | 値 |", "| Figure | Value |")[doc.language != "ja"]
    for i, s in enumerate(doc.sections):
        out += [f"## {_md(s.heading)}", ""]
        out += [f"- {_md(line.text)}" for line in s.lines]
        out.append("")
        for group in s.groups:
            out += [_md(group.note), ""]
            out += [f"  - {_md(line.text)}" for line in group.lines]
            out.append("")
        for note in s.footnotes:
            out += [_md(note), ""]
        for edition in _editions(doc, i, charts, inline=False):
            out += [f"### {_md(edition['title'])}", "", figure_header, "| --- | ---: |"]
            out += [f"| {_md(label)} | {_md(value)} |" for label, value in edition["rows"]]
            out.append("")
            out += [f"![{_md(c['alt'])}]({c['name']})" for c in edition["charts"]]
            if edition["charts"]:
                out.append("")
    return ("\n".join(out).rstrip() + "\n").encode("utf-8")
