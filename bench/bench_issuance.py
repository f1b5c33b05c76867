"""Issuing throughput: issue_passes() against the bare sign + PNG + SVG work it wraps, 2 processes.

Run: python bench/bench_issuance.py [passes]

Builds the app on a throw-away SQLite database, or on PostgreSQL when
EVENTHUB_BENCH_DATABASE_URL is set (that database is migrated to head, and the bench's
edition is deleted again at the end), creates an edition with ``passes`` (default 400) pending
passes, then measures in one run, in 4 alternating rounds (so a busy neighbour slows both alike),
each time with a pool of 2 processes (both cores) that start together and split the round's
passes between them:

(a) raw: sign the pass's claims with the edition's key ring, lay out the QR code once and
    render it as PNG and as SVG (``qr.render_both``): the unavoidable work of issuing;
(b) eventhub: ``eventhub.passes.issuing.issue_passes(batch)`` over the passes in batches of
    ``issuing.BATCH_SIZE``, each process with its own app and database connection, as two
    Celery workers run bulk issuing (read the batch, sign, render, store each pass with a
    conditional UPDATE, queue the mails, commit). The mail tasks go to an in-memory broker:
    queueing them is part of issuing, delivering them is not.

Prints passes per second of each and the ratio eventhub/raw (target >= 0.8). Exit status 1
below target.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from multiprocessing.synchronize import Barrier
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from eventhub import create_app
from eventhub.accounts import service as accounts
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.notifications.models import OutgoingMail
from eventhub.passes import issuing, qr, signing
from eventhub.passes.keys import KeyRing
from eventhub.passes.models import Pass, PassState, Registration
from eventhub.passes.tokens import PassKind, TokenClaims

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = 2
#: Raw work and issue_passes alternate over the passes in this many rounds.
ROUNDS = 4
TARGET_RATIO = 0.8
FIRST_DAY, LAST_DAY = date(2027, 8, 7), date(2027, 8, 9)
#: Tasks go to an in-memory broker: issuing queues the mail, a worker elsewhere would send it.
CELERY = {"task_always_eager": False, "broker_url": "memory://localhost/", "result_backend": None}


def make_app(database_url: str) -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": False, "CELERY": CELERY})


def setup(app: Flask, n_passes: int) -> tuple[int, list[int]]:
    """An edition with its signing key and ``n_passes`` pending passes: its id, the pass ids."""
    client = app.test_client()
    email = f"bench-{os.urandom(4).hex()}@example.jp"
    with app.app_context():
        accounts.create_organiser(email, "bench password 123", "ベンチ 主催者")
        db.session.commit()
    login = client.post(
        "/api/v1/auth/login", json={"email": email, "password": "bench password 123"}
    )
    auth = {"Authorization": f"Bearer {login.json['token']}"}  # type: ignore[index]
    response = client.post(
        "/api/v1/editions",
        headers=auth,
        json={
            "series": "takumi",
            "title_ja": "発行ベンチ 2027",
            "title_en": "Issuance bench 2027",
            "starts_at": "2027-08-07T10:00:00+09:00",
            "ends_at": "2027-08-09T17:00:00+09:00",
            "format": "in_person",
        },
    )
    assert response.status_code == 201, response.json
    edition_id = int(response.json["id"])  # type: ignore[index]
    with app.app_context():
        # The key exists before the workers start, as it does after the first pass of an edition.
        signing.ensure_key(edition_id)
        now = datetime.now(UTC)
        tag = os.urandom(3).hex()
        registration_ids = db.session.scalars(
            sa.insert(Registration).returning(Registration.id, sort_by_parameter_order=True),
            [
                {
                    "edition_id": edition_id,
                    "name": f"来場者 {i}",
                    "email": f"v{i}-{tag}@example.jp",
                    "email_key": f"v{i}-{tag}@example.jp",
                    "terms_accepted_at": now,
                }
                for i in range(n_passes)
            ],
        ).all()
        pass_ids = db.session.scalars(
            sa.insert(Pass).returning(Pass.id, sort_by_parameter_order=True),
            [
                {
                    "edition_id": edition_id,
                    "kind": "general",
                    "registration_id": registration_id,
                    "holder_name": f"来場者 {i}",
                    "holder_email": f"v{i}-{tag}@example.jp",
                    "state": PassState.PENDING,
                    "queued_at": now,
                }
                for i, registration_id in enumerate(registration_ids)
            ],
        ).all()
        db.session.commit()
    return edition_id, list(pass_ids)


# Work in the pool's processes ----------------------------------------------------------------

_barrier: Barrier
_ring: KeyRing
_app: Flask


def _init_raw(barrier: Barrier) -> None:
    global _barrier, _ring
    _barrier = barrier
    _ring, _ = KeyRing(edition_id=1).rotate()


def _raw(pass_ids: list[int]) -> tuple[float, float]:
    _barrier.wait()  # both processes start together, each with one half
    start = time.monotonic()
    for pass_id in pass_ids:
        claims = TokenClaims(pass_id, 1, PassKind.ATTENDEE, FIRST_DAY, LAST_DAY, None, 1)
        token = _ring.sign(claims)
        qr.render_both(token)  # one layout, two images: what issuing must do at least
    return start, time.monotonic()


def _init_issue(barrier: Barrier, database_url: str) -> None:
    global _barrier, _app
    _barrier = barrier
    _app = make_app(database_url)
    with _app.app_context():
        db.session.execute(sa.text("SELECT 1"))  # connect now, not inside the measured time
        db.session.commit()


def _issue(pass_ids: list[int]) -> tuple[float, float]:
    _barrier.wait()
    start = time.monotonic()
    with _app.app_context():
        for i in range(0, len(pass_ids), issuing.BATCH_SIZE):
            batch = pass_ids[i : i + issuing.BATCH_SIZE]
            assert issuing.issue_passes(batch) == batch
    return start, time.monotonic()


def rounds(pass_ids: list[int], n_rounds: int) -> list[list[list[int]]]:
    """The passes in rounds, each round split between the processes."""
    size = -(-len(pass_ids) // n_rounds)
    chunks = [pass_ids[i : i + size] for i in range(0, len(pass_ids), size)]
    return [[chunk[i::PROCESSES] for i in range(PROCESSES)] for chunk in chunks]


def measure(database_url: str, pass_ids: list[int]) -> tuple[float, float]:
    """Passes per second of raw work and of issue_passes, in alternating rounds.

    Both pools live through the run; each round runs one pool on a slice of the passes, so a
    busy neighbour slows both alike. The barrier makes each round's two halves start together.
    """
    context = mp.get_context("fork")
    elapsed = {"raw": 0.0, "issue": 0.0}
    with (
        context.Pool(PROCESSES, _init_raw, (context.Barrier(PROCESSES),)) as raw_pool,
        context.Pool(
            PROCESSES, _init_issue, (context.Barrier(PROCESSES), database_url)
        ) as issue_pool,
    ):
        for halves in rounds(pass_ids, ROUNDS):
            for name, pool, work in (("raw", raw_pool, _raw), ("issue", issue_pool, _issue)):
                spans = pool.map(work, halves, chunksize=1)
                # CLOCK_MONOTONIC is one clock for the whole machine: the processes' times compare.
                elapsed[name] += max(end for _, end in spans) - min(start for start, _ in spans)
    return len(pass_ids) / elapsed["raw"], len(pass_ids) / elapsed["issue"]


def run(label: str, database_url: str, n_passes: int) -> bool:
    with tempfile.TemporaryDirectory() as instance:
        os.environ.setdefault("SECRET_KEY", "eventhub-bench-secret-key")
        os.environ["EVENTHUB_INSTANCE_PATH"] = instance
        app = make_app(database_url)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"), revision="heads")
        edition_id, pass_ids = setup(app, n_passes)
        with app.app_context():
            db.engine.dispose()  # the forked workers must not share its connections
        print(f"{label}: {n_passes} pending passes, {PROCESSES} processes")
        raw, issued = measure(database_url, pass_ids)
        with app.app_context():
            states = dict(
                db.session.execute(
                    sa.select(Pass.state, sa.func.count())
                    .where(Pass.edition_id == edition_id)
                    .group_by(Pass.state)
                ).all()
            )
            keys = [f"pass:{pass_id}:1:issued" for pass_id in pass_ids]
            db.session.execute(sa.delete(OutgoingMail).where(OutgoingMail.dedupe_key.in_(keys)))
            db.session.execute(sa.delete(Edition).where(Edition.id == edition_id))
            db.session.commit()
            db.engine.dispose()
    assert states == {PassState.ISSUED: n_passes}, states
    ratio = issued / raw
    ok = ratio >= TARGET_RATIO
    print(f"    raw sign + PNG + SVG:  {raw:8.1f} passes/s")
    print(f"    issuing.issue_passes:  {issued:8.1f} passes/s")
    print(
        f"    ratio issue_passes/raw = {ratio:.2f} (target >= {TARGET_RATIO}): "
        f"{'ok' if ok else 'MISS'}"
    )
    return ok


def main(argv: list[str]) -> int:
    n_passes = int(argv[1]) if len(argv) > 1 else 400
    url = os.environ.get("EVENTHUB_BENCH_DATABASE_URL")
    if url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        ok = run("PostgreSQL", url, n_passes)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            ok = run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", n_passes)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
