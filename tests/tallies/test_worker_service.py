"""Tallies through HTTP on PostgreSQL, Redis and a real worker process: scans at the scan
endpoint, a full recompute queued to the worker, figures that match the scans."""

from __future__ import annotations

from typing import Any

import pytest

from tests.checkin.gate_helpers import make_device, make_gate
from tests.checkin.test_gate_journey_service import register_and_wait, running_edition, scan
from tests.conftest import Api
from tests.waiting import wait_until

pytestmark = pytest.mark.service
WAIT_SECONDS = 60


def _done(organiser: Api, poll: str) -> dict[str, Any]:
    states: list[dict[str, Any]] = []

    def done() -> bool:
        states.append(organiser.get(poll).json)
        return bool(states[-1]["state"] == "done")

    wait_until(done, WAIT_SECONDS, interval=0.1, message=lambda: f"a done recompute: {states[-1]}")
    return dict(states[-1])


def _counted(organiser: Api, edition_id: int) -> dict[str, Any] | None:
    """A full recompute by the worker; the live tallies if it counted every scan."""
    response = organiser.post(f"/api/v1/editions/{edition_id}/tallies/recompute")
    assert response.status_code == 202, response.json
    _done(organiser, response.headers["Location"])
    live = organiser.get(f"/api/v1/editions/{edition_id}/tallies").json
    return dict(live) if live["pending_scans"] == 0 else None


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

    # Scans count once they have settled (TALLY_SETTLE_SECONDS, short here): a run stops
    # before younger ones, and the next run counts them.
    live = wait_until(
        lambda: _counted(organiser, edition["id"]), WAIT_SECONDS, 0.2, "every scan counted"
    )
    figures = live["figures"]
    assert live["pending_scans"] == 0
    assert (figures["visitors"], figures["entries"]) == (2, 3)
    assert figures["visitors_by_gate"] == {"正面入口": 2}
    assert figures["visitors_by_type"] == {"buyer": 2}
    assert figures["visitors_by_prefecture"] == {"20": 2}
    assert sum(figures["visitors_by_day"].values()) == 2
    assert sum(figures["entries_by_hour"].values()) == 3
    assert figures["registrations"] == 2
