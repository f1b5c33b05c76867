"""Scans of one pass racing from many gates: requests really run at once, in threads, each
with its own client and connection. The pass is admitted exactly once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa

from eventhub.checkin.models import Presence, Scan
from eventhub.extensions import db
from tests.checkin.gate_helpers import (
    DAY1_MORNING,
    SCANS,
    edition,
    fresh_caches,  # noqa: F401  (autouse fixture)
    issue_pass,
    make_device,
)

#: Below the connection pool's 5 + 10, so no request waits for a connection.
N = 8


def race(app: Any, bodies: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    barrier = threading.Barrier(len(bodies))

    def send(device_token: str, body: dict[str, Any]) -> Any:
        client = app.test_client()
        barrier.wait()
        return client.post(SCANS, json=body, headers={"Authorization": f"Bearer {device_token}"})

    with ThreadPoolExecutor(len(bodies)) as pool:
        futures = [pool.submit(send, token, body) for token, body in bodies]
        return [future.result(timeout=60) for future in futures]


def test_eight_gates_scanning_one_pass_at_once_admit_it_once(app, organiser):
    ed = edition(organiser)
    devices = [make_device(organiser, ed["id"]) for _ in range(2)]
    issued = issue_pass(app, ed["id"])
    bodies = [
        (
            devices[i % 2].token,
            {"token": issued.token, "nonce": f"race-{i}", "scanned_at": DAY1_MORNING},
        )
        for i in range(N)
    ]

    responses = race(app, bodies)

    assert all(r.status_code == 200 for r in responses), [r.json for r in responses]
    results = sorted(r.json["result"] for r in responses)
    assert results == ["admitted"] + ["already_inside"] * (N - 1)
    with app.app_context():
        presence = db.session.get(Presence, issued.id)
        assert (presence.inside, presence.entries) == (True, 1)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == N


def test_one_nonce_retried_at_once_counts_once(app, organiser):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = issue_pass(app, ed["id"])
    body = {"token": issued.token, "nonce": "same", "scanned_at": DAY1_MORNING}

    responses = race(app, [(device.token, body)] * N)

    assert {r.json["result"] for r in responses} == {"admitted"}
    assert len({r.json["scan_id"] for r in responses}) == 1
    with app.app_context():
        assert db.session.get(Presence, issued.id).entries == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 1
