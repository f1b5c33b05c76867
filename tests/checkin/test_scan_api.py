"""POST /device/scans: every result a gate can show, through HTTP."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from eventhub.checkin.models import Presence, Scan
from eventhub.extensions import db
from eventhub.passes.models import PassSettings, PassState, RevokedToken
from tests.checkin.gate_helpers import (
    edition,
    fresh_caches,  # noqa: F401  (autouse fixture)
    issue_pass,
    make_device,
    make_gate,
    nonce,
    result,
    scan,
    sign_for,
)


@pytest.fixture
def gate(organiser):
    ed = edition(organiser)
    gate = make_gate(organiser, ed["id"])
    return ed, make_device(organiser, ed["id"], gate["id"]), gate


def test_first_entry_is_admitted_with_the_holder_and_the_gate(app, gate):
    ed, device, g = gate
    issued = issue_pass(app, ed["id"], name="佐藤 花子", kind="buyer")

    response = scan(device, issued.token)

    assert response.status_code == 200
    body = response.json
    assert body["result"] == "admitted"
    assert body["pass_id"] == issued.id
    assert body["holder_name"] == "佐藤 花子"
    assert body["kind"] == "buyer"
    assert body["inside"] is True
    assert body["message_ja"] == "入場できます"
    assert body["message_en"] == "Admitted"
    with app.app_context():
        stored = db.session.get(Scan, body["scan_id"])
        assert (stored.gate_id, stored.method, stored.result) == (g["id"], "qr", "admitted")


def test_entry_exit_and_reentry(app, gate):
    ed, device, _ = gate
    issued = issue_pass(app, ed["id"])

    results = [
        result(scan(device, issued.token, "entry", "2027-08-07T10:00:00+09:00")),
        result(scan(device, issued.token, "entry", "2027-08-07T10:01:00+09:00")),
        result(scan(device, issued.token, "exit", "2027-08-07T12:00:00+09:00")),
        result(scan(device, issued.token, "exit", "2027-08-07T12:01:00+09:00")),
        result(scan(device, issued.token, "entry", "2027-08-07T13:00:00+09:00")),
    ]

    assert results == ["admitted", "already_inside", "exited", "not_inside", "reentry_admitted"]
    with app.app_context():
        presence = db.session.get(Presence, issued.id)
        assert (presence.inside, presence.entries) == (True, 2)
        assert presence.first_entry_at.isoformat() == "2027-08-07T01:00:00+00:00"


def test_exit_without_entry_is_not_inside(app, gate):
    ed, device, _ = gate
    issued = issue_pass(app, ed["id"])

    response = scan(device, issued.token, "exit")

    assert response.json["result"] == "not_inside"
    assert response.json["inside"] is False


def test_reentry_refused_when_the_edition_forbids_it(app, gate):
    ed, device, _ = gate
    issued = issue_pass(app, ed["id"])
    with app.app_context():
        db.session.add(PassSettings(edition_id=ed["id"], reentry_allowed=False))
        db.session.commit()

    results = [result(scan(device, issued.token, d)) for d in ("entry", "exit", "entry")]

    assert results == ["admitted", "exited", "reentry_refused"]


def test_pass_outside_the_editions_days_is_not_valid_today(app, gate):
    ed, device, _ = gate
    issued = issue_pass(app, ed["id"])

    # 08-06 23:59 Tokyo is the day before; 08-06 15:30 UTC is already 08-07 in Tokyo.
    assert result(scan(device, issued.token, at="2027-08-06T23:59:00+09:00")) == "not_valid_today"
    assert result(scan(device, issued.token, at="2027-08-06T15:30:00+00:00")) == "admitted"


def test_multi_day_pass_is_not_valid_on_a_day_outside_its_days(app, gate):
    ed, device, _ = gate
    issued = issue_pass(app, ed["id"], valid_days=["2027-08-07", "2027-08-09"])

    assert result(scan(device, issued.token, at="2027-08-08T11:00:00+09:00")) == "not_valid_today"
    assert result(scan(device, issued.token, at="2027-08-09T11:00:00+09:00")) == "admitted"


@pytest.mark.parametrize("how", ["state", "old_serial", "revoked_serial"])
def test_revoked_passes_and_tokens_are_refused(app, gate, how):
    ed, device, _ = gate
    if how == "old_serial":  # re-issued: the pass moved on to serial 2
        issued = issue_pass(app, ed["id"], serial=2, token_serial=1)
    else:
        issued = issue_pass(app, ed["id"])
    with app.app_context():
        if how == "state":
            db.session.execute(
                sa.text("UPDATE passes SET state = :s WHERE id = :p"),
                {"s": PassState.REVOKED.value, "p": issued.id},
            )
        elif how == "revoked_serial":
            db.session.add(RevokedToken(edition_id=ed["id"], pass_id=issued.id, serial=1))
        db.session.commit()

    response = scan(device, issued.token)

    assert response.json["result"] == "revoked"
    assert response.json["pass_id"] == issued.id


def test_token_of_another_edition_is_wrong_edition(app, organiser, gate):
    _, device, _ = gate
    other = edition(organiser)
    issued = issue_pass(app, other["id"])

    assert result(scan(device, issued.token)) == "wrong_edition"


def test_genuine_token_for_no_pass_is_unknown(app, gate):
    ed, device, _ = gate

    response = scan(device, sign_for(app, ed["id"], 987_654))

    assert response.json["result"] == "unknown"
    assert response.json["pass_id"] is None


@pytest.mark.parametrize("mangle", ["flip", "garbage", "truncate"])
def test_altered_or_made_up_tokens_are_forged(app, gate, mangle):
    ed, device, _ = gate
    token = issue_pass(app, ed["id"]).token
    bad = {
        "flip": token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:],
        "garbage": "hello-world",
        "truncate": token[:40],
    }[mangle]

    response = scan(device, bad)

    assert response.json["result"] == "forged"
    assert response.json["message_en"] == "Unreadable or forged code"
    with app.app_context():
        assert db.session.scalar(sa.select(Scan.result).where(Scan.id == response.json["scan_id"]))


def test_whitespace_and_line_breaks_around_the_token_are_ignored(app, gate):
    ed, device, _ = gate
    token = issue_pass(app, ed["id"]).token

    assert result(scan(device, f"  {token[:50]}\r\n{token[50:]}\r\n")) == "admitted"


def test_scanned_at_defaults_to_now(app, gate):
    ed, device, _ = gate
    issued = issue_pass(app, ed["id"])

    # Today is not a day of the 2027 edition.
    assert result(scan(device, issued.token, at=None)) == "not_valid_today"


def test_retried_request_gets_the_first_answer_and_counts_once(app, gate):
    ed, device, _ = gate
    issued = issue_pass(app, ed["id"])
    same = nonce()

    first = scan(device, issued.token, nonce_=same)
    again = scan(device, issued.token, nonce_=same)

    assert first.json["result"] == again.json["result"] == "admitted"
    assert first.json["scan_id"] == again.json["scan_id"]
    with app.app_context():
        assert db.session.get(Presence, issued.id).entries == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 1


def test_nonce_is_required_and_bounded(app, gate):
    ed, device, _ = gate
    token = issue_pass(app, ed["id"]).token

    missing = device.post("/api/v1/device/scans", json={"token": token})
    too_long = device.post("/api/v1/device/scans", json={"token": token, "nonce": "x" * 65})
    direction = scan(device, token, direction="sideways")

    for response in (missing, too_long, direction):
        assert response.status_code == 422
    assert {e["field"] for e in missing.json["errors"]} == {"nonce"}
