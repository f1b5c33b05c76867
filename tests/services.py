"""PostgreSQL, Redis and a Celery worker process for the service tests.

A missing service fails the test run with the command that starts it: a service test that
skips would hide exactly the failures it exists to catch.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import psycopg
import pytest
import redis
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from eventhub.queues import QUEUES
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/eventhub_service_test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
START_REDIS = "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"
WORKER_START_SECONDS = 60
#: The worker's waits, shortened (production defaults in eventhub.config). Tests wait for the
#: worker's result, never for these intervals, so shorter ones only make them finish sooner.
FAST_WAITS: dict[str, float] = {
    # A refused mail is retried after 1 s, not 30 s.
    "SMTP_RETRY_SECONDS": 1,
    # Scans are tallied once 0.5 s old, not 10 s.
    "TALLY_SETTLE_SECONDS": 0.5,
    # Still far longer than the gaps between a test's API calls, so a burst stays one rebuild.
    "CALENDAR_DEBOUNCE_SECONDS": 1.0,
}


def xdist_index() -> int:
    """0 for a plain run or the first pytest-xdist worker, n for worker ``gw<n>``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw") or 0)


def per_worker_database(url: str) -> str:
    """The database named in ``url``, with a suffix per pytest-xdist worker so they never meet."""
    index = xdist_index()
    if not index:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{index}").render_as_string(hide_password=False)


def per_worker_redis(url: str) -> str:
    """The Redis database in ``url`` shifted per xdist worker: each worker's Celery has its own.

    Two apart, because the mail tests run a sibling stack on the database just below.
    """
    parsed = make_url(url.replace("redis://", "postgresql://", 1))
    base = int(parsed.database or 0)
    shifted = parsed.set(database=str((base - 2 * xdist_index()) % 16))
    return shifted.render_as_string(hide_password=False).replace("postgresql://", "redis://", 1)


@dataclass(frozen=True)
class Stack:
    database_url: str
    redis_url: str
    instance: Path


def migrate_to_head() -> None:
    # "heads": branches being built side by side migrate together before their merge revision.
    upgrade(directory=str(ROOT / "migrations"), revision="heads")


def _admin_url(url: str) -> tuple[str, str]:
    """(the server's maintenance database, to connect to; the name of the database in url)."""
    parsed = make_url(url).set(drivername="postgresql+psycopg")
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    return admin.replace("postgresql+psycopg://", "postgresql://"), str(parsed.database)


def drop_postgres_database(url: str) -> None:
    """Drop a database the tests made, once they are done with it (at the session's end)."""
    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_postgres_database(url: str) -> str:
    """Drop and create the database named in ``url``; fail clearly if the server is down."""
    parsed = make_url(url).set(drivername="postgresql+psycopg")
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    admin = admin.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{parsed.database}"')
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {parsed.host}:{parsed.port or 5432} ({exc}).\n"
            f"Start it with: {START_POSTGRES}",
            pytrace=False,
        )
    return parsed.render_as_string(hide_password=False)


def _check_redis(url: str) -> None:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        client.ping()
        client.flushdb()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {url} ({exc}).\nStart it with: {START_REDIS}",
                    pytrace=False)  # fmt: skip


def _wait_for_worker(process: subprocess.Popen[bytes], log: Path, redis_url: str) -> None:
    from celery import Celery

    probe = Celery(broker=redis_url)
    deadline = time.monotonic() + WORKER_START_SECONDS
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(
                    f"the Celery worker exited with {process.returncode}:\n{log.read_text()}",
                    pytrace=False,
                )
            if probe.control.ping(timeout=0.5):
                return
        pytest.fail(
            f"the Celery worker did not answer within {WORKER_START_SECONDS} s:\n{log.read_text()}",
            pytrace=False,
        )
    finally:
        probe.close()


@contextlib.contextmanager
def running_stack(workdir: Path, queues: Collection[str] = ()) -> Iterator[Stack]:
    """A fresh PostgreSQL database, an empty Redis database and a worker process on both.

    The worker consumes every queue (as ``celery -A workers worker`` does), or only ``queues``.
    """
    redis_url = per_worker_redis(os.environ.get("EVENTHUB_SERVICE_REDIS_URL", DEFAULT_REDIS))
    database_url = fresh_postgres_database(
        per_worker_database(os.environ.get("EVENTHUB_SERVICE_DATABASE_URL", DEFAULT_POSTGRES))
    )
    _check_redis(redis_url)

    from eventhub import create_app

    migrator = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with migrator.app_context():
        migrate_to_head()
        from eventhub.extensions import db

        db.engine.dispose()

    env = {
        # A mail server that refuses (unless a test names one): mails stay in the outbox.
        "SMTP_HOST": "127.0.0.1",
        "EVENTHUB_BASE_URL": "https://eventhub.test",
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EVENTHUB_INSTANCE_PATH": str(workdir),
        **{name: str(value) for name, value in FAST_WAITS.items()},
    }
    log = workdir / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "workers",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
                *(["--queues", ",".join(queues)] if queues else []),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_worker(process, log, redis_url)
        yield Stack(database_url=database_url, redis_url=redis_url, instance=workdir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        drop_postgres_database(database_url)


def _task_name(raw: bytes) -> str:
    """The task a kombu message in Redis runs; held ones are stored as [message, exchange, key]."""
    message = json.loads(raw)
    if isinstance(message, list):
        message = message[0]
    return str(message.get("headers", {}).get("task", ""))


def worker_backlog(redis_url: str, tasks: Collection[str] = ()) -> tuple[int, int]:
    """(tasks waiting in the queues, tasks a worker holds), of the named ``tasks`` or of all.

    Tasks are acknowledged after they ran (``task_acks_late``), so a worker holds each one it
    received, runs or keeps for later (a countdown) in kombu's ``unacked`` hash until it is
    done; a task that queues another does so before its own acknowledgement.
    """
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=3)
    try:
        # The synchronous client: answers, never awaitables.
        queued = [raw for queue in QUEUES for raw in cast(list[bytes], client.lrange(queue, 0, -1))]
        held = cast(list[bytes], client.hvals("unacked"))
    finally:
        client.close()
    if tasks:
        queued = [raw for raw in queued if _task_name(raw) in tasks]
        held = [raw for raw in held if _task_name(raw) in tasks]
    return len(queued), len(held)


def wait_for_idle_worker(redis_url: str, *tasks: str, timeout: float = 30.0) -> None:
    """Return once the stack's worker has run every task queued so far (of the named ``tasks``,
    or all), and those they queued in turn.

    The way to assert that something did *not* happen: after this, nothing more will. Naming
    the tasks leaves out other tests' leftovers, such as mails to an absent server that retry
    for minutes. Idle is seen twice in a row, because a message leaves the queue a moment
    before the worker records that it holds it.
    """
    seen: list[tuple[int, int]] = []

    def idle_twice() -> bool:
        seen.append(worker_backlog(redis_url, tasks))
        return seen[-2:] == [(0, 0), (0, 0)]

    wait_until(
        idle_twice,
        timeout,
        message=lambda: f"an idle worker (queued, held: {seen[-1]})",
    )
