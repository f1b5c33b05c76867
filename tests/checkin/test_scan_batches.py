"""Scans grouped into batches (PostgreSQL): who goes in which batch, the hand-over between the
threads that run them, and whole waves of scans through the API.

The waves run on the suite's database; on PostgreSQL they go through ``scan_batches`` and the
test also checks that batches of more than one scan really formed.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa

from eventhub.checkin import scan_batches
from eventhub.checkin.models import Presence, Scan, ScanResult
from eventhub.checkin.scan_batches import GroupCommit, Pending, split
from eventhub.checkin.scanning import Outcome, Scanner
from eventhub.extensions import db
from eventhub.passes import signing
from eventhub.passes.tokens import PassKind, TokenClaims
from tests.checkin.gate_helpers import (
    DAY1_MORNING,
    FIRST_DAY,
    LAST_DAY,
    SCANS,
    edition,
    fresh_caches,  # noqa: F401  (autouse fixture)
    issue_pass,
    make_device,
)
from tests.checkin.test_scan_races import at_once
from tests.conftest import _make_app

AT = datetime(2027, 8, 7, 1, 15, tzinfo=UTC)


def pending(pass_id: int | None, nonce: str, device_id: int = 1) -> Pending:
    verdict: TokenClaims | ScanResult
    if pass_id is None:
        verdict = ScanResult.FORGED
    else:
        verdict = TokenClaims(pass_id, 1, PassKind.ATTENDEE, FIRST_DAY, LAST_DAY, None, 1)
    return Pending(Scanner(1, device_id, None), "token", verdict, None, "entry", AT, nonce)


# Who goes in which batch -----------------------------------------------------------------------


def test_a_pass_scanned_twice_waits_for_the_next_batch():
    first, again, other = pending(1, "a"), pending(1, "b"), pending(2, "c")
    batch, later = split([first, again, other])
    assert batch == [first, other]
    assert later == [again]


def test_a_nonce_sent_twice_waits_for_the_next_batch_but_only_on_the_same_device():
    first, resent, other_device = pending(1, "n"), pending(2, "n"), pending(3, "n", device_id=2)
    batch, later = split([first, resent, other_device])
    assert batch == [first, other_device]
    assert later == [resent]


def test_refused_tokens_share_a_batch_and_batches_are_bounded():
    forged = [pending(None, f"f{i}") for i in range(3)]
    passes = [pending(i, f"p{i}") for i in range(1, scan_batches.MAX_BATCH + 5)]
    batch, later = split(forged + passes)
    assert len(batch) == scan_batches.MAX_BATCH
    assert batch[:3] == forged
    assert later == passes[scan_batches.MAX_BATCH - 3 :]


def test_no_scan_overtakes_an_earlier_scan_of_its_pass_or_nonce_that_has_to_wait():
    first, resent = pending(1, "n"), pending(2, "n")  # the nonce again: resent waits
    after_resent = pending(2, "m")  # the same pass as resent: must not go before it
    same_nonce_again = pending(3, "n")
    batch, later = split([first, resent, after_resent, same_nonce_again])
    assert batch == [first]
    assert later == [resent, after_resent, same_nonce_again]


# The hand-over between threads -----------------------------------------------------------------


def _run_concurrently(queue: GroupCommit, scans: list[Pending]) -> list[Any]:
    barrier = threading.Barrier(len(scans), timeout=10)
    answers: list[Any] = [None] * len(scans)

    def send(i: int) -> None:
        barrier.wait()
        try:
            answers[i] = queue.scan(scans[i])
        except Exception as exc:  # noqa: BLE001  (the test looks at it)
            answers[i] = exc

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(scans))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
        assert not thread.is_alive(), "a scan was left waiting"
    return answers


def test_every_waiting_scan_is_answered_once_in_batches(monkeypatch):
    batches: list[list[Pending]] = []

    def fake_run(batch: list[Pending], _queue: GroupCommit) -> None:
        batches.append(batch)
        time.sleep(0.01)  # a round trip, so that others queue up meanwhile
        for item in batch:
            item.outcome = Outcome(ScanResult.ADMITTED, scan_id=int(item.nonce))

    monkeypatch.setattr(scan_batches, "run", fake_run)
    # Three scans of each pass: those of one pass must go in different batches.
    scans = [pending(i % 10, str(i)) for i in range(30)]
    answers = _run_concurrently(GroupCommit(), scans)

    assert [answer.scan_id for answer in answers] == list(range(30))
    assert sorted(int(item.nonce) for batch in batches for item in batch) == list(range(30))
    assert max(len(batch) for batch in batches) > 1
    for batch in batches:
        assert len({item.pass_id for item in batch}) == len(batch)


def test_a_failed_batch_fails_its_own_scans_only_and_the_queue_goes_on(monkeypatch):
    batches: list[list[Pending]] = []

    def flaky_run(batch: list[Pending], _queue: GroupCommit) -> None:
        batches.append(batch)
        time.sleep(0.01)
        if len(batches) == 1:
            raise RuntimeError("boom")  # run() never raises; the queue must survive it anyway
        for item in batch:
            item.outcome = Outcome(ScanResult.ADMITTED)

    monkeypatch.setattr(scan_batches, "run", flaky_run)
    scans = [pending(i, str(i)) for i in range(12)]
    answers = _run_concurrently(GroupCommit(), scans)

    failed = {i for i, answer in enumerate(answers) if isinstance(answer, RuntimeError)}
    assert failed == {int(item.nonce) for item in batches[0]}
    others = [answer for i, answer in enumerate(answers) if i not in failed]
    assert all(isinstance(answer, Outcome) for answer in others)


def test_an_upload_and_live_scans_share_batches_and_each_pass_keeps_its_order(monkeypatch):
    batches: list[list[Pending]] = []

    def fake_run(batch: list[Pending], _queue: GroupCommit) -> None:
        batches.append(batch)
        time.sleep(0.005)
        for item in batch:
            item.outcome = Outcome(ScanResult.ADMITTED, scan_id=len(batches))

    monkeypatch.setattr(scan_batches, "run", fake_run)
    queue = GroupCommit()
    # An upload from one thread: 40 passes, each scanned three times, in time order.
    upload = [pending(i % 40, f"u{i}", device_id=9) for i in range(120)]
    live = [pending(100 + i, f"l{i}") for i in range(20)]
    answers: dict[str, Any] = {}
    barrier = threading.Barrier(len(live) + 1, timeout=10)

    def send_upload() -> None:
        barrier.wait()
        answers["upload"] = queue.scan_all(upload)

    def send_live(item: Pending) -> None:
        barrier.wait()
        answers[item.nonce] = queue.scan(item)

    threads = [threading.Thread(target=send_upload)]
    threads += [threading.Thread(target=send_live, args=(item,)) for item in live]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
        assert not thread.is_alive(), "a scan was left waiting"

    assert [answer.scan_id for answer in answers["upload"]] == [p.outcome.scan_id for p in upload]
    assert all(isinstance(answers[item.nonce], Outcome) for item in live)
    assert sorted(p.nonce for batch in batches for p in batch) == sorted(
        p.nonce for p in upload + live
    )
    for pass_id in range(40):  # each pass's three scans in three successive batches, in order
        ids = [p.outcome.scan_id for p in upload if p.pass_id == pass_id]
        assert ids == sorted(ids)
        assert len(set(ids)) == 3
    assert len(batches) < len(upload) // 2


def test_a_failed_scan_of_an_upload_stops_the_later_scans_of_its_pass_only(monkeypatch):
    applied: list[str] = []

    def apply(batch: list[Pending], _queue: GroupCommit) -> None:
        if any(item.nonce == "1-in" for item in batch):
            raise RuntimeError("connection reset")
        applied.extend(item.nonce for item in batch)
        for item in batch:
            item.outcome = Outcome(ScanResult.ADMITTED)

    monkeypatch.setattr(scan_batches, "_apply", apply)
    upload = [pending(1, "1-in"), pending(2, "2-in"), pending(1, "1-out"), pending(2, "2-out")]
    upload[2].after, upload[3].after = upload[0], upload[1]
    queue = GroupCommit()
    for item in upload[:2]:
        scan_batches.run([item], queue)
    scan_batches.run(upload[2:], queue)

    assert applied == ["2-in", "2-out"]
    assert [str(item.error) for item in (upload[0], upload[2])] == ["connection reset"] * 2
    with pytest.raises(RuntimeError, match="connection reset"):
        GroupCommit().scan_all([pending(1, "1-in")])


def _scripted_apply(monkeypatch: Any, failures: list[Exception]) -> list[list[Pending]]:
    """``_apply`` raising ``failures`` in turn, then answering every scan admitted."""
    calls: list[list[Pending]] = []

    def apply(batch: list[Pending], _queue: GroupCommit) -> None:
        calls.append(batch)
        if failures:
            raise failures.pop(0)
        for item in batch:
            item.outcome = Outcome(ScanResult.ADMITTED)

    monkeypatch.setattr(scan_batches, "_apply", apply)
    return calls


def test_a_deadlocked_batch_is_sent_again(monkeypatch):
    calls = _scripted_apply(monkeypatch, [psycopg.errors.DeadlockDetected("deadlock")] * 2)
    batch = [pending(1, "a"), pending(2, "b")]
    scan_batches.run(batch, GroupCommit())
    assert [len(call) for call in calls] == [2, 2, 2]
    assert [item.outcome.result for item in batch] == [ScanResult.ADMITTED] * 2


def test_a_batch_that_keeps_deadlocking_is_sent_scan_by_scan(monkeypatch):
    deadlocks = [psycopg.errors.DeadlockDetected("deadlock")] * scan_batches.ATTEMPTS
    calls = _scripted_apply(monkeypatch, deadlocks)
    batch = [pending(1, "a"), pending(2, "b")]
    scan_batches.run(batch, GroupCommit())
    assert [len(call) for call in calls] == [2] * scan_batches.ATTEMPTS + [1, 1]
    assert [item.outcome.result for item in batch] == [ScanResult.ADMITTED] * 2


def test_a_nonce_stored_before_is_answered_from_the_store_and_the_rest_sent_again(monkeypatch):
    calls = _scripted_apply(monkeypatch, [psycopg.errors.UniqueViolation("duplicate nonce")])
    first_answer = Outcome(ScanResult.ALREADY_INSIDE, 1, scan_id=7)
    monkeypatch.setattr(
        scan_batches,
        "stored_outcomes",
        lambda device_id, nonces: {"a": first_answer} if device_id == 1 else {},
    )
    monkeypatch.setattr(scan_batches, "release_session", lambda: None)
    retried, fresh = pending(1, "a"), pending(2, "b")
    scan_batches.run([retried, fresh], GroupCommit())
    assert [len(call) for call in calls] == [2, 1]
    assert retried.outcome == first_answer
    assert fresh.outcome.result == ScanResult.ADMITTED


def test_a_unique_violation_without_a_stored_nonce_fails_the_batch(monkeypatch):
    _scripted_apply(monkeypatch, [psycopg.errors.UniqueViolation("some other key")])
    monkeypatch.setattr(scan_batches, "stored_outcomes", lambda device_id, nonces: {})
    monkeypatch.setattr(scan_batches, "release_session", lambda: None)
    batch = [pending(1, "a"), pending(2, "b")]
    scan_batches.run(batch, GroupCommit())
    assert all(isinstance(item.error, RuntimeError) for item in batch)


def test_any_other_failure_is_every_scan_s_answer(monkeypatch):
    _scripted_apply(monkeypatch, [RuntimeError("disk full")])
    batch = [pending(1, "a"), pending(2, "b")]
    scan_batches.run(batch, GroupCommit())
    assert [str(item.error) for item in batch] == ["disk full", "disk full"]


# Waves of scans through the API -----------------------------------------------------------------


@pytest.fixture
def batch_sizes(monkeypatch):
    sizes: list[int] = []
    real = scan_batches._apply

    def counting(batch: list[Pending], queue: GroupCommit) -> None:
        sizes.append(len(batch))
        real(batch, queue)

    monkeypatch.setattr(scan_batches, "_apply", counting)
    return sizes


def _bearer(device: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {device.token}"}


def _on_postgresql(app: Any) -> bool:
    with app.app_context():
        return bool(db.engine.dialect.name == "postgresql")


def test_a_wave_of_gates_admits_each_pass_once_then_lets_each_out(app, organiser, batch_sizes):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = [issue_pass(app, ed["id"], name=f"来場者 {i}") for i in range(12)]
    # Each pass twice in the same wave, with distinct nonces.
    wave = [(p, f"in-{p.id}-{k}") for p in issued for k in range(2)]

    def send(client: Any, i: int) -> Any:
        pass_, nonce = wave[i]
        body = {"token": pass_.token, "direction": "entry", "nonce": nonce}
        return client.post(
            SCANS, json={**body, "scanned_at": DAY1_MORNING}, headers=_bearer(device)
        )

    answers = at_once(app, len(wave), send)
    by_pass: dict[str, list[str]] = {}
    for (pass_, _), answer in zip(wave, answers, strict=True):
        assert answer.status_code == 200, answer.json
        assert answer.json["pass_id"] == pass_.id
        assert answer.json["scan_id"] is not None
        by_pass.setdefault(pass_.token, []).append(answer.json["result"])
    for results in by_pass.values():
        assert sorted(results) == ["admitted", "already_inside"]

    def leave(client: Any, i: int) -> Any:
        body = {"token": issued[i].token, "direction": "exit", "nonce": f"out-{i}"}
        return client.post(
            SCANS, json={**body, "scanned_at": DAY1_MORNING}, headers=_bearer(device)
        )

    answers = at_once(app, len(issued), leave)
    assert Counter(answer.json["result"] for answer in answers) == {"exited": len(issued)}

    with app.app_context():
        stored = db.session.execute(
            sa.select(Scan.result, sa.func.count()).group_by(Scan.result)
        ).all()
        assert dict(stored) == {"admitted": 12, "already_inside": 12, "exited": 12}
        presences = db.session.scalars(sa.select(Presence)).all()
        assert [(p.inside, p.entries) for p in presences] == [(False, 1)] * 12
    if _on_postgresql(app):
        assert sum(batch_sizes) >= len(wave) + len(issued)
        assert max(batch_sizes) > 1, batch_sizes


def test_an_offline_upload_goes_in_batches_each_pass_in_time_order(app, organiser, batch_sizes):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = [issue_pass(app, ed["id"], name=f"来場者 {i}") for i in range(10)]
    # Each pass in at 10:00, out at 12:00, in again at 14:00; sent newest first, with
    # one nonce repeated (a scanner that stored a scan twice) and one forged code.
    times = {"entry": "10:00", "exit": "12:00", "again": "14:00"}
    scans = [
        {
            "token": p.token,
            "direction": "exit" if step == "exit" else "entry",
            "scanned_at": f"2027-08-07T{hour}:00+09:00",
            "nonce": f"{p.id}-{step}",
        }
        for step, hour in reversed(times.items())
        for p in issued
    ]
    scans += [scans[0], {**scans[1], "token": scans[1]["token"][:-4] + "AAAA", "nonce": "bad"}]

    first = device.post(f"{SCANS}/batch", json={"scans": scans})
    sizes = list(batch_sizes)
    again = device.post(f"{SCANS}/batch", json={"scans": scans})

    assert first.status_code == 200, first.json
    results = [(s["nonce"], s["result"]) for s in first.json["scans"]]
    expected = {"entry": "admitted", "exit": "exited", "again": "reentry_admitted"}
    for scan in first.json["scans"][:30]:
        assert scan["result"] == expected[scan["nonce"].split("-")[1]], results
    assert first.json["scans"][30] == first.json["scans"][0]
    assert first.json["scans"][31]["result"] == "forged"
    assert again.json == first.json
    assert len(batch_sizes) == len(sizes)  # sent again: answered from the store
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 31
        presences = db.session.scalars(sa.select(Presence)).all()
        assert [(p.inside, p.entries) for p in presences] == [(True, 2)] * 10
    if _on_postgresql(app):  # one batch per step, not one per scan; the forged code names
        assert sizes == [10, 10, 10, 1], sizes  # the second pass, so it comes after its scans


def test_a_retry_racing_its_first_attempt_is_answered_as_the_first(app, organiser, batch_sizes):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = [issue_pass(app, ed["id"], name=f"来場者 {i}") for i in range(6)]
    # The first wave stores nonce r-0 … r-5; the second sends each again beside new scans, so
    # a batch hits the unique nonce and is replayed one by one.
    for i, pass_ in enumerate(issued):
        body = {"token": pass_.token, "nonce": f"r-{i}", "scanned_at": DAY1_MORNING}
        assert device.post(SCANS, json=body).json["result"] == "admitted"
    first_ids = {
        f"r-{i}": answer.json["scan_id"]
        for i, answer in enumerate(
            device.post(
                SCANS, json={"token": p.token, "nonce": f"r-{i}", "scanned_at": DAY1_MORNING}
            )
            for i, p in enumerate(issued)
        )
    }

    def send(client: Any, i: int) -> Any:
        pass_ = issued[i // 2]
        nonce = f"r-{i // 2}" if i % 2 == 0 else f"new-{i}"
        body = {"token": pass_.token, "nonce": nonce, "direction": "exit"}
        return client.post(
            SCANS, json={**body, "scanned_at": DAY1_MORNING}, headers=_bearer(device)
        )

    answers = at_once(app, 2 * len(issued), send)
    for i, answer in enumerate(answers):
        assert answer.status_code == 200, answer.json
        if i % 2 == 0:  # the retry: the first answer, not an exit
            assert answer.json["result"] == "admitted"
            assert answer.json["scan_id"] == first_ids[f"r-{i // 2}"]
        else:
            assert answer.json["result"] == "exited"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 12


def test_a_token_other_than_the_stored_one_is_checked_by_its_signature(app, organiser):
    """The scanned text differs from the stored token: a flipped signature is forged, an older
    serial revoked, and the same claims signed by the edition's newer key still admit."""
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = issue_pass(app, ed["id"])
    old_serial = issue_pass(app, ed["id"], serial=3, token_serial=2)
    flipped = bytearray(issued.token.encode())
    flipped[-3] = ord("A") if flipped[-3] != ord("A") else ord("B")
    body = {"scanned_at": DAY1_MORNING, "direction": "entry"}

    forged = device.post(SCANS, json={**body, "token": flipped.decode(), "nonce": "t-1"})
    assert forged.json["result"] == "forged"
    revoked = device.post(SCANS, json={**body, "token": old_serial.token, "nonce": "t-2"})
    assert revoked.json["result"] == "revoked"

    with app.app_context():
        signing.rotate(ed["id"])
        db.session.commit()
        signing.forget(ed["id"])
        claims = TokenClaims(issued.id, ed["id"], PassKind.ATTENDEE, FIRST_DAY, LAST_DAY, None, 1)
        resigned = signing.keyring(ed["id"]).sign(claims)
    assert resigned != issued.token
    admitted = device.post(SCANS, json={**body, "token": resigned, "nonce": "t-3"})
    assert admitted.json["result"] == "admitted"
    # The stored (older key's) text still verifies, and the pass is inside now.
    again = device.post(SCANS, json={**body, "token": issued.token, "nonce": "t-4"})
    assert again.json["result"] == "already_inside"


