"""Pairing a gate scanner, its offline policy and config, and uploads marked as decided offline."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventhub.checkin import pairing
from eventhub.checkin.models import GateDevice, Scan
from eventhub.extensions import db
from eventhub.passes.models import PassSettings
from tests.checkin.gate_helpers import (
    EDITIONS,
    edition,
    fresh_caches,  # noqa: F401  (autouse fixture)
    issue_pass,
    make_gate,
    nonce,
)
from tests.conftest import Api

PAIR = "/api/v1/device/pair"
BATCH = "/api/v1/device/scans/batch"


def create_device(organiser: Api, edition_id: int, **body) -> dict:
    response = organiser.post(f"{EDITIONS}/{edition_id}/devices", json={"name": "iPad 1", **body})
    assert response.status_code == 201, response.json
    return dict(response.json)


def pair(anonymous: Api, code: str):
    return anonymous.post(PAIR, json={"code": code})


def paired(anonymous: Api, code: str) -> Api:
    response = pair(anonymous, code)
    assert response.status_code == 201, response.json
    return Api(anonymous.client, response.json["token"])


def test_a_new_device_has_a_pairing_code_and_its_link(organiser):
    ed = edition(organiser)

    device = create_device(organiser, ed["id"])

    code = device["pairing_code"]
    assert len(code) == 11
    assert code[5] == "-"
    assert set(code.replace("-", "")) <= set(pairing.ALPHABET)
    assert device["pairing_url"] == f"https://eventhub.test/gate/#pair={code}"
    assert device["offline_policy"] == "auto"
    assert device["pairing_expires_at"] is not None


def test_the_code_is_exchanged_once_for_a_token_that_replaces_the_first(organiser, anonymous):
    ed = edition(organiser)
    device = create_device(organiser, ed["id"])
    first_token = Api(organiser.client, device["token"])

    response = pair(anonymous, device["pairing_code"].lower().replace("-", " "))

    assert response.status_code == 201, response.json
    assert response.json["device_id"] == device["id"]
    assert response.json["edition_id"] == ed["id"]
    scanner = Api(anonymous.client, response.json["token"])
    assert scanner.get("/api/v1/device/keys").status_code == 200
    assert first_token.get("/api/v1/device/keys").status_code == 401
    again = pair(anonymous, device["pairing_code"])
    assert again.status_code == 422
    assert again.json["errors"][0]["field"] == "code"


@pytest.mark.parametrize("code", ["", "00000-00000", "not a code at all", "ABCDE-FGHIJK"])
def test_a_wrong_code_names_the_field(anonymous, organiser, code):
    create_device(organiser, edition(organiser)["id"])

    response = pair(anonymous, code)

    assert response.status_code == 422
    assert [error["field"] for error in response.json["errors"]] == ["code"]


def test_an_expired_code_is_refused(app, organiser, anonymous):
    device = create_device(organiser, edition(organiser)["id"])
    with app.app_context():
        row = db.session.get(GateDevice, device["id"])
        row.pairing_expires_at -= pairing.PAIRING_TTL + timedelta(seconds=1)
        db.session.commit()

    response = pair(anonymous, device["pairing_code"])

    assert response.status_code == 422
    assert response.json["errors"][0]["message"]


def test_a_new_code_unpairs_the_scanner_and_pairs_the_next(organiser, anonymous):
    device = create_device(organiser, edition(organiser)["id"])
    old_scanner = paired(anonymous, device["pairing_code"])

    response = organiser.post(f"/api/v1/devices/{device['id']}/pairing-code")

    assert response.status_code == 201, response.json
    assert response.json["pairing_code"] != device["pairing_code"]
    assert old_scanner.get("/api/v1/device/config").status_code == 401
    new_scanner = paired(anonymous, response.json["pairing_code"])
    assert new_scanner.get("/api/v1/device/config").status_code == 200


def test_a_revoked_device_cannot_pair_nor_get_a_code(organiser, anonymous):
    device = create_device(organiser, edition(organiser)["id"])
    assert organiser.post(f"/api/v1/devices/{device['id']}/revoke").status_code == 200

    assert pair(anonymous, device["pairing_code"]).status_code == 422
    refused = organiser.post(f"/api/v1/devices/{device['id']}/pairing-code")
    assert refused.status_code == 409
    assert refused.json["code"] == "device_revoked"


def test_only_organisers_issue_codes(organiser, exhibitor):
    device = create_device(organiser, edition(organiser)["id"])

    assert exhibitor.post(f"/api/v1/devices/{device['id']}/pairing-code").status_code == 403
    assert exhibitor.patch(f"/api/v1/devices/{device['id']}", json={}).status_code == 403


def test_the_config_carries_the_gate_policy_days_and_rules(app, organiser, anonymous):
    ed = edition(organiser)
    gate = make_gate(organiser, ed["id"])
    device = create_device(organiser, ed["id"], gate_id=gate["id"], offline_policy="manual")
    with app.app_context():
        db.session.add(PassSettings(edition_id=ed["id"], reentry_allowed=False))
        db.session.commit()
    scanner = paired(anonymous, device["pairing_code"])

    config = scanner.get("/api/v1/device/config").json

    assert config["device"] == {
        "id": device["id"],
        "name": "iPad 1",
        "gate_id": gate["id"],
        "gate_name_ja": "東1ホール入口",
        "gate_name_en": "East Hall 1",
        "offline_policy": "manual",
    }
    assert config["edition"]["id"] == ed["id"]
    assert config["edition"]["timezone"] == "Asia/Tokyo"
    assert (config["edition"]["first_day"], config["edition"]["last_day"]) == (
        "2027-08-07",
        "2027-08-09",
    )
    assert config["rules"] == {
        "reentry_allowed": False,
        "undo_window_seconds": 120,
        "token_version": 1,
    }


def test_the_organiser_sets_the_offline_policy(organiser, anonymous):
    device = create_device(organiser, edition(organiser)["id"])
    scanner = paired(anonymous, device["pairing_code"])

    response = organiser.patch(f"/api/v1/devices/{device['id']}", json={"offline_policy": "never"})
    bad = organiser.patch(f"/api/v1/devices/{device['id']}", json={"offline_policy": "sometimes"})

    assert response.status_code == 200, response.json
    assert response.json["offline_policy"] == "never"
    assert response.json["name"] == "iPad 1"
    assert scanner.get("/api/v1/device/config").json["device"]["offline_policy"] == "never"
    assert bad.status_code == 422
    assert bad.json["errors"][0]["field"] == "offline_policy"


def test_uploads_remember_which_scans_were_decided_offline(app, organiser, anonymous):
    ed = edition(organiser)
    device = create_device(organiser, ed["id"])
    scanner = paired(anonymous, device["pairing_code"])
    token = issue_pass(app, ed["id"]).token
    at = "2027-08-07T10:15:00+09:00"
    offline = {"token": token, "nonce": nonce(), "scanned_at": at}
    scans = [
        {**offline, "decided_offline": True, "local_result": "admitted"},
        {"token": token, "nonce": nonce(), "scanned_at": "2027-08-07T10:16:00+09:00"},
    ]

    first = scanner.post(BATCH, json={"scans": scans})
    second = scanner.post(BATCH, json={"scans": scans})

    assert first.status_code == 200, first.json
    assert [s["result"] for s in first.json["scans"]] == ["admitted", "already_inside"]
    assert second.json == first.json
    with app.app_context():
        rows = db.session.execute(
            sa.select(Scan.result, Scan.decided_offline, Scan.offline_result).order_by(Scan.id)
        ).all()
    assert [tuple(row) for row in rows] == [
        ("admitted", True, "admitted"),
        ("already_inside", False, None),
    ]


def test_a_local_result_must_be_a_result(organiser, anonymous):
    device = create_device(organiser, edition(organiser)["id"])
    scanner = paired(anonymous, device["pairing_code"])
    scan = {"token": "x", "nonce": nonce(), "decided_offline": True, "local_result": "maybe"}

    response = scanner.post(BATCH, json={"scans": [scan]})

    assert response.status_code == 422


def test_a_device_undoes_its_own_scan_only(app, organiser, anonymous):
    ed = edition(organiser)
    first = paired(anonymous, create_device(organiser, ed["id"])["pairing_code"])
    second = paired(anonymous, create_device(organiser, ed["id"])["pairing_code"])
    token = issue_pass(app, ed["id"]).token
    admitted = first.post(
        "/api/v1/device/scans",
        json={"token": token, "nonce": nonce(), "scanned_at": "2027-08-07T10:15:00+09:00"},
    ).json

    refused = second.post(f"/api/v1/device/scans/{admitted['scan_id']}/undo")
    undone = first.post(f"/api/v1/device/scans/{admitted['scan_id']}/undo")

    assert refused.status_code == 404
    assert undone.status_code == 200, undone.json
    assert undone.json["method"] == "undo"
    assert undone.json["actor_id"] is None
