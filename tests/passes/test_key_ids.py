"""One key, one id: a pass's ``key_id``, the ``kid`` of ``GET /device/keys`` and the audit log
spell a signing key alike (8 hex digits), and the QR token carries the same 4 bytes."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from eventhub.extensions import db
from eventhub.passes import signing
from eventhub.passes.tokens import peek_kid
from tests.conftest import Api
from tests.passes.helpers import get_pass, register

#: The edition of tests/passes' fixture runs 28–30 October 2027.
FIRST_MORNING = "2027-10-28T10:00:00+09:00"


def gate_device(organiser: Api, edition_id: int) -> Api:
    created = organiser.post(f"/api/v1/editions/{edition_id}/devices", json={"name": "gate"})
    assert created.status_code == 201, created.json
    return Api(organiser.client, created.json["token"])


def key_ids(device: Api) -> list[str]:
    response = device.get("/api/v1/device/keys")
    assert response.status_code == 200, response.json
    return [jwk["kid"] for jwk in response.json["keys"]]


def scan(device: Api, token: str, nonce: str) -> str:
    body = {"token": token, "direction": "entry", "nonce": nonce, "scanned_at": FIRST_MORNING}
    response = device.post("/api/v1/device/scans", json=body)
    assert response.status_code == 200, response.json
    return str(response.json["result"])


def test_a_pass_names_its_key_as_the_gates_key_set_does(
    anonymous: Api, organiser: Api, edition: dict[str, Any]
) -> None:
    pass_ = get_pass(organiser, register(anonymous, edition["id"])["pass"]["id"])

    (kid,) = key_ids(gate_device(organiser, edition["id"]))

    assert pass_["key_id"] == kid
    assert re.fullmatch(r"[0-9a-f]{8}", kid)
    # The QR token carries the key id's 4 bytes: the format of printed passes is unchanged.
    token_kid = peek_kid(pass_["token"])
    assert token_kid is not None
    assert token_kid.hex() == kid


def test_after_a_rotation_each_pass_names_the_key_that_signed_it(
    app: Flask, anonymous: Api, organiser: Api, edition: dict[str, Any]
) -> None:
    printed = get_pass(organiser, register(anonymous, edition["id"])["pass"]["id"])
    with app.app_context():
        signing.rotate(edition["id"])
        db.session.commit()
    later = register(anonymous, edition["id"], email="taro@example.jp")["pass"]["id"]
    issued_later = get_pass(organiser, later)
    device = gate_device(organiser, edition["id"])

    assert key_ids(device) == [printed["key_id"], issued_later["key_id"]]
    assert printed["key_id"] != issued_later["key_id"]
    rotations = organiser.get(
        "/api/v1/audit-events", query_string={"action": "signing_key.rotated"}
    ).json["items"]
    assert [entry["details"]["key_id"] for entry in rotations] == [issued_later["key_id"]]
    # The pass printed before the rotation, signed by the older key, still admits.
    assert scan(device, printed["token"], "n-1") == "admitted"
    assert scan(device, issued_later["token"], "n-2") == "admitted"
