"""来場事前登録 through the API: the pass is issued after the commit, capacity holds under races."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from eventhub.extensions import db
from eventhub.passes import signing
from eventhub.passes.models import Registration
from eventhub.passes.tokens import PassKind
from tests.passes.helpers import (
    get_pass,
    mails_to,
    open_edition,
    pass_url,
    path_of,
    problem,
    put_settings,
    register,
    registration_body,
    registrations_url,
    settings_url,
)


def test_registration_issues_a_pass_whose_private_link_serves_the_qr_code(
    app, anonymous, organiser, edition
):
    registration = register(anonymous, edition["id"])

    assert registration["attendee_type"] == "buyer"
    assert "accept_terms" not in registration
    # Eager mode: the issuing task ran right after the registration's commit.
    assert registration["pass"]["state"] == "issued"
    issued = get_pass(organiser, registration["pass"]["id"])
    assert issued["kind"] == "buyer"
    assert issued["holder_name"] == "佐藤 花子"
    assert issued["links"]["png"].startswith("https://eventhub.test/api/v1/passes/")
    png = anonymous.get(path_of(issued["links"]["png"]))
    assert png.status_code == 200
    assert png.mimetype == "image/png"
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    with app.app_context():
        claims = signing.keyring(edition["id"]).verify(issued["token"])
    assert (claims.pass_id, claims.edition_id) == (issued["id"], edition["id"])
    assert claims.kind == PassKind.BUYER
    assert (str(claims.valid_from), str(claims.valid_until)) == ("2027-10-28", "2027-10-30")
    assert claims.day_mask is None
    assert claims.serial == 1
    (mail,) = mails_to(app, "hanako@example.jp")
    # The mail links the holder's pass page (not the API), with the same private key.
    key = issued["links"]["png"].split("key=", 1)[1]
    assert f"https://eventhub.test/passes/{issued['id']}?key={key}" in mail.body_text
    assert "/api/v1/" not in mail.body_text
    assert "入場パス" in mail.subject
    assert "Your pass" in mail.subject
    assert "佐藤 花子 様" in mail.body_text
    assert "Dear 佐藤 花子" in mail.body_text


def test_the_holder_reads_the_pass_with_the_key_and_only_with_it(anonymous, organiser, edition):
    pass_id = register(anonymous, edition["id"])["pass"]["id"]
    links = get_pass(organiser, pass_id)["links"]
    key = links["png"].split("key=")[1]

    assert anonymous.get(pass_url(pass_id) + f"?key={key}").json["state"] == "issued"
    problem(anonymous.get(pass_url(pass_id) + "?key=wrong"), 404, "not_found")
    problem(anonymous.get(pass_url(pass_id)), 401, "unauthenticated")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"accept_terms": False}, "accept_terms"),
        ({"accept_terms": None}, "accept_terms"),
        ({"email": "not-an-address"}, "email"),
        ({"name": "  "}, "name"),
        ({"name_kana": "佐藤"}, "name_kana"),
        ({"prefecture_code": 48}, "prefecture_code"),
        ({"attendee_type": "exhibitor_staff"}, "attendee_type"),
        ({"locale": "fr"}, "locale"),
    ],
)
def test_invalid_registration_names_the_field(anonymous, edition, change, field):
    response = anonymous.post(registrations_url(edition["id"]), json=registration_body(**change))

    body = problem(response, 422, "validation_failed")
    assert [e["field"] for e in body["errors"]] == [field]


def test_missing_terms_acceptance_is_named(anonymous, edition):
    body = registration_body()
    del body["accept_terms"]

    errors = problem(
        anonymous.post(registrations_url(edition["id"]), json=body), 422, "validation_failed"
    )
    assert [e["field"] for e in errors["errors"]] == ["accept_terms"]


def test_the_same_email_in_another_case_or_width_is_already_registered(anonymous, edition):
    register(anonymous, edition["id"], email="Hanako@Example.jp")

    again = anonymous.post(
        registrations_url(edition["id"]), json=registration_body(email="ＨＡＮＡＫＯ@example.JP")
    )
    problem(again, 409, "already_registered")


def test_registration_needs_a_published_edition_not_yet_held_or_cancelled(anonymous, organiser):
    draft = organiser.post(
        "/api/v1/editions",
        json={
            "series": "mokucolle",
            "title_ja": "モクコレ",
            "title_en": "Mokucolle",
            "starts_at": "2027-10-28T10:00:00+09:00",
            "ends_at": "2027-10-30T17:00:00+09:00",
            "format": "in_person",
        },
    ).json
    problem(
        anonymous.post(registrations_url(draft["id"]), json=registration_body()), 404, "not_found"
    )
    cancelled = open_edition(organiser)
    response = organiser.post(
        f"/api/v1/editions/{cancelled['id']}/status",
        json={"status": "cancelled", "reason": "台風のため"},
    )
    assert response.status_code == 200, response.json
    problem(
        anonymous.post(registrations_url(cancelled["id"]), json=registration_body()),
        409,
        "registration_closed",
    )


def test_capacity_per_type_and_in_all(anonymous, organiser, edition):
    put_settings(organiser, edition["id"], registration_capacity=3, capacity_by_type={"press": 1})
    register(anonymous, edition["id"], email="p1@example.jp", attendee_type="press")

    full = anonymous.post(
        registrations_url(edition["id"]),
        json=registration_body(email="p2@example.jp", attendee_type="press"),
    )
    assert problem(full, 409, "registration_full")["attendee_type"] == "press"
    register(anonymous, edition["id"], email="g1@example.jp", attendee_type="general")
    register(anonymous, edition["id"], email="g2@example.jp", attendee_type="general")
    over = anonymous.post(
        registrations_url(edition["id"]),
        json=registration_body(email="g3@example.jp", attendee_type="general"),
    )
    assert problem(over, 409, "registration_full")["capacity"] == 3


def test_concurrent_registrations_never_exceed_the_capacity_of_a_type(app, organiser, edition):
    put_settings(organiser, edition["id"], capacity_by_type={"press": 3})
    n = 8
    barrier = threading.Barrier(n)

    def send(number: int):
        client = app.test_client()
        body = registration_body(email=f"press{number}@example.jp", attendee_type="press")
        barrier.wait()
        return client.post(registrations_url(edition["id"]), json=body)

    with ThreadPoolExecutor(n) as pool:
        responses = [f.result(timeout=60) for f in [pool.submit(send, i) for i in range(n)]]

    codes = sorted(r.json.get("code", str(r.status_code)) for r in responses)
    assert codes == ["201"] * 3 + ["registration_full"] * (n - 3)
    with app.app_context():
        count = db.session.scalar(
            db.select(db.func.count())
            .select_from(Registration)
            .where(Registration.attendee_type == "press")
        )
    assert count == 3


def test_pass_settings_default_to_no_limit_and_refuse_unknown_types(organiser, exhibitor, edition):
    defaults = organiser.get(settings_url(edition["id"])).json
    assert defaults == {
        "registration_capacity": None,
        "capacity_by_type": {},
        "reentry_allowed": True,
        "auto_exit_at_close": True,
    }
    bad = organiser.put(settings_url(edition["id"]), json={"capacity_by_type": {"robots": 3}})
    assert [e["field"] for e in problem(bad, 422, "validation_failed")["errors"]] == [
        "capacity_by_type"
    ]
    problem(exhibitor.put(settings_url(edition["id"]), json={}), 403, "forbidden")
    saved = put_settings(organiser, edition["id"], registration_capacity=100, reentry_allowed=False)
    assert organiser.get(settings_url(edition["id"])).json == saved


def test_organisers_list_registrations_filtered_and_searched(
    anonymous, organiser, exhibitor, edition
):
    register(anonymous, edition["id"], email="a@example.jp", name="山田 一郎", prefecture_code=13)
    register(
        anonymous, edition["id"], email="b@example.jp", name="鈴木 次郎", attendee_type="press"
    )
    register(anonymous, edition["id"], email="c_d@example.jp", name="田中 三郎")
    url = registrations_url(edition["id"])

    everyone = organiser.get(url).json
    assert everyone["total"] == 3
    assert everyone["items"][0]["pass"]["state"] == "issued"
    assert [i["email"] for i in organiser.get(url + "?attendee_type=press").json["items"]] == [
        "b@example.jp"
    ]
    assert [i["name"] for i in organiser.get(url + "?prefecture_code=13").json["items"]] == [
        "山田 一郎"
    ]
    assert [i["name"] for i in organiser.get(url + "?q=鈴木").json["items"]] == ["鈴木 次郎"]
    # "_" is a literal underscore, not a LIKE wildcard.
    assert [i["email"] for i in organiser.get(url + "?q=c_d").json["items"]] == ["c_d@example.jp"]
    assert organiser.get(url + "?q=_").json["total"] == 1
    page = organiser.get(url + "?per_page=2&page=2").json
    assert (page["total"], len(page["items"])) == (3, 1)
    problem(exhibitor.get(url), 403, "forbidden")
    problem(anonymous.get(url), 401, "unauthenticated")
