"""Organisers' pages for gates and devices, through the Flask test client."""

from __future__ import annotations

import re

import sqlalchemy as sa

from eventhub.accounts.models import Role
from eventhub.checkin.models import GateDevice
from eventhub.extensions import db
from tests.applications.helpers import open_edition
from tests.conftest import Api
from tests.pages.conftest import text_of

CODE = re.compile(r'id="pairing-code"[^>]*>([0-9A-Z]{5}-[0-9A-Z]{5})<')


def devices_url(edition_id: int) -> str:
    return f"/organiser/editions/{edition_id}/gates"


def test_an_organiser_adds_a_gate_and_a_device_and_pairs_a_scanner(
    app, organiser, make_reader, anonymous
):
    edition = open_edition(organiser)
    reader = make_reader(Role.ORGANISER)
    url = devices_url(edition["id"])

    added = reader.submit(url, {"name_ja": "東1ホール入口", "name_en": "East Hall 1"})
    assert added.status_code == 302
    page = text_of(reader.get(url))
    assert "東1ホール入口" in page
    with app.app_context():
        gate_id = db.session.execute(sa.text("SELECT id FROM gates")).scalar_one()

    created = reader.submit(
        f"/organiser/editions/{edition['id']}/devices",
        {"name": "東1-iPad", "gate_id": str(gate_id), "offline_policy": "manual"},
        form_at=url,
    )

    assert created.status_code == 200
    body = text_of(created)
    code = CODE.search(body).group(1)
    assert 'src="data:image/svg+xml;base64,' in body
    assert f"/gate/#pair={code}" in body
    paired = anonymous.post("/api/v1/device/pair", json={"code": code})
    assert paired.status_code == 201, paired.json
    scanner = Api(anonymous.client, paired.json["token"])
    config = scanner.get("/api/v1/device/config").json
    assert config["device"]["gate_id"] == gate_id
    assert config["device"]["offline_policy"] == "manual"
    assert "ペアリング済み" in text_of(reader.get(url))


def test_a_new_code_and_the_policy_and_revocation(app, organiser, make_reader, anonymous):
    edition = open_edition(organiser)
    reader = make_reader(Role.ORGANISER)
    url = devices_url(edition["id"])
    first = reader.submit(
        f"/organiser/editions/{edition['id']}/devices", {"name": "西-1"}, form_at=url
    )
    first_code = CODE.search(text_of(first)).group(1)
    with app.app_context():
        device_id = db.session.scalar(sa.select(GateDevice.id))

    again = reader.submit(f"/organiser/devices/{device_id}/pairing-code", form_at=url)
    policy = reader.submit(
        f"/organiser/devices/{device_id}/policy", {"offline_policy": "never"}, form_at=url
    )
    bad_policy = reader.submit(
        f"/organiser/devices/{device_id}/policy", {"offline_policy": "often"}, form_at=url
    )

    second_code = CODE.search(text_of(again)).group(1)
    assert second_code != first_code
    assert anonymous.post("/api/v1/device/pair", json={"code": first_code}).status_code == 422
    assert policy.status_code == 302
    assert bad_policy.status_code == 422
    with app.app_context():
        assert db.session.get(GateDevice, device_id).offline_policy == "never"

    revoked = reader.submit(f"/organiser/devices/{device_id}/revoke", form_at=url)

    assert revoked.status_code == 302
    assert anonymous.post("/api/v1/device/pair", json={"code": second_code}).status_code == 422
    assert "無効化" in text_of(reader.get(url))


def test_a_device_without_a_name_is_refused_next_to_the_field(organiser, make_reader):
    edition = open_edition(organiser)
    reader = make_reader(Role.ORGANISER)
    url = devices_url(edition["id"])

    response = reader.submit(
        f"/organiser/editions/{edition['id']}/devices", {"name": ""}, form_at=url
    )

    assert response.status_code == 422
    assert 'id="f-name-error"' in text_of(response)


def test_only_organisers_see_the_gates_page(organiser, make_reader, visitor):
    edition = open_edition(organiser)

    assert make_reader().get(devices_url(edition["id"])).status_code == 403
    assert visitor.get(devices_url(edition["id"])).status_code == 302


def test_forms_without_the_csrf_token_are_refused(organiser, make_reader):
    edition = open_edition(organiser)
    reader = make_reader(Role.ORGANISER)

    response = reader.client.post(
        f"/organiser/editions/{edition['id']}/devices", data={"name": "no token"}
    )

    assert response.status_code == 400
