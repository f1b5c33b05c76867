"""Offline material (keys, revocations) and offline uploads, applied once, in time order."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.checkin.models import Presence, Scan
from eventhub.extensions import db
from eventhub.passes.models import RevokedToken
from eventhub.passes.tokens import peek_kid
from tests.checkin.gate_helpers import (
    edition,
    fresh_caches,  # noqa: F401  (autouse fixture)
    issue_pass,
    make_device,
)

BATCH = "/api/v1/device/scans/batch"


def test_device_gets_its_editions_public_keys(app, organiser):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    token = issue_pass(app, ed["id"]).token

    response = device.get("/api/v1/device/keys")

    assert response.status_code == 200
    (key,) = response.json["keys"]
    assert (key["kty"], key["crv"], key["alg"]) == ("OKP", "Ed25519", "EdDSA")
    assert bytes.fromhex(key["kid"]) == peek_kid(token)


def test_revocations_are_served_incrementally(app, organiser):
    ed, other = edition(organiser), edition(organiser)
    device = make_device(organiser, ed["id"])
    first, second = issue_pass(app, ed["id"]), issue_pass(app, ed["id"])
    elsewhere = issue_pass(app, other["id"])
    with app.app_context():
        db.session.add(RevokedToken(edition_id=ed["id"], pass_id=first.id, serial=1))
        db.session.add(RevokedToken(edition_id=other["id"], pass_id=elsewhere.id, serial=1))
        db.session.commit()

    everything = device.get("/api/v1/device/revocations").json
    with app.app_context():
        db.session.add(RevokedToken(edition_id=ed["id"], pass_id=second.id, serial=1))
        db.session.commit()
    news = device.get(f"/api/v1/device/revocations?since={everything['next_since']}").json

    assert everything["items"] == [{"pass_id": first.id, "serial": 1}]
    assert news["items"] == [{"pass_id": second.id, "serial": 1}]
    assert news["more"] is False


def _scans(token: str) -> list[dict[str, str]]:
    # Sent in this order, but the exit happened after the entry.
    return [
        {
            "token": token,
            "direction": "exit",
            "scanned_at": "2027-08-07T15:00:00+09:00",
            "nonce": "off-2",
        },
        {
            "token": token,
            "direction": "entry",
            "scanned_at": "2027-08-07T10:00:00+09:00",
            "nonce": "off-1",
        },
        {
            "token": token,
            "direction": "entry",
            "scanned_at": "2027-08-07T16:00:00+09:00",
            "nonce": "off-3",
        },
    ]


def test_offline_batch_is_applied_once_in_time_order_however_often_sent(app, organiser):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = issue_pass(app, ed["id"])
    body = {"scans": _scans(issued.token)}

    first = device.post(BATCH, json=body)
    again = device.post(BATCH, json=body)

    assert first.status_code == again.status_code == 200
    answers = [(s["nonce"], s["result"]) for s in first.json["scans"]]
    assert answers == [("off-2", "exited"), ("off-1", "admitted"), ("off-3", "reentry_admitted")]
    assert again.json == first.json
    with app.app_context():
        presence = db.session.get(Presence, issued.id)
        assert (presence.inside, presence.entries) == (True, 2)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 3


def test_batch_partly_sent_before_is_completed(app, organiser):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = issue_pass(app, ed["id"])
    scans = _scans(issued.token)

    device.post(BATCH, json={"scans": [scans[1]]})
    response = device.post(BATCH, json={"scans": scans})

    assert [s["result"] for s in response.json["scans"]] == [
        "exited",
        "admitted",
        "reentry_admitted",
    ]


def test_batch_size_is_bounded(app, organiser):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    one = {"token": "x", "nonce": "n"}

    assert device.post(BATCH, json={"scans": []}).status_code == 422
    assert device.post(BATCH, json={"scans": [one] * 501}).status_code == 422
