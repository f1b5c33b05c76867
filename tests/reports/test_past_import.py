"""Entered past figures: CSV import (all or nothing, idempotent), the JSON API, and the lists
they give the report."""

from __future__ import annotations

import io

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.reports import outputs
from eventhub.reports.document import document
from eventhub.reports.models import PastEditionFigures
from eventhub.reports.render import to_html, to_markdown
from tests.reports import reference
from tests.reports.helpers import PAST, import_csv

HEADINGS = {"national-zone": "全国ゾーン", "takumi": "匠", "mokucolle": "モクコレ"}


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(PastEditionFigures))


def test_imported_reference_years_give_the_published_lists(app, organiser):
    response = import_csv(organiser, reference.CSV_JA)
    assert response.status_code == 200, response.json
    assert response.json == {"created": 15, "updated": 0, "unchanged": 0}
    with app.app_context():
        series = outputs.series_facts(2021, [])
        national, takumi, mokucolle = document("ja", 2021, series, HEADINGS).sections
    assert [line.text for line in national.lines] == reference.NATIONAL_ZONE_JA
    assert [line.text for line in national.groups[0].lines] == reference.NATIONAL_ZONE_GROUP_JA
    assert [line.text for line in takumi.lines] == reference.TAKUMI_JA
    assert [line.text for line in mokucolle.lines] == reference.MOKUCOLLE_JA


FOOD_FAIR_EN = (
    "FY2018–FY2020: held as the National Food Industry Fair, with food exhibitors from"
    " across Japan."
)


def test_an_english_note_column_gives_the_english_report_its_note(app, organiser):
    # The reference file with 備考（英語） added: the food fair years translated, 2017 given a
    # note of its own that nobody translated.
    rows = reference.CSV_JA.splitlines()
    header = rows[0] + ",備考（英語）"
    body = [
        row + (f',"{FOOD_FAIR_EN}"' if row.endswith(reference.FOOD_FAIR) else ",")
        for row in rows[1:]
    ]
    body[0] = body[0].replace(",118,37道府県,6市,,,,,", ",118,37道府県,6市,,,,初回,")
    response = import_csv(organiser, "\n".join([header, *body]) + "\n")
    assert response.status_code == 200, response.json
    listed = {(e["series"], e["fiscal_year"]): e for e in organiser.get(PAST).json["items"]}
    assert listed[("national-zone", 2019)]["note_en"] == FOOD_FAIR_EN
    assert listed[("national-zone", 2017)]["note_ja"] == "初回"
    assert listed[("national-zone", 2017)]["note_en"] is None
    with app.app_context():
        series = outputs.series_facts(2021, [])
        english = document("en", 2021, series, HEADINGS)
        japanese = document("ja", 2021, series, HEADINGS)
    national = english.sections[0]
    assert [g.note for g in national.groups] == ["※ 初回", f"※ {FOOD_FAIR_EN}"]
    assert [line.fiscal_year for line in national.groups[1].lines] == [2018, 2019, 2020]
    assert [g.note for g in japanese.sections[0].groups] == ["※ 初回", f"※ {reference.FOOD_FAIR}"]
    markdown = to_markdown(english, {}).decode()
    assert f"※ {FOOD_FAIR_EN}\n" in markdown
    assert "※ 初回\n" in markdown
    assert reference.FOOD_FAIR not in markdown
    html = to_html(english, {}).decode()
    assert f'<p class="note">※ {FOOD_FAIR_EN}</p>' in html
    assert '<p class="note">※ 初回</p>' in html


def test_the_english_note_header_in_english(organiser):
    text = "series,fiscal_year,exhibitors,note,note_en\ntakumi,FY2016,70,初出展,First year\n"
    assert import_csv(organiser, text).status_code == 200
    (entry,) = organiser.get(PAST).json["items"]
    assert (entry["note_ja"], entry["note_en"]) == ("初出展", "First year")


def test_the_report_of_an_earlier_year_stops_at_that_year(app, organiser):
    assert import_csv(organiser, reference.CSV_JA).status_code == 200
    with app.app_context():
        series = outputs.series_facts(2019, [])
        (_, _, mokucolle) = document("ja", 2019, series, HEADINGS).sections
    assert [line.text for line in mokucolle.lines] == reference.MOKUCOLLE_JA[:4]


def test_reimport_is_a_no_op_and_a_corrected_file_updates_its_rows(app, organiser):
    assert import_csv(organiser, reference.CSV_JA).status_code == 200
    again = import_csv(organiser, reference.CSV_JA, bom=False)
    assert again.json == {"created": 0, "updated": 0, "unchanged": 15}
    corrected = reference.CSV_JA.replace(",118,37道府県,", ",119,37道府県,")
    assert import_csv(organiser, corrected).json == {"created": 0, "updated": 1, "unchanged": 14}
    assert _count(app) == 15


