"""The report's A4 PDFs: the HTML report's every sentence, Japanese fonts embedded."""

from __future__ import annotations

import pytest

from tests.reports import reference
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