def test_two_server_processes_scanning_the_same_passes_admit_each_once(app, organiser):
    """Two apps on one database stand for two gunicorn workers: each has its own queue and
    connection, and their batches take the same presences in opposite orders."""
    other = _make_app(app.config["SQLALCHEMY_DATABASE_URI"], Path(app.instance_path))
    ed = edition(organiser)
    gates = [make_device(organiser, ed["id"]), make_device(organiser, ed["id"])]
    issued = [issue_pass(app, ed["id"], name=f"来場者 {i}") for i in range(16)]
    # Each worker scans every pass, one in order and the other backwards.
    sends = [(app, gates[0], p) for p in issued] + [(other, gates[1], p) for p in issued[::-1]]

    def wave(direction: str, tag: str) -> dict[int, list[str]]:
        def send(_client: Any, i: int) -> Any:
            server, gate, pass_ = sends[i]
            body = {"token": pass_.token, "direction": direction, "nonce": f"{tag}-{i}"}
            return server.test_client().post(
                SCANS, json={**body, "scanned_at": DAY1_MORNING}, headers=_bearer(gate)
            )

        by_pass: dict[int, list[str]] = {}
        for (_, _, pass_), answer in zip(sends, at_once(app, len(sends), send), strict=True):
            assert answer.status_code == 200, answer.json
            by_pass.setdefault(pass_.id, []).append(answer.json["result"])
        return by_pass

    try:
        for round_ in range(3):
            admitted = "admitted" if round_ == 0 else "reentry_admitted"
            for results in wave("entry", f"in{round_}").values():
                assert sorted(results) == sorted([admitted, "already_inside"])
            for results in wave("exit", f"out{round_}").values():
                assert sorted(results) == ["exited", "not_inside"]
        with app.app_context():
            entries = db.session.execute(sa.select(Presence.inside, Presence.entries)).all()
            assert sorted(entries) == [(False, 3)] * len(issued)
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 6 * 32
    finally:
        with other.app_context():
            db.engine.dispose()
