"""The published results report: its sentences and tables as a page, and its files."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.pages.conftest import Reader, text_of
from tests.reports import reference
from tests.reports.helpers import BUILDS, import_csv


def _publish(organiser: Api, fiscal_year: int = 2021) -> dict[str, Any]:
    """Build the year's report and publish it: a build nobody published stays private."""
    assert import_csv(organiser, reference.CSV_JA).status_code == 200
    build = organiser.post(BUILDS, json={"fiscal_year": fiscal_year}).json
    assert build["status"] == "done", build
    published = organiser.post(f"{build['url']}/publish")
    assert published.status_code == 200, published.json
    return dict(published.json)


def test_no_report_yet(visitor: Reader) -> None:
    assert "まだ公開されていません" in text_of(visitor.get("/reports/"))
    assert visitor.get("/reports/2021").status_code == 404


def test_the_published_report_in_japanese_with_its_downloads(
    organiser: Api, visitor: Reader
) -> None:
    _publish(organiser)
    index = text_of(visitor.get("/reports/"))
    assert "令和3年度" in index
    assert 'href="/reports/2021"' in index
    page = visitor.get("/reports/2021")
    assert page.status_code == 200
    html = text_of(page)
    for line in reference.NATIONAL_ZONE_JA:
        assert line in html
    assert "<script" not in html.split("</head>")[1].replace(
        '<script src="/static/eventhub.js" defer></script>', ""
    )
    assert 'style="' not in html
    for name in ("report-ja.html", "report.xlsx", "editions.csv"):
        link = f"/reports/2021/files/{name}"
        assert link in html
        download = visitor.get(link)
        assert download.status_code == 200
        assert "eventhub-report-FY2021" in download.headers["Content-Disposition"]
    assert visitor.get("/reports/2021/files/nothing.csv").status_code == 404
    assert visitor.get("/reports/2020").status_code == 404


def test_the_report_in_english(organiser: Api, make_reader: Any) -> None:
    _publish(organiser)
    reader = make_reader(locale="en")
    reader.submit("/language", {"locale": "en"}, form_at="/")
    html = text_of(reader.get("/reports/2021"))
    assert "FY2021" in html
    assert 'lang="en"' in html
