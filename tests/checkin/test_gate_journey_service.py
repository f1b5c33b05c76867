"""A visitor's whole journey through HTTP, on PostgreSQL, Redis and a real worker process:
registration, issuing by the worker, and every answer a gate gives to that pass.

The edition runs from yesterday to tomorrow in Tokyo, so scans made now (no scanned_at) are
on one of its days.
"""

from __future__ import annotations

import base64
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask

from eventhub.extensions import db
from eventhub.passes import keys, signing, tokens
from tests.applications.helpers import open_edition
from tests.checkin.gate_helpers import SCANS, make_device, make_gate
from tests.conftest import Api
from tests.passes.helpers import (
    get_pass,
    pass_url,
    put_settings,
    register,
    registration_body,
    registrations_url,
)
from tests.waiting import wait_until

pytestmark = pytest.mark.service

TOKYO = ZoneInfo("Asia/Tokyo")
ISSUE_SECONDS = 30
_nonces = iter(range(1, 1_000_000))


def running_edition(organiser: Api, title: str) -> dict[str, Any]:
    """An open edition whose days are yesterday, today and tomorrow in Tokyo."""
    today = datetime.now(TOKYO).replace(hour=0, minute=0, second=0, microsecond=0)
    starts = today - timedelta(days=1) + timedelta(hours=10)
    ends = today + timedelta(days=1) + timedelta(hours=17)
    return open_edition(
        organiser,
        title_ja=title,
        title_en=title,
        starts_at=starts.isoformat(),
        ends_at=ends.isoformat(),
        applications_close_at=(starts - timedelta(days=2)).isoformat(),
    )


def issued_pass(organiser: Api, pass_id: int) -> dict[str, Any]:
    """The pass once the worker has issued it; fails after ISSUE_SECONDS."""
    deadline = time.monotonic() + ISSUE_SECONDS
    current = get_pass(organiser, pass_id)
    while current["state"] != "issued" and time.monotonic() < deadline:
        time.sleep(0.2)
        current = get_pass(organiser, pass_id)
    assert current["state"] == "issued", current
    assert current["token"], current
    return current


def register_and_wait(organiser: Api, edition_id: int, email: str, name: str) -> dict[str, Any]:
    anonymous = Api(organiser.client)  # no token: an anonymous visitor
    registration = register(anonymous, edition_id, email=email, name=name)
    assert registration["pass"]["state"] == "pending", registration
    return issued_pass(organiser, registration["pass"]["id"])


def scan(device: Api, token: str, direction: str = "entry") -> dict[str, Any]:
    """A scan made now, at the gate: its answer, which must be 200."""
    body = {"token": token, "direction": direction, "nonce": f"journey-{next(_nonces)}"}
    response = device.post(SCANS, json=body)
    assert response.status_code == 200, response.json
    return dict(response.json)


