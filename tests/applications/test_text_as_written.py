"""Free text is kept as people wrote it; identifiers are normalised; control characters are
refused at the door, and whatever is already stored still exports."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from eventhub.accounts.models import Organisation
from eventhub.applications.models import Application
from eventhub.extensions import db
from tests.accounts.helpers import VALID_CORPORATE_NUMBER
from tests.applications.helpers import (
    EDITIONS,
    ORGANISATIONS,
    application_body,
    application_url,
    create_application,
    make_organisation,
    submitted_application,
)

SUMMARY = "①②③の工程で仕上げます（全角）。\n\n第二段落：ｶﾀｶﾅも　全角スペースも\tそのまま。"


def _fields(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.json
    assert response.json["code"] == "validation_failed"
    return [(e.get("field"), e["location"]) for e in response.json["errors"]]


def test_free_text_survives_a_round_trip_as_written(exhibitor, organisation, edition):
    body = application_body("takumi", organisation["id"], summary_ja=SUMMARY.replace("\n", "\r\n"))
    body["series_fields"]["demonstration_description"] = "１回目：10時\n２回目：14時"
    application = create_application(exhibitor, edition["id"], body)

    stored = exhibitor.get(application_url(application["id"])).json
    assert stored["summary_ja"] == SUMMARY  # CRLF read as LF, nothing else changed
    assert stored["series_fields"]["demonstration_description"] == "１回目：10時\n２回目：14時"


def test_one_line_text_keeps_its_characters_and_joins_lines(exhibitor, organisation, edition):
    body = application_body("takumi", organisation["id"], contact_title="  営業部（東京）\n部長 ")
    application = create_application(exhibitor, edition["id"], body)

    assert exhibitor.get(application_url(application["id"])).json["contact_title"] == (
        "営業部（東京） 部長"
    )


def test_identifiers_are_still_normalised(exhibitor):
    response = exhibitor.post(
        ORGANISATIONS,
        json={
            "name": "株式会社①工芸（東京）",
            "name_kana": "かぶしきがいしゃ　いちこうげい",
            "corporate_number": "７０００-０１２０-５０００２",
            "kind": "company",
            "prefecture_code": 13,
            "postal_code": "１００－０００１",
            "address": "東京都千代田区千代田１－１",
            "phone": "（０３）１２３４－５６７８",
        },
    )
    assert response.status_code == 201, response.json
    org = response.json
    assert org["name"] == "株式会社①工芸（東京）"
    assert org["address"] == "東京都千代田区千代田１－１"
    assert org["name_kana"] == "カブシキガイシャ イチコウゲイ"
    assert org["corporate_number"] == VALID_CORPORATE_NUMBER
    assert org["postal_code"] == "100-0001"
    assert org["phone"] == "03-1234-5678"


def test_organisation_search_finds_names_as_written(exhibitor):
    make_organisation(exhibitor, name="ＡＢＣ工芸（東京）")
    for q in ("ＡＢＣ", "工芸（東京）"):
        response = exhibitor.get(ORGANISATIONS, query_string={"q": q})
        assert response.status_code == 200, response.json
        names = [o["name"] for o in response.json["items"]]
        assert "ＡＢＣ工芸（東京）" in names, q


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("09012345678", "090-1234-5678"),
        ("+81 3 1234 5678", "03-1234-5678"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+1 (212) 555-0100", "+12125550100"),
    ],
)
def test_phone_numbers_japanese_and_foreign(exhibitor, organisation, edition, typed, stored):
    body = application_body("takumi", organisation["id"], contact_phone=typed)
    application = create_application(exhibitor, edition["id"], body)
    assert exhibitor.get(application_url(application["id"])).json["contact_phone"] == stored


@pytest.mark.parametrize("typed", ["12345", "090-1234-567", "+999 1234", "03-1234-5678 内線9"])
def test_invalid_phone_numbers_are_refused_naming_the_field(
    exhibitor, organisation, edition, typed
):
    body = application_body("takumi", organisation["id"], contact_phone=typed)
    response = exhibitor.post(f"{EDITIONS}/{edition['id']}/applications", json=body)
    assert ("contact_phone", "json") in _fields(response)


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\x85", "\x9f"])
def test_control_characters_in_a_json_body_are_refused(exhibitor, organisation, edition, char):
    body = application_body("takumi", organisation["id"], summary_ja=f"説明{char}です")
    body["series_fields"]["craft"] = f"江戸{char}切子"
    response = exhibitor.post(f"{EDITIONS}/{edition['id']}/applications", json=body)

    fields = _fields(response)
    assert ("summary_ja", "json") in fields
    assert ("series_fields.craft", "json") in fields
    assert response.json["errors"][0]["message"] == (
        "Control characters (such as NUL) are not allowed here."
    )


def test_control_characters_refused_in_plain_string_fields_too(anonymous):
    response = anonymous.post(
        "/api/v1/auth/login", json={"email": "a@example.jp", "password": "pass\x00word"}
    )
    assert ("password", "json") in _fields(response)


def test_control_characters_in_a_query_parameter_are_refused(organiser, edition):
    response = organiser.get(
        f"{EDITIONS}/{edition['id']}/applications", query_string={"q": "株式\x00会社"}
    )
    assert ("q", "query") in _fields(response)
    response = organiser.get(ORGANISATIONS, query_string={"q": "\x1b[31m"})
    assert ("q", "query") in _fields(response)


def test_the_message_is_in_japanese_when_asked(exhibitor, organisation, edition):
    body = application_body("takumi", organisation["id"], summary_ja="\x00")
    response = exhibitor.post(
        f"{EDITIONS}/{edition['id']}/applications",
        json=body,
        headers={"Accept-Language": "ja"},
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "summary_ja"


def test_tab_and_newline_are_kept_in_multi_line_text(exhibitor, organisation, edition):
    text = "品目\t数量\n椀\t10"
    body = application_body("takumi", organisation["id"], summary_ja=text, products=text)
    application = create_application(exhibitor, edition["id"], body)
    stored = exhibitor.get(application_url(application["id"])).json
    assert stored["summary_ja"] == text
    assert stored["products"] == text


def _export(organiser, edition, fmt: str) -> Any:
    response = organiser.get(
        f"{EDITIONS}/{edition['id']}/applications/export",
        query_string={"format": fmt, "columns": "id,organisation,summary_ja"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def test_exports_survive_control_characters_already_stored(
    app, organiser, exhibitor, organisation, edition
):
    application = submitted_application(exhibitor, edition, organisation["id"])
    with app.app_context():
        # PostgreSQL refuses NUL in text, SQLite keeps it: store what each can.
        first = 0 if db.engine.dialect.name == "sqlite" else 1
        controls = "".join(chr(c) for c in [*range(first, 0x20), *range(0x7F, 0xA0)])
        db.session.execute(
            sa.update(Organisation)
            .where(Organisation.id == organisation["id"])
            .values(name=f"名{controls}前")
        )
        db.session.execute(
            sa.update(Application)
            .where(Application.id == application["id"])
            .values(summary_ja=f"概{controls}要")
        )
        db.session.commit()

    csv_text = _export(organiser, edition, "csv").data.decode("utf-8-sig")
    assert "名\ufffd" in csv_text
    assert not any(c in csv_text for c in "\x00\x01\x1f\x7f\x9f")

    book = openpyxl.load_workbook(io.BytesIO(_export(organiser, edition, "xlsx").data))
    values = [c.value for row in book.active.iter_rows() for c in row]
    summary = next(v for v in values if isinstance(v, str) and v.startswith("概"))
    # Tab, line feed and carriage return are kept; the rest became U+FFFD.
    assert summary.endswith("要")
    assert "\t" in summary
    assert "\n" in summary
    assert not any(0x00 <= ord(c) < 0x09 or 0x7F <= ord(c) <= 0x9F for c in summary)
