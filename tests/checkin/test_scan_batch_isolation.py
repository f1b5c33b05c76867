"""One scan that the database refuses fails alone: the rest of its batch is applied as usual.

A scan whose data PostgreSQL refuses (here a nonce holding a NUL character, which a text
column cannot store) used to fail the whole batch statement, and so every scan that happened
to share its batch. The schema refuses such nonces before they reach a batch; these tests go
around it, to check that the batch itself isolates whatever one scan's data breaks.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa

from eventhub.checkin import scan_batches
from eventhub.checkin.models import Presence, Scan, ScanResult
from eventhub.checkin.scan_batches import GroupCommit, Pending
from eventhub.checkin.scanning import Outcome, Scanner
from eventhub.errors import DomainError
from eventhub.extensions import db
from tests.checkin.gate_helpers import (
    DAY1_MORNING,
    SCANS,
    edition,
    fresh_caches,  # noqa: F401  (autouse fixture)
    issue_pass,
    make_device,
)
from tests.checkin.test_scan_batches import AT, _bearer, _on_postgresql, pending
from tests.checkin.test_scan_races import at_once

POISON = "bad\x00nonce"


# The halving, with a fake statement ------------------------------------------------------------


def _refusing_apply(monkeypatch: Any, refuse: type[psycopg.Error]) -> list[int]:
    """``_apply`` failing every batch that holds the poisoned nonce, else admitting all."""
    sizes: list[int] = []

    def apply(batch: list[Pending], _queue: GroupCommit) -> None:
        sizes.append(len(batch))
        if any(item.nonce == POISON for item in batch):
            raise refuse("refused")
        for item in batch:
            item.outcome = Outcome(ScanResult.ADMITTED, scan_id=int(item.nonce))

    monkeypatch.setattr(scan_batches, "_apply", apply)
    return sizes


def test_a_scan_refused_for_its_data_fails_alone_and_the_rest_are_applied(monkeypatch):
    sizes = _refusing_apply(monkeypatch, psycopg.errors.UntranslatableCharacter)
    batch = [pending(i, str(i)) for i in range(1, 31)]
    batch.insert(17, pending(99, POISON))
    scan_batches.run(batch, GroupCommit())

    poisoned = batch.pop(17)
    assert isinstance(poisoned.error, DomainError)
    assert poisoned.error.code == "invalid_scan"
    assert poisoned.outcome is None
    assert [item.outcome.scan_id for item in batch] == list(range(1, 31))
    assert all(item.error is None for item in batch)
    # Halving: each scan applied once, and a few statements more, not one per scan.
    assert sum(size for size in sizes if size > 1) < 4 * len(batch)
    assert len(sizes) <= 2 * 5 + 1


def test_a_batch_that_is_not_refused_is_sent_once(monkeypatch):
    sizes = _refusing_apply(monkeypatch, psycopg.errors.UntranslatableCharacter)
    batch = [pending(i, str(i)) for i in range(1, 31)]
    scan_batches.run(batch, GroupCommit())
    assert sizes == [30]


def test_a_scan_breaking_another_constraint_fails_alone_with_the_database_s_error(monkeypatch):
    _refusing_apply(monkeypatch, psycopg.errors.CheckViolation)
    batch = [pending(1, "1"), pending(99, POISON), pending(2, "2")]
    scan_batches.run(batch, GroupCommit())
    assert isinstance(batch[1].error, psycopg.errors.CheckViolation)  # ours to fix: a 500
    assert [batch[0].outcome.result, batch[2].outcome.result] == [ScanResult.ADMITTED] * 2


# On PostgreSQL -----------------------------------------------------------------------------------


@pytest.fixture
def postgresql_only(app: Any) -> None:
    if not _on_postgresql(app):
        pytest.skip("batches run on PostgreSQL only")


def test_a_nonce_postgresql_refuses_fails_its_scan_only(app, organiser, postgresql_only):
    """30 scans of several devices share a batch with one that PostgreSQL refuses: each of the
    30 is admitted once and answered so, and the poisoned one alone fails."""
    ed = edition(organiser)
    devices = [make_device(organiser, ed["id"]).user_id for _ in range(3)]
    issued = [issue_pass(app, ed["id"], name=f"来場者 {i}") for i in range(31)]
    with app.app_context():
        scanners = [Scanner(ed["id"], device_id, None) for device_id in devices]
        batch = [
            scan_batches._pending(scanners[i % 3], p.token, "entry", AT, f"ok-{i}")
            for i, p in enumerate(issued[:30])
        ]
        poisoned = scan_batches._pending(scanners[1], issued[30].token, "entry", AT, POISON)
        batch.insert(11, poisoned)
        queue = GroupCommit()
        try:
            scan_batches.run(batch, queue)
        finally:
            queue._pinned.close()
        batch.remove(poisoned)

        assert isinstance(poisoned.error, DomainError), poisoned.error
        assert poisoned.error.code == "invalid_scan"
        assert [item.error for item in batch] == [None] * 30
        assert [item.outcome.result for item in batch] == [ScanResult.ADMITTED] * 30
        stored = dict(db.session.execute(sa.select(Scan.nonce, Scan.id)).all())
        assert stored == {item.nonce: item.outcome.scan_id for item in batch}
        presences = db.session.execute(sa.select(Presence.pass_id, Presence.entries)).all()
        assert sorted(presences) == [(p.id, 1) for p in issued[:30]]


def test_over_http_the_scans_sharing_a_batch_with_a_poisoned_one_are_answered(
    app, organiser, postgresql_only, monkeypatch
):
    """The first scan's batch is held at the database until the 31 others wait behind it, so
    that they go as one batch, the poisoned scan among them (its nonce made unstorable past
    the request schema)."""
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = [issue_pass(app, ed["id"], name=f"来場者 {i}") for i in range(32)]
    poisoned_at = 20
    real_pending, real_apply = scan_batches._pending, scan_batches._apply
    batches: list[tuple[int, bool]] = []  # each batch's size, and whether it held the poison
    held = threading.Event()

    def poisoning(scanner: Scanner, token: str, direction: str, at: Any, nonce: str) -> Pending:
        nonce = POISON if nonce == f"n-{poisoned_at}" else nonce
        return real_pending(scanner, token, direction, at, nonce)

    def holding(batch: list[Pending], queue: GroupCommit) -> None:
        if not held.is_set():
            held.set()
            deadline = time.monotonic() + 20
            while len(queue._waiting) < len(issued) - 1 and time.monotonic() < deadline:
                time.sleep(0.005)
        batches.append((len(batch), any(item.nonce == POISON for item in batch)))
        real_apply(batch, queue)

    monkeypatch.setattr(scan_batches, "_pending", poisoning)
    monkeypatch.setattr(scan_batches, "_apply", holding)

    def send(client: Any, i: int) -> Any:
        if i == poisoned_at:  # not the first, held alone: it must queue behind it
            assert held.wait(20)
        body = {"token": issued[i].token, "nonce": f"n-{i}", "scanned_at": DAY1_MORNING}
        return client.post(SCANS, json=body, headers=_bearer(device))

    answers = at_once(app, len(issued), send)
    poisoned = answers.pop(poisoned_at)
    assert poisoned.status_code == 422, poisoned.json
    assert poisoned.json["code"] == "invalid_scan"
    assert [(answer.status_code, answer.json["result"]) for answer in answers] == [
        (200, "admitted")
    ] * 31
    assert batches[:2] == [(1, False), (31, True)]  # the poison shared a batch with 30 others
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 31