def flip_one_byte(token: str, index: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[index] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def signed_elsewhere(app: Flask, edition_id: int, token: str) -> tuple[str, str]:
    """The token's claims signed by a key the edition never had: once under a key id of its
    own, once under the edition's real key id."""
    with app.app_context():
        signing.forget(edition_id)
        ring = signing.keyring(edition_id)
        claims = ring.verify(token)
        real_kid = ring.active_kid
        db.session.rollback()
    assert real_kid is not None
    rogue = keys.generate_key()
    private = Ed25519PrivateKey.from_private_bytes(rogue.private_raw)
    return tokens.sign(claims, private, rogue.kid), tokens.sign(claims, private, real_kid)


def test_a_visitor_registers_gets_a_pass_from_the_worker_and_goes_through_the_gate(
    service_app, service_organiser
):
    organiser = service_organiser
    ed = running_edition(organiser, "ゲート通し試験")
    first = register_and_wait(organiser, ed["id"], "journey1@example.jp", "佐藤 花子")
    assert first["key_id"]

    gate = make_gate(organiser, ed["id"])
    device = make_device(organiser, ed["id"], gate["id"])

    # Entry, again, exit, entry: re-entry is allowed by default.
    admitted = scan(device, first["token"])
    assert admitted["result"] == "admitted", admitted
    assert (admitted["pass_id"], admitted["holder_name"]) == (first["id"], "佐藤 花子")
    assert admitted["kind"] == "buyer"
    assert admitted["inside"] is True
    assert scan(device, first["token"])["result"] == "already_inside"
    exited = scan(device, first["token"], "exit")
    assert (exited["result"], exited["inside"]) == ("exited", False)
    assert scan(device, first["token"])["result"] == "reentry_admitted"

    # The edition forbids re-entry: a second visitor who leaves cannot come back.
    settings = put_settings(organiser, ed["id"], reentry_allowed=False)
    assert settings["reentry_allowed"] is False
    second = register_and_wait(organiser, ed["id"], "journey2@example.jp", "鈴木 一郎")
    assert scan(device, second["token"])["result"] == "admitted"
    assert scan(device, second["token"], "exit")["result"] == "exited"
    refused = scan(device, second["token"])
    assert (refused["result"], refused["inside"]) == ("reentry_refused", False)

    # The organiser revokes the first pass: its code admits no more.
    response = organiser.post(pass_url(first["id"], "revoke"))
    assert response.status_code == 200, response.json
    assert response.json["state"] == "revoked"
    revoked = scan(device, first["token"])
    assert (revoked["result"], revoked["pass_id"]) == ("revoked", first["id"])
    assert scan(device, first["token"], "exit")["result"] == "revoked"

    # Altered codes: one flipped byte in the header, the claims or the signature.
    token = second["token"]
    for index in (3, 8, len(base64.urlsafe_b64decode(token + "==")) - 1):
        forged = scan(device, flip_one_byte(token, index))
        assert (forged["result"], forged["pass_id"]) == ("forged", None), index

    # The same claims signed by a key not in the edition's ring.
    rogue_kid, real_kid = signed_elsewhere(service_app, ed["id"], token)
    assert scan(device, rogue_kid)["result"] == "forged"
    assert scan(device, real_kid)["result"] == "forged"

    # A valid pass of another edition, issued by the worker, at this edition's gate.
    other = running_edition(organiser, "別会期")
    elsewhere = register_and_wait(organiser, other["id"], "journey3@example.jp", "高橋 三郎")
    wrong = scan(device, elsewhere["token"])
    assert (wrong["result"], wrong["pass_id"]) == ("wrong_edition", None)
    # It is still good at its own edition's gate.
    other_device = make_device(organiser, other["id"])
    assert scan(other_device, elsewhere["token"])["result"] == "admitted"

    # Nothing above changed the second visitor's presence.
    assert scan(device, second["token"])["result"] == "reentry_refused"


def test_the_workers_log_lines_name_the_request_that_queued_their_task(
    service_organiser, service_stack
):
    """A request id sent to the web reaches the worker's log, beside the task's own id: one
    grep finds what a request caused, wherever it ran."""
    edition = running_edition(service_organiser, "ログの追跡")
    anonymous = Api(service_organiser.client)
    response = anonymous.post(
        registrations_url(edition["id"]),
        json=registration_body(email="trace@example.jp", name="追跡 太郎"),
        headers={"X-Request-ID": "req-worker-trace-1"},
    )
    assert response.status_code == 201, response.json
    issued_pass(service_organiser, response.json["pass"]["id"])

    log = service_stack.instance / "worker.log"

    def issued_lines() -> list[str]:
        lines = log.read_text(errors="replace").splitlines()
        return [line for line in lines if "[req-worker-trace-1 " in line]

    lines = wait_until(issued_lines, message="the worker's log line of the request")
    assert any(line.endswith("passes issued") for line in lines), lines
    task_ids = {line.split("[req-worker-trace-1 ", 1)[1].split("]", 1)[0] for line in lines}
    assert task_ids, lines
    assert all(len(task_id) == 36 for task_id in task_ids), lines  # a Celery task id
