"""Scale-out of issuing: bulk issuing through Redis by 1 and by 2 Celery worker processes.

Run: python bench/bench_scaleout.py [passes=1000] [rounds=2]

Needs PostgreSQL (server ``EVENTHUB_BENCH_PG_SERVER``) and Redis. **Drops and creates the
database ``EVENTHUB_BENCH_SCALEOUT_DATABASE`` (default ``eventhub_bench_scaleout``)** and
**flushes the Redis database ``EVENTHUB_BENCH_REDIS_URL``** (default
``redis://127.0.0.1:6379/14``) at the start and at the end.

Each round, for 1 and then 2 workers: an edition with ``passes`` pending passes, then that many
separate ``celery -A workers worker -Q passes --concurrency=1`` processes, as an operator adds
issuing workers on other machines. Once every worker answers a ping, the clock starts and the
passes are queued as ``POST …/passes/issue-all`` queues them (``issuing.queue_issue_all``:
batches of 25 on the ``passes`` queue); it stops when the last pass of the edition is issued.
The workers' start-up is not measured. Their mails go to the ``mail`` queue, which no worker
here consumes: queueing them is part of issuing, sending them is not.

Rounds alternate (1, 2, 1, 2 …) so that a busy neighbour slows both alike. Prints passes/s of
each and the ratio 2 workers / 1 worker (target >= 1.7 with 2 cores), and checks that every pass
was issued exactly once: issued at its first serial, with exactly one mail. Exit status 1 when
the target or the check fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
import sqlalchemy as sa
from bench_issuance import setup
from celery import Celery
from flask import Flask
from flask_migrate import upgrade
from harness import drop_database, fresh_database, pg_server

from eventhub import create_app
from eventhub.extensions import db
from eventhub.notifications.models import OutgoingMail
from eventhub.passes import issuing
from eventhub.passes.models import Pass, PassState

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.7
SECRET_KEY = "eventhub-bench-secret-key"  # noqa: S105  (a throw-away bench database)
WORKER_START_SECONDS = 120
ISSUE_TIMEOUT_SECONDS = 600


def make_app(database_url: str, redis_url: str) -> Flask:
    celery = {"task_always_eager": False, "broker_url": redis_url, "result_backend": None}
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": False, "CELERY": celery})


def start_workers(
    count: int, database_url: str, redis_url: str, instance: Path
) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": SECRET_KEY,
        "EVENTHUB_INSTANCE_PATH": str(instance),
        # Service mode needs the public address for the links in the pass mails.
        "EVENTHUB_BASE_URL": "http://127.0.0.1:5000",
    }
    workers = []
    for i in range(count):
        command = [sys.executable, "-m", "celery", "-A", "workers", "worker", "-Q", "passes"]
        command += ["--concurrency=1", "-n", f"bench{i}@%h", "--loglevel=WARNING"]
        command += ["--without-gossip", "--without-mingle"]
        log = (instance / f"worker{i}.log").open("wb")
        workers.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        )
    return workers


def wait_for_workers(workers: list[subprocess.Popen[bytes]], redis_url: str) -> None:
    probe = Celery(broker=redis_url)
    deadline = time.monotonic() + WORKER_START_SECONDS
    try:
        while time.monotonic() < deadline:
            if any(worker.poll() is not None for worker in workers):
                raise RuntimeError("a worker exited while starting; see its log")
            if len(probe.control.ping(timeout=1.0)) == len(workers):
                return
        raise RuntimeError(f"the workers did not all answer within {WORKER_START_SECONDS} s")
    finally:
        probe.close()


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGTERM)  # warm shutdown: the running task finishes
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()


def issued_count(app: Flask, edition_id: int) -> int:
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Pass)
            .where(Pass.edition_id == edition_id, Pass.state == PassState.ISSUED)
        )
        db.session.rollback()
        return int(count or 0)


def issue_all(app: Flask, edition_id: int, pass_ids: list[int]) -> float:
    """Queue every pass as bulk issuing does; seconds until the last one is issued."""
    start = time.monotonic()
    with app.app_context():
        issuing.queue_issue_all(pass_ids)
        db.session.commit()
    while issued_count(app, edition_id) < len(pass_ids):
        if time.monotonic() - start > ISSUE_TIMEOUT_SECONDS:
            raise RuntimeError(f"passes still pending after {ISSUE_TIMEOUT_SECONDS} s")
        time.sleep(0.05)
    return time.monotonic() - start


def issued_exactly_once(app: Flask, edition_id: int, pass_ids: list[int]) -> bool:
    """Every pass issued at serial 1 (never re-issued), each with exactly one mail."""
    with app.app_context():
        passes = db.session.execute(
            sa.select(Pass.state, Pass.serial).where(Pass.edition_id == edition_id)
        ).all()
        keys = [f"pass:{pass_id}:1:issued" for pass_id in pass_ids]
        mails = db.session.scalars(
            sa.select(OutgoingMail.dedupe_key).where(OutgoingMail.dedupe_key.like("pass:%"))
        ).all()
    wanted = set(keys)
    mailed = [key for key in mails if key in wanted]
    return (
        len(passes) == len(pass_ids)
        and all(state == PassState.ISSUED and serial == 1 for state, serial in passes)
        and sorted(mailed) == sorted(keys)
    )


def main(argv: list[str]) -> int:
    n_passes = int(argv[1]) if len(argv) > 1 else 1000
    n_rounds = int(argv[2]) if len(argv) > 2 else 2
    server = pg_server()
    database = os.environ.get("EVENTHUB_BENCH_SCALEOUT_DATABASE", "eventhub_bench_scaleout")
    redis_url = os.environ.get("EVENTHUB_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    broker = redis.Redis.from_url(redis_url)
    broker.flushdb()
    database_url = fresh_database(server, database)
    os.environ["SECRET_KEY"] = SECRET_KEY
    seconds = {1: 0.0, 2: 0.0}
    ok_once = True
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        os.environ["EVENTHUB_INSTANCE_PATH"] = str(instance)
        app = make_app(database_url, redis_url)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"), revision="heads")
        for round_no in range(1, n_rounds + 1):
            for count in (1, 2):
                edition_id, pass_ids = setup(app, n_passes)
                workers = start_workers(count, database_url, redis_url, instance)
                try:
                    wait_for_workers(workers, redis_url)
                    took = issue_all(app, edition_id, pass_ids)
                finally:
                    stop_workers(workers)
                once = issued_exactly_once(app, edition_id, pass_ids)
                ok_once = ok_once and once
                seconds[count] += took
                print(
                    f"  round {round_no}, {count} worker(s): {n_passes / took:7.1f} passes/s"
                    f" ({took:.2f} s); each issued once: {'ok' if once else 'FAIL'}"
                )
        with app.app_context():
            db.engine.dispose()
    broker.flushdb()
    broker.close()
    drop_database(server, database)
    one = n_rounds * n_passes / seconds[1]
    two = n_rounds * n_passes / seconds[2]
    ratio = two / one
    ok = ratio >= TARGET_RATIO
    print(f"  1 worker process:  {one:7.1f} passes/s")
    print(f"  2 worker processes: {two:6.1f} passes/s")
    print(f"  ratio 2/1 = {ratio:.2f} (target >= {TARGET_RATIO}): {'ok' if ok else 'MISS'}")
    print(f"  every pass issued exactly once: {'ok' if ok_once else 'FAIL'}")
    print(f"  load average {os.getloadavg()[0]:.2f} at the end")
    return 0 if ok and ok_once else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
