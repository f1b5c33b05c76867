"""The report's A4 PDFs: the HTML report's every sentence, Japanese fonts embedded."""

from __future__ import annotations

import subprocess

import pytest

from eventhub.reports import charts, render
from eventhub.reports.document import document
from eventhub.reports.facts import from_figures, merge
from eventhub.reports.pdf import to_pdf
from tests.reports import reference
from tests.reports.figures_helpers import figures
from tests.reports.helpers import BUILDS, import_csv
from tests.reports.pdf_text import pdf_fonts, pdf_text, sentences, squeeze
from tests.reports.test_builds_api import held_edition


@pytest.fixture
def build(organiser) -> dict:
    assert import_csv(organiser, reference.CSV_JA).status_code == 200
    held_edition(organiser, "mokucolle", title_ja="モクコレ2027", title_en="Mokucolle 2027")
    response = organiser.post(BUILDS, json={"fiscal_year": 2027})
    assert response.status_code == 202, response.json
    done = organiser.get(response.json["url"]).json
    assert done["status"] == "done", done
    return {f["name"]: f["url"] for f in done["files"]}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_pdf_says_every_sentence_of_the_html_report(organiser, build, language, tmp_path):
    pdf = organiser.get(build[f"report-{language}.pdf"])
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.get_data().startswith(b"%PDF-")
    html = organiser.get(build[f"report-{language}.html"]).get_data(as_text=True)

    text = squeeze(pdf_text(pdf.get_data(), tmp_path))
    expected = sentences(html)
    assert len(expected) > 20
    missing = [s for s in expected if squeeze(s) not in text]
    assert missing == []
    # Page numbers of the print stylesheet: "1 / 2" at the foot of the first page.
    assert "1/" in text


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_font_of_the_pdf_is_embedded(organiser, build, language, tmp_path):
    fonts = pdf_fonts(organiser.get(build[f"report-{language}.pdf"]).get_data(), tmp_path)
    assert fonts
    assert all(emb == "yes" for _, emb in fonts), fonts
    assert any("IPAexGothic" in name for name, _ in fonts), fonts


def test_the_pdf_prints_the_figures_tables_and_charts_on_a4(tmp_path):
    f = figures(exhibitors_by_prefecture={"01": 3, "27": 5, "47": 24})
    images = {}
    for chart in charts.charts_of(f):
        _, png = charts.render(chart)
        images[render.chart_name(f.edition_id, chart.kind, "png")] = png
    series = [merge("national-zone", [from_figures(f)], [])]
    doc = document("ja", 2027, series, {"national-zone": "全国ゾーン"})

    pdf = to_pdf(render.to_html(doc, images))

    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    listed = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True)
    # One image per chart (each with its alpha mask, listed as smask), after the header.
    images_listed = [line for line in listed.stdout.splitlines()[2:] if line.split()[2] == "image"]
    assert len(images_listed) == len(images) == 3
    text = squeeze(pdf_text(pdf, tmp_path))
    # The figures table: its labels and values (pdftotext reads a table column by column).
    for cell in ("出展者数", "来場者数", "4,243", "延べ入場数", "4,600", "小間数"):
        assert cell in text