def test_english_headers_lists_of_prefectures_and_a_multipart_upload(app, organiser):
    text = (
        "series,fiscal_year,held,venue,format,exhibitors,prefectures,visitors,business_meetings\n"
        "mokucolle,FY2016,2017-01,Tokyo Big Sight,in_person,300,"
        '"北海道, Tokyo, 大阪, 47, ｷｮｳﾄ",4243,329件\n'
    )
    response = organiser.post(
        f"{PAST}/import",
        data={"file": (io.BytesIO(text.encode()), "past.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.json
    listed = organiser.get(PAST).json["items"]
    assert listed[0]["prefecture_codes"] == [1, 13, 26, 27, 47]
    assert listed[0]["fiscal_year_label"] == "平成28年度"
    with app.app_context():
        (mokucolle,) = outputs.series_facts(2016, [])
        (section,) = document("ja", 2016, [mokucolle], HEADINGS).sections
    # Exact entered counts are printed as they are, without 約.
    assert section.lines[0].text == (
        "平成29年1月、Tokyo Big Sightで、5都道府県で連携して開催"
        "（300者出展、4,243人来場、商談数329件）"
    )


def test_every_problem_is_named_by_row_and_column_and_nothing_is_imported(app, organiser):
    text = (
        "シリーズ,年度,開催月,状況,出展者数,都道府県,来場者数,色\n"
        "モクコレ,令和3年度,令和3年1月,,約300,北海道、ムー大陸,100,赤\n"
    )
    response = import_csv(organiser, text)
    assert response.status_code == 422
    assert response.json["code"] == "invalid_csv"
    assert response.json["errors"] == [{"row": 1, "column": "色", "message": "Unknown column."}]

    text = (
        "シリーズ,年度,開催月,状況,中止理由,出展者数,都道府県,来場者数\n"
        "モクコレ,令和3年度,令和3年1月,,,約300,北海道、ムー大陸,100\n"
        "モクコロ,昭和60年度,,中止,,10,1都道府県,\n"
        "全国ゾーン,2021,2021-05,,,1,,\n"
        "national-zone,令和3年度,,,,2,,\n"
    )
    errors = import_csv(organiser, text).json["errors"]
    found = {(e["row"], e["column"]) for e in errors}
    assert found == {
        (2, "出展者数"),  # 約 is for visitor counts only
        (2, "都道府県"),  # ムー大陸 is no prefecture
        (2, "開催月"),  # January 2021 is in fiscal year 2020
        (3, "シリーズ"),
        (3, "年度"),
        (3, "都道府県"),  # 1都道府県 cannot be
        (3, "中止理由"),  # cancelled without a reason
        (5, None),  # the same key as row 4
    }
    assert any("ムー大陸" in e["message"] for e in errors)
    assert _count(app) == 0


def test_control_characters_in_a_cell_are_refused(app, organiser):
    text = (
        "シリーズ,年度,開催月,状況,中止理由,出展者数\n"
        "モクコレ,令和3年度,令和3年7月,中止,台風\x00のため,10\n"
        "モクコレ,令和4年度,令和4年7月,中止,台風\x1bのため,10\n"
    )
    response = import_csv(organiser, text)
    assert response.status_code == 422, response.json
    found = {(e["row"], e["column"]) for e in response.json["errors"]}
    assert found == {(2, "中止理由"), (3, "中止理由")}
    assert _count(app) == 0


def test_a_month_outside_the_fiscal_year_is_refused(organiser):
    text = "シリーズ,年度,開催月\nモクコレ,令和3年度,令和3年1月\n"
    (error,) = import_csv(organiser, text).json["errors"]
    assert error["row"] == 2
    assert error["column"] == "開催月"
    assert "fiscal year 2020" in error["message"]


def test_a_file_that_is_not_utf8_is_refused_clearly(organiser):
    response = import_csv(organiser, "シリーズ,年度\nモクコレ,2020\n".encode("shift_jis"))
    assert response.status_code == 422
    assert "UTF-8" in response.json["errors"][0]["message"]


def test_json_create_list_and_delete(organiser):
    body = {
        "series": "takumi",
        "fiscal_year": "令和元年度",
        "held_from": "2019-07",
        "venue_ja": "TOC展示会場",
        "exhibitors": 73,
        "prefectures_printed": "22都府県",
    }
    created = organiser.post(PAST, json=body)
    assert created.status_code == 201, created.json
    assert created.json["fiscal_year"] == 2019
    assert created.json["held_from"] == "2019-07"
    again = organiser.post(PAST, json=body)
    assert again.status_code == 409
    assert again.json["code"] == "past_figures_exist"
    bad = organiser.post(PAST, json={**body, "edition_no": 2, "held_from": "2020-07"})
    assert bad.status_code == 422
    assert bad.json["errors"][0]["field"] == "held_from"
    assert organiser.delete(f"{PAST}/{created.json['id']}").status_code == 204
    assert organiser.get(PAST).json["total"] == 0


def test_only_organisers_see_or_enter_past_figures(exhibitor, anonymous):
    assert exhibitor.get(PAST).status_code == 403
    assert import_csv(exhibitor, reference.CSV_JA).status_code == 403
    assert anonymous.get(PAST).status_code == 401


def test_blank_optional_texts_are_stored_as_none(organiser):
    """Found by a property-based run: spaces-only optional text was a 500 (a length check on
    the None that blank becomes)."""
    texts = ["venue_ja", "venue_en", "cancellation_reason_en", "note_ja", "note_en"]
    body = {"series": "takumi", "fiscal_year": 2021, **{name: " \u3000 " for name in texts}}
    response = organiser.post(PAST, json=body)
    assert response.status_code == 201, response.json
    assert all(response.json[name] is None for name in texts)
    too_long = organiser.post(PAST, json={**body, "edition_no": 2, "note_ja": "長" * 2001})
    assert too_long.status_code == 422
    assert [e["field"] for e in too_long.json["errors"]] == ["note_ja"]
