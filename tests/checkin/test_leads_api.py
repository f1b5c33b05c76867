"""Lead scanning: an approved exhibitor scans visitors who consented; CSV for Excel."""

from __future__ import annotations

import csv
import io

from tests.booths.helpers import approved_application
from tests.passes.helpers import get_pass, open_edition, problem, register


def _leads_url(application_id: int, suffix: str = "") -> str:
    return f"/api/v1/applications/{application_id}/leads{suffix}"


def _token(organiser, pass_id: int) -> str:
    return str(get_pass(organiser, pass_id)["token"])


def test_scanning_a_consenting_visitor_records_one_lead(anonymous, organiser, exhibitor, edition):
    application = approved_application(organiser, exhibitor, edition)
    visitor = register(anonymous, edition["id"], prefecture_code=20)
    token = _token(organiser, visitor["pass"]["id"])

    first = exhibitor.post(
        _leads_url(application["id"]), json={"token": token, "rating": 4, "tags": ["家具"]}
    )
    assert first.status_code == 201, first.json
    assert first.json["name"] == "佐藤 花子"
    assert first.json["organisation_name"] == "株式会社木の家"
    again = exhibitor.post(
        _leads_url(application["id"]), json={"token": token, "notes": "見積依頼", "rating": 5}
    )
    assert again.json["id"] == first.json["id"]

    (lead,) = exhibitor.get(_leads_url(application["id"])).json
    assert (lead["rating"], lead["notes"], lead["tags"]) == (5, "見積依頼", ["家具"])
    assert (lead["email"], lead["prefecture_code"], lead["attendee_type"]) == (
        "hanako@example.jp",
        20,
        "buyer",
    )


def test_a_visitor_who_did_not_consent_cannot_be_scanned(anonymous, organiser, exhibitor, edition):
    application = approved_application(organiser, exhibitor, edition)
    visitor = register(anonymous, edition["id"], shares_contact=False)

    response = exhibitor.post(
        _leads_url(application["id"]), json={"token": _token(organiser, visitor["pass"]["id"])}
    )

    problem(response, 403, "no_consent")
    assert exhibitor.get(_leads_url(application["id"])).json == []


def test_tokens_of_another_edition_forged_or_of_staff_are_refused(
    app, anonymous, organiser, exhibitor, edition
):
    application = approved_application(organiser, exhibitor, edition)
    other = open_edition(organiser)
    elsewhere = register(anonymous, other["id"])
    url = _leads_url(application["id"])

    wrong = exhibitor.post(url, json={"token": _token(organiser, elsewhere["pass"]["id"])})
    assert [e["field"] for e in problem(wrong, 422, "invalid_token")["errors"]] == ["token"]
    problem(exhibitor.post(url, json={"token": "bm90IGEgdG9rZW4"}), 422, "invalid_token")
    problem(exhibitor.post(url, json={"rating": 6, "token": "x"}), 422, "validation_failed")

    from eventhub.applications.models import StaffMember
    from eventhub.extensions import db
    from eventhub.passes import service

    member = exhibitor.post(
        f"/api/v1/applications/{application['id']}/staff",
        json={"name": "木村 拓", "email": "kimura@example.jp"},
    ).json
    with app.app_context():
        staff_pass = service.create_staff_pass(db.session.get_one(StaffMember, member["id"]))
        db.session.commit()
        staff_pass_id = staff_pass.id
    problem(
        exhibitor.post(url, json={"token": _token(organiser, staff_pass_id)}), 422, "invalid_token"
    )


def test_only_the_exhibitors_members_scan_and_read_leads(
    anonymous, organiser, exhibitor, make_user, edition
):
    application = approved_application(organiser, exhibitor, edition)
    visitor = register(anonymous, edition["id"])
    stranger = make_user()

    body = {"token": _token(organiser, visitor["pass"]["id"])}
    assert stranger.post(_leads_url(application["id"]), json=body).status_code in {403, 404}
    assert stranger.get(_leads_url(application["id"], ".csv")).status_code in {403, 404}
    problem(anonymous.get(_leads_url(application["id"])), 401, "unauthenticated")


def test_leads_as_csv_with_bom_and_japanese_headers(anonymous, organiser, exhibitor, edition):
    application = approved_application(organiser, exhibitor, edition)
    for number, name in enumerate(("佐藤 花子", "伊藤 誠"), start=1):
        visitor = register(anonymous, edition["id"], email=f"v{number}@example.jp", name=name)
        body = {"token": _token(organiser, visitor["pass"]["id"]), "rating": number}
        assert exhibitor.post(_leads_url(application["id"]), json=body).status_code == 201

    response = exhibitor.get(_leads_url(application["id"], ".csv"))

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:6] == ["氏名", "フリガナ", "所属", "メールアドレス", "都道府県", "来場者区分"]
    assert [(r[0], r[4], r[5], r[6]) for r in rows[1:]] == [
        ("佐藤 花子", "長野県", "バイヤー", "1"),
        ("伊藤 誠", "長野県", "バイヤー", "2"),
    ]
