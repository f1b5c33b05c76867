"""The report says only what is true, tells editions apart, and says what it left out."""

from __future__ import annotations

from tests.applications.helpers import make_edition, set_edition_status
from tests.reports.helpers import BUILDS, import_csv
from tests.reports.test_builds_api import held_edition


def _build(organiser, fiscal_year: int) -> dict:
    response = organiser.post(BUILDS, json={"fiscal_year": fiscal_year})
    assert response.status_code == 202, response.json
    build = organiser.get(response.json["url"]).json
    assert build["status"] == "done", build
    return build


def _file(organiser, build: dict, name: str) -> str:
    url = next(f["url"] for f in build["files"] if f["name"] == name)
    return str(organiser.get(url).get_data(as_text=True))


def test_editions_left_out_are_listed_with_why_in_the_build_and_its_appendix(organiser):
    empty = held_edition(organiser, "national-zone", title_ja="全国ゾーン2027")
    planned = make_edition(organiser, "takumi", title_ja="匠の技の祭典2027")
    set_edition_status(organiser, planned["id"], "open")

    build = _build(organiser, 2027)

    omitted = {item["edition_id"]: item for item in build["omitted"]}
    assert omitted[empty["id"]]["reason"] == "no_figures"
    assert omitted[empty["id"]]["status"] == "held"
    assert omitted[planned["id"]]["reason"] == "not_held"
    assert omitted[planned["id"]]["status"] == "open"
    html = _file(organiser, build, "report-ja.html")
    # No false 「0企業・団体が出展」: a held edition with nothing recorded is left out.
    assert "0企業・団体" not in html
    assert "全国ゾーン2027" not in html
    appendix = _file(organiser, build, "organisers-appendix.md")
    assert "全国ゾーン2027" in appendix
    assert "匠の技の祭典2027" in appendix
    assert "開催済みでないため" in appendix
    assert "This appendix is not published." in appendix


TWINS = """series,fiscal_year,edition_no,held,venue,venue_en,exhibitors,prefectures
national-zone,2019,1,2019-10,東京ビッグサイト,,30,12道府県
national-zone,2019,2,2020-02,東京国際フォーラム,Tokyo International Forum,30,12道府県
mokucolle,2018,1,2018-12,東京国際フォーラム,,100,10都道府県
mokucolle,2019,1,2019-12,東京ビッグサイト,,,
"""


def test_two_editions_of_a_year_are_told_apart_and_venues_named_in_english_once(organiser):
    assert import_csv(organiser, TWINS).status_code == 200

    build = _build(organiser, 2019)

    ja = _file(organiser, build, "report-ja.html")
    line = '<li data-source="entered">令和元年度は、12道府県から30企業・団体が出展（{}）</li>'
    assert line.format("10月、東京ビッグサイト") in ja
    assert line.format("2月、東京国際フォーラム") in ja
    # Held without exhibitors or prefectures: when and where, and no 「、」 left hanging.
    assert '<li data-source="entered">令和元年12月、東京ビッグサイトで開催</li>' in ja
    en = _file(organiser, build, "report-en.html")
    # The English name given on one row serves every row held at that venue.
    assert (
        "December 2018, Tokyo International Forum: held together with 10 prefectures"
        " (100 exhibitors)" in en
    )
    assert "(February; Tokyo International Forum)" in en
    # A venue nobody named in English is left out of the English report, not printed in
    # Japanese.
    assert "In FY2019, 30 companies and organisations from 12 prefectures exhibited (October)" in en
    assert "東京" not in en.split("<body>", 1)[1]
