"""Races on the scan path, on the suite's database (SQLite by default, PostgreSQL with
EVENTHUB_TEST_DATABASE_URL): many gates scanning one pass at the same instant, and one
offline batch uploaded again and again, also from several threads at once.

Every request really runs at once: each thread has its own test client (and so its own
connection from the pool) and waits at a barrier before it sends.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa
from flask import Flask

from eventhub.checkin import device_auth
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

BATCH = f"{SCANS}/batch"
#: Gates scanning one pass at the same instant, and how many times the race is run.
#: SQLite has one writer at a time and waits up to its busy timeout (30 s); 50 writers on
#: one pass finish well within it, so both databases run the full count.
RACERS = 50
ROUNDS = 5


def at_once(app: Flask, count: int, send: Callable[[Any, int], Any]) -> list[Any]:
    """Run ``send(client, i)`` for i in range(count), all threads released together."""
    barrier = threading.Barrier(count, timeout=30)

    def run(i: int) -> Any:
        client = app.test_client()
        barrier.wait()
        return send(client, i)

    with ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(run, i) for i in range(count)]
        return [future.result(timeout=120) for future in futures]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def client_post(app: Flask, device_token: str, body: dict[str, Any]) -> Any:
    response = app.test_client().post(BATCH, json=body, headers=_bearer(device_token))
    assert response.status_code == 200, response.json
    return response.json


def _scans_of(pass_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Scan).where(Scan.pass_id == pass_id)
    )


def test_fifty_gates_scanning_one_pass_at_once_admit_it_once_every_time(app, organiser):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])

    for round_ in range(ROUNDS):
        issued = issue_pass(app, ed["id"])
        # Every racer looks its device up in the database, as after the cache expires: a
        # request that then held that connection while taking another starved the pool.
        device_auth.forget()

        def send(client: Any, i: int, token: str = issued.token, r: int = round_) -> Any:
            body = {"token": token, "nonce": f"race-{r}-{i}", "scanned_at": DAY1_MORNING}
            return client.post(SCANS, json=body, headers=_bearer(device.token))

        responses = at_once(app, RACERS, send)

        assert [r.status_code for r in responses] == [200] * RACERS, [
            r.json for r in responses if r.status_code != 200
        ]
        results = Counter(r.json["result"] for r in responses)
        assert results == {"admitted": 1, "already_inside": RACERS - 1}, (round_, results)
        assert len({r.json["scan_id"] for r in responses}) == RACERS
        with app.app_context():
            presence = db.session.get(Presence, issued.id)
            assert (presence.inside, presence.entries) == (True, 1), round_
            assert _scans_of(issued.id) == RACERS, round_

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == RACERS * ROUNDS


def _offline_batch(token: str, tag: str) -> list[dict[str, str]]:
    # Sent out of order: the exit happened between the two entries.
    return [
        {
            "token": token,
            "direction": "exit",
            "scanned_at": "2027-08-07T15:00:00+09:00",
            "nonce": f"{tag}-2",
        },
        {
            "token": token,
            "direction": "entry",
            "scanned_at": "2027-08-07T10:00:00+09:00",
            "nonce": f"{tag}-1",
        },
        {
            "token": token,
            "direction": "entry",
            "scanned_at": "2027-08-07T16:00:00+09:00",
            "nonce": f"{tag}-3",
        },
        {
            "token": token,
            "direction": "entry",
            "scanned_at": "2027-08-07T16:00:05+09:00",
            "nonce": f"{tag}-4",
        },
    ]


def _answers(tag: str) -> list[tuple[str, str]]:
    return [
        (f"{tag}-2", "exited"),
        (f"{tag}-1", "admitted"),
        (f"{tag}-3", "reentry_admitted"),
        (f"{tag}-4", "already_inside"),
    ]


def _assert_applied_once(app: Flask, pass_id: int) -> None:
    with app.app_context():
        presence = db.session.get(Presence, pass_id)
        assert (presence.inside, presence.entries) == (True, 2)
        assert presence.first_entry_at.isoformat() == "2027-08-07T01:00:00+00:00"
        assert _scans_of(pass_id) == 4


def test_offline_batch_sent_three_times_in_a_row_is_applied_once(app, organiser):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = issue_pass(app, ed["id"])
    body = {"scans": _offline_batch(issued.token, "seq")}

    responses = [device.post(BATCH, json=body) for _ in range(3)]

    assert [r.status_code for r in responses] == [200] * 3
    first = responses[0].json
    assert [(s["nonce"], s["result"]) for s in first["scans"]] == _answers("seq")
    assert responses[1].json == first
    assert responses[2].json == first
    _assert_applied_once(app, issued.id)


def test_offline_batch_sent_from_three_threads_at_once_is_applied_once(app, organiser):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])

    for round_ in range(ROUNDS):
        issued = issue_pass(app, ed["id"])
        tag = f"par{round_}"
        body = {"scans": _offline_batch(issued.token, tag)}

        def send(client: Any, _i: int, body: dict[str, Any] = body) -> Any:
            return client.post(BATCH, json=body, headers=_bearer(device.token))

        responses = at_once(app, 3, send)

        assert [r.status_code for r in responses] == [200] * 3, [r.json for r in responses]
        first = responses[0].json
        assert [(s["nonce"], s["result"]) for s in first["scans"]] == _answers(tag), round_
        assert responses[1].json == first, round_
        assert responses[2].json == first, round_
        _assert_applied_once(app, issued.id)
        # And once more afterwards, in order: the same answers, nothing applied again.
        again = client_post(app, device.token, body)
        assert again == first
        _assert_applied_once(app, issued.id)
