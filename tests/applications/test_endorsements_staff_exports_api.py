"""Prefecture endorsements and quotas, exhibitor staff, bulk decisions and exports."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from eventhub.accounts.models import Role
from tests.applications.helpers import (
    application_url,
    decide,
    make_organisation,
    open_edition,
    recommended_application,
    submitted_application,
)

QUOTAS = "/api/v1/editions/{}/prefecture-quotas"


@pytest.fixture
def national(organiser):
    return open_edition(organiser, "national-zone")


def test_prefecture_contact_lists_and_endorses_its_prefectures_applications(
    organiser, make_user, national
):
    okinawa = recommended_application(make_user, national, 47)
    recommended_application(make_user, national, 27)
    contact = make_user(Role.PREFECTURE_CONTACT, prefecture_code=47)

    listed = contact.get("/api/v1/applications").json["items"]
    response = contact.post(application_url(okinawa["id"], "endorsement"))

    assert [a["id"] for a in listed] == [okinawa["id"]]
    assert response.status_code == 200
    assert organiser.get(application_url(okinawa["id"])).json["endorsed"] is True


def test_endorsements_stop_at_the_quota(organiser, make_user, national):
    first, second = (recommended_application(make_user, national, 47) for _ in range(2))
    contact = make_user(Role.PREFECTURE_CONTACT, prefecture_code=47)
    quota = organiser.put(QUOTAS.format(national["id"]) + "/47", json={"max_endorsements": 1})
    assert quota.json == {"prefecture_code": 47, "max_endorsements": 1, "used": 0}

    assert contact.post(application_url(first["id"], "endorsement")).status_code == 200
    refused = contact.post(application_url(second["id"], "endorsement"))

    assert refused.status_code == 409
    assert refused.json["code"] == "quota_reached"
    assert organiser.get(QUOTAS.format(national["id"])).json[0]["used"] == 1


def test_contact_of_another_prefecture_cannot_endorse(make_user, national):
    okinawa = recommended_application(make_user, national, 47)
    osaka_contact = make_user(Role.PREFECTURE_CONTACT, prefecture_code=27)

    response = osaka_contact.post(application_url(okinawa["id"], "endorsement"))

    assert response.status_code == 404


def test_quota_for_an_unknown_prefecture_is_422(organiser, national):
    response = organiser.put(QUOTAS.format(national["id"]) + "/48", json={"max_endorsements": 1})

    assert response.status_code == 422


def _approved(organiser, exhibitor, edition, units=1):
    org = make_organisation(exhibitor)
    application = submitted_application(exhibitor, edition, org["id"], booth_units=units)
    return decide(organiser, application, "approved").json


def test_approved_exhibitor_registers_staff_up_to_its_quota(organiser, exhibitor):
    edition = open_edition(organiser, "takumi", staff_per_unit=2)
    application = _approved(organiser, exhibitor, edition, units=1)
    url = application_url(application["id"], "staff")

    first = exhibitor.post(
        url,
        json={"name": "佐藤 一郎", "name_kana": "さとう いちろう", "email": "ichiro@example.jp"},
    )
    again = exhibitor.post(url, json={"name": "佐藤", "email": "ICHIRO@example.jp"})
    second = exhibitor.post(url, json={"name": "鈴木 次郎", "email": "jiro@example.jp"})
    third = exhibitor.post(url, json={"name": "高橋 三郎", "email": "saburo@example.jp"})

    assert first.status_code == 201
    assert first.json["name_kana"] == "サトウ イチロウ"
    assert again.json["code"] == "staff_exists"
    assert second.status_code == 201
    assert third.status_code == 409
    assert third.json["code"] == "staff_quota_reached"
    assert [m["email"] for m in exhibitor.get(url).json] == [
        "ichiro@example.jp",
        "jiro@example.jp",
    ]
    removed = exhibitor.delete(f"{url}/{first.json['id']}")
    assert removed.status_code == 204
    assert (
        exhibitor.post(url, json={"name": "高橋", "email": "saburo@example.jp"}).status_code == 201
    )


def test_staff_only_for_approved_and_own_applications(organiser, exhibitor, make_user, edition):
    org = make_organisation(exhibitor)
    application = submitted_application(exhibitor, edition, org["id"])
    url = application_url(application["id"], "staff")
    stranger = make_user()

    not_yet = exhibitor.post(url, json={"name": "佐藤", "email": "s@example.jp"})
    foreign = stranger.post(url, json={"name": "佐藤", "email": "s@example.jp"})

    assert not_yet.json["code"] == "not_approved"
    assert foreign.status_code == 404


def test_bulk_decisions_apply_or_refuse_each_item(organiser, make_user, edition):
    apps = []
    for _ in range(2):
        api = make_user()
        apps.append(submitted_application(api, edition, make_organisation(api)["id"]))
    items = [
        {"id": apps[0]["id"], "version": apps[0]["version"], "decision": "approved"},
        {"id": apps[1]["id"], "version": 999, "decision": "approved"},
        {"id": 424242, "version": 1, "decision": "rejected", "reason": "不明"},
    ]

    response = organiser.post("/api/v1/applications/decisions", json={"items": items})

    assert response.status_code == 200
    results = response.json
    assert [(r["id"], r["status"]) for r in results] == [
        (apps[0]["id"], 200),
        (apps[1]["id"], 409),
        (424242, 404),
    ]
    assert results[0]["application"]["status"] == "approved"
    assert results[1]["code"] == "version_conflict"


def test_export_csv_has_japanese_headers_and_prefecture_names(organiser, exhibitor, edition):
    org = make_organisation(exhibitor, prefecture_code=47)
    submitted_application(exhibitor, edition, org["id"])
    url = f"/api/v1/editions/{edition['id']}/applications/export"

    response = organiser.get(url, query_string={"columns": "organisation,prefecture,status"})

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["出展者名", "都道府県", "状況"]
    assert rows[1][1:] == ["沖縄県", "受付済み（審査待ち）"]


def test_export_xlsx_opens_with_openpyxl(organiser, exhibitor, edition):
    org = make_organisation(exhibitor)
    submitted_application(exhibitor, edition, org["id"])
    url = f"/api/v1/editions/{edition['id']}/applications/export"

    response = organiser.get(url, query_string={"format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.data)).active
    assert response.status_code == 200
    assert sheet.title == "出展申込一覧"
    assert sheet["A1"].value == "申込ID"
    assert sheet.max_row == 2


@pytest.mark.parametrize("query", [{"format": "pdf"}, {"columns": "id,password"}])
def test_export_refuses_unknown_formats_and_columns(organiser, edition, query):
    url = f"/api/v1/editions/{edition['id']}/applications/export"

    response = organiser.get(url, query_string=query)

    assert response.status_code == 422
    assert response.json["errors"][0]["location"] == "query"


def test_exhibitor_cannot_export(exhibitor, edition):
    response = exhibitor.get(f"/api/v1/editions/{edition['id']}/applications/export")

    assert response.status_code == 403


def test_staff_get_a_pass_and_removal_revokes_it_for_offline_scanners(app, organiser, exhibitor):
    import sqlalchemy as sa

    from eventhub.extensions import db
    from eventhub.passes.models import Pass, RevokedToken

    edition = open_edition(organiser, "takumi")
    application = _approved(organiser, exhibitor, edition)
    url = application_url(application["id"], "staff")
    member = exhibitor.post(url, json={"name": "佐藤 一郎", "email": "ichiro@example.jp"}).json
    with app.app_context():
        staff_pass = db.session.scalars(sa.select(Pass)).one()
        assert (staff_pass.kind, staff_pass.state) == ("exhibitor_staff", "issued")
        pass_id, serial = staff_pass.id, staff_pass.serial

    assert exhibitor.delete(f"{url}/{member['id']}").status_code == 204

    with app.app_context():
        assert db.session.get(Pass, pass_id) is None
        revoked = db.session.scalars(sa.select(RevokedToken)).one()
        assert (revoked.pass_id, revoked.serial) == (pass_id, serial)
