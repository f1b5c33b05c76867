"""Scans dated out of range: a device clock (or a forger) that dates a scan in the future, or
in the past outside the edition's days, admits and lets out nobody; the scan is answered
``time_out_of_range``, online and in offline uploads, and no tally counts it.

The server's clock is set (``server_clock``) and the allowed skew is the default (the rest of
the suite widens it, see tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask import Flask

from eventhub.checkin import scanning
from eventhub.checkin.models import Presence
from eventhub.config import load_config
from eventhub.extensions import db
from tests.checkin.gate_helpers import (
    edition,
    fresh_caches,  # noqa: F401  (autouse fixture)
    issue_pass,
    make_device,
    make_gate,
    nonce,
    result,
    scan,
)

BATCH = "/api/v1/device/scans/batch"


@pytest.fixture
def server_clock(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """``server_clock("2027-08-07T10:13:00+09:00")`` sets the time the server scans at, under
    the default clock skew."""
    monkeypatch.setitem(app.config, "EVENTHUB_SCAN_CLOCK_SKEW_SECONDS", 300.0)

    def set_to(when: str) -> None:
        monkeypatch.setattr(scanning, "utcnow", lambda: datetime.fromisoformat(when))

    return set_to


@pytest.fixture
def gate(organiser: Any) -> tuple[dict[str, Any], Any]:
    ed = edition(organiser)
    return ed, make_device(organiser, ed["id"], make_gate(organiser, ed["id"])["id"])


def test_scan_dated_weeks_ahead_is_refused_with_its_own_result(app, gate, server_clock):
    ed, device = gate
    issued = issue_pass(app, ed["id"])
    server_clock("2027-07-17T10:00:00+09:00")  # three weeks before the edition

    response = scan(device, issued.token, at="2027-08-07T10:15:00+09:00")

    assert response.status_code == 200
    body = response.json
    assert body["result"] == "time_out_of_range"
    assert body["pass_id"] == issued.id
    assert body["inside"] is None
    assert body["message_ja"] == "スキャン時刻が範囲外です（端末の時計を確認してください）"
    assert body["message_en"] == "Scan time out of range (check the scanner's clock)"
    with app.app_context():
        assert db.session.get(Presence, issued.id) is None


def test_a_clock_a_few_minutes_ahead_is_tolerated_and_more_is_not(app, gate, server_clock):
    ed, device = gate
    first, second = issue_pass(app, ed["id"]), issue_pass(app, ed["id"])
    server_clock("2027-08-07T10:00:00+09:00")

    assert result(scan(device, first.token, at="2027-08-07T10:04:59+09:00")) == "admitted"
    assert result(scan(device, second.token, at="2027-08-07T10:05:01+09:00")) == (
        "time_out_of_range"
    )
    # An exit is refused alike: leaving at a made-up time would end the visit early.
    late_exit = scan(device, first.token, "exit", at="2027-08-07T18:00:00+09:00")
    assert result(late_exit) == "time_out_of_range"
    with app.app_context():
        assert db.session.get(Presence, first.id).inside is True


def test_offline_upload_refuses_times_outside_the_edition_and_in_the_future(
    app, gate, server_clock
):
    ed, device = gate
    early, ahead, fine, out = (issue_pass(app, ed["id"]) for _ in range(4))
    server_clock("2027-08-08T12:00:00+09:00")  # day 2
    scans = [
        {"token": fine.token, "direction": "entry", "scanned_at": "2027-08-07T10:15:00+09:00"},
        {"token": early.token, "direction": "entry", "scanned_at": "2027-07-01T10:00:00+09:00"},
        {"token": ahead.token, "direction": "entry", "scanned_at": "2027-08-09T10:00:00+09:00"},
        {"token": out.token, "direction": "exit", "scanned_at": "2027-08-08T11:00:00+09:00"},
    ]
    body = {"scans": [{**item, "nonce": nonce(), "decided_offline": True} for item in scans]}

    first = device.post(BATCH, json=body)
    again = device.post(BATCH, json=body)  # the scanner sends the same upload again

    assert first.status_code == again.status_code == 200, first.json
    results = [answer["result"] for answer in first.json["scans"]]
    assert results == ["admitted", "time_out_of_range", "time_out_of_range", "not_inside"]
    # Answered for good: the same upload gets the same answers, so the scanner can drop them.
    assert [answer["result"] for answer in again.json["scans"]] == results
    with app.app_context():
        assert db.session.get(Presence, early.id) is None
        assert db.session.get(Presence, ahead.id) is None


def test_an_exit_past_midnight_after_the_last_day_is_within_range(app, gate, server_clock):
    ed, device = gate
    issued = issue_pass(app, ed["id"])
    server_clock("2027-08-12T12:00:00+09:00")  # uploaded days later

    assert result(scan(device, issued.token, "exit", "2027-08-10T00:30:00+09:00")) == ("not_inside")
    assert result(scan(device, issued.token, "exit", "2027-08-11T09:00:00+09:00")) == (
        "time_out_of_range"
    )


def test_refused_scans_are_not_counted_in_the_tallies(
    app, organiser, gate, server_clock, monkeypatch
):
    monkeypatch.setitem(app.config, "TALLY_SETTLE_SECONDS", 0.0)
    ed, device = gate
    counted, refused = issue_pass(app, ed["id"]), issue_pass(app, ed["id"])
    server_clock("2027-08-07T10:15:00+09:00")
    assert result(scan(device, counted.token, at="2027-08-07T10:15:00+09:00")) == "admitted"
    assert result(scan(device, refused.token, at="2027-08-08T10:15:00+09:00")) == (
        "time_out_of_range"
    )

    response = organiser.post(f"/api/v1/editions/{ed['id']}/tallies/recompute")
    assert response.status_code == 202, response.json
    tallies = organiser.get(f"/api/v1/editions/{ed['id']}/tallies")

    assert tallies.status_code == 200, tallies.json
    assert tallies.json["figures"]["visitors"] == 1
    assert tallies.json["figures"]["entries"] == 1
    assert tallies.json["figures"]["visitors_by_day"] == {"2027-08-07": 1}


def test_default_skew_is_five_minutes_and_can_be_set(tmp_path):
    assert load_config(tmp_path, {})["EVENTHUB_SCAN_CLOCK_SKEW_SECONDS"] == 300.0
    env = {"EVENTHUB_SCAN_CLOCK_SKEW_SECONDS": "90"}
    assert load_config(tmp_path, env)["EVENTHUB_SCAN_CLOCK_SKEW_SECONDS"] == 90.0
