"""Recomputes racing each other (the beat's incremental runs, an organiser's full recompute,
two workers taking the same task) follow each other on the edition's tally row: no scan is
counted twice or lost. Threads really run at once, each with its own connection."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from eventhub.extensions import db
from eventhub.tallies import service
from tests.tallies.helpers import at, insert_scans, make_world, oracle, scan_figures

NO_WAIT = timedelta(0)
N = 6


def _history(world: Any) -> list[dict[str, Any]]:
    gates = list(world.gates)
    rows = []
    for i, holder in enumerate(world.holders):
        for day in range(3):
            rows.append(
                {
                    "pass_id": holder.pass_id,
                    "result": "admitted" if day == 0 else "reentry_admitted",
                    "method": "qr",
                    "scanned_at": at(day, 10 + i % 5),
                    "gate_id": gates[(i + day) % 2],
                }
            )
    return rows


def test_racing_recomputes_count_every_scan_once(app):
    with app.app_context():
        world = make_world()
        history = _history(world)
        first, rest = history[: len(history) // 2], history[len(history) // 2 :]
        insert_scans(world.edition_id, [dict(r) for r in first])
        edition_id = world.edition_id
    barrier = threading.Barrier(N)

    def run(i: int) -> None:
        with app.app_context():
            barrier.wait()
            if i == 0:
                service.recompute_full(edition_id, settle=NO_WAIT)
            else:
                service.recompute_incremental(edition_id, settle=NO_WAIT)
            if i == 1:
                insert_scans(edition_id, [dict(r) for r in rest])
                service.recompute_incremental(edition_id, settle=NO_WAIT)
            db.session.remove()

    with ThreadPoolExecutor(N) as pool:
        for future in [pool.submit(run, i) for i in range(N)]:
            future.result(timeout=60)

    with app.app_context():
        service.recompute_incremental(edition_id, settle=NO_WAIT)
        assert scan_figures(edition_id) == oracle(world, history)
        assert scan_figures(edition_id)["entries"] == len(history) - 3  # not the staff pass
