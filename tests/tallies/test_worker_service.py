"""Tallies through HTTP on PostgreSQL, Redis and a real worker process: scans at the scan
endpoint, a full recompute queued to the worker, figures that match the scans."""

from __future__ import annotations

import time
from typing import Any

import pytest

from eventhub.tallies import service
from tests.checkin.gate_helpers import make_device, make_gate
from tests.checkin.test_gate_journey_service import register_and_wait, running_edition, scan
from tests.conftest import Api

pytestmark = pytest.mark.service
WAIT_SECONDS = 60


def _done(organiser: Api, poll: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    state = organiser.get(poll).json
    while state["state"] != "done" and time.monotonic() < deadline:
        time.sleep(0.3)
        state = organiser.get(poll).json
    assert state["state"] == "done", state
    return dict(state)


def test_scans_at_the_gate_are_tallied_by_the_worker(service_app, service_organiser):
    organiser = service_organiser
    edition = running_edition(organiser, "集計試験")
    gate = make_gate(organiser, edition["id"], "正面入口")
    device = make_device(organiser, edition["id"], gate["id"])
    first = register_and_wait(organiser, edition["id"], "tally1@example.jp", "佐藤 花子")
    second = register_and_wait(organiser, edition["id"], "tally2@example.jp", "鈴木 一郎")
    assert scan(device, first["token"])["result"] == "admitted"
    assert scan(device, first["token"], "exit")["result"] == "exited"
    assert scan(device, first["token"])["result"] == "reentry_admitted"
    assert scan(device, second["token"])["result"] == "admitted"
    assert scan(device, second["token"])["result"] == "already_inside"

    # Scans count once they have settled: the worker's run stops before younger ones.
    time.sleep(service.SETTLE.total_seconds() + 1)
    response = organiser.post(f"/api/v1/editions/{edition['id']}/tallies/recompute")
    assert response.status_code == 202, response.json
    _done(organiser, response.headers["Location"])

    live = organiser.get(f"/api/v1/editions/{edition['id']}/tallies").json
    figures = live["figures"]
    assert live["pending_scans"] == 0
    assert (figures["visitors"], figures["entries"]) == (2, 3)
    assert figures["visitors_by_gate"] == {"正面入口": 2}
    assert figures["visitors_by_type"] == {"buyer": 2}
    assert figures["visitors_by_prefecture"] == {"20": 2}
    assert sum(figures["visitors_by_day"].values()) == 2
    assert sum(figures["entries_by_hour"].values()) == 3
    assert figures["registrations"] == 2
