"""Bulk issuing survives a killed worker and a restarted Redis (docs/architecture.md, "Outbox
and reconciler"): nothing is lost, nothing is issued twice.

The test owns its services: a private redis-server on a free port (no persistence, so a
restart loses every queued message), its own PostgreSQL database and its own worker
processes. The machine's Redis on 6379 and the session's service stack are not touched.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import make_url

from eventhub import create_app
from eventhub.accounts import service as accounts
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.notifications.models import OutgoingMail
from eventhub.passes import issuing, signing
from eventhub.passes.models import AttendeeType, Pass, PassState, Registration
from tests import services
from tests.booths.helpers import open_edition
from tests.conftest import PASSWORD, Api

pytestmark = pytest.mark.service

PASSES = 2_000
#: Kill the worker once this many are issued: well under way, far from done.
KILL_AFTER = 150
ROOT = services.ROOT
WORKER_ARGS = ["celery", "-A", "workers", "worker", "--loglevel=INFO", "--concurrency=2"]
WORKER_ARGS += ["--without-gossip", "--without-mingle"]
log = logging.getLogger(__name__)


def _fault_database() -> str:
    """Beside the service tests' database, so that parallel runs with their own names never meet."""
    base = make_url(os.environ.get("EVENTHUB_SERVICE_DATABASE_URL", services.DEFAULT_POSTGRES))
    return base.set(database=f"{base.database}_fault").render_as_string(hide_password=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    """A redis-server this test starts, kills and starts again on the same port."""

    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = workdir / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.RedisError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start:\n{self.log.read_text()}")
                time.sleep(0.05)
            finally:
                client.close()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()


def wait_for_worker(process: subprocess.Popen[bytes], log: Path, redis_url: str) -> None:
    """Like tests.services' wait, but each attempt with a fresh probe: kombu's pollers can
    keep a connection to the Redis killed a moment ago, and its error is not a verdict."""
    from celery import Celery

    deadline = time.monotonic() + services.WORKER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}:\n{log.read_text()}")
        probe = Celery(broker=redis_url)
        try:
            if probe.control.ping(timeout=0.5):
                return
        except (OSError, redis.RedisError):
            time.sleep(0.2)
        finally:
            probe.close()
    pytest.fail(f"the worker did not answer in time:\n{log.read_text()}")


class Worker:
    """``celery -A workers worker`` in its own process group, so that a SIGKILL takes its
    pool children with it, as when a machine dies."""

    def __init__(self, workdir: Path, database_url: str, redis_url: str) -> None:
        self.workdir = workdir
        self.redis_url = redis_url
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "EVENTHUB_INSTANCE_PATH": str(workdir),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": "9",  # nothing listens: pass mails are queued, never delivered
            "EVENTHUB_BASE_URL": "https://eventhub.test",
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = self.workdir / f"worker-{self.starts}.log"
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", *WORKER_ARGS],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for_worker(self.process, log, self.redis_url)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """A warm shutdown of the main process, then whatever is left of its group."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@contextlib.contextmanager
def fault_stack(workdir: Path) -> Iterator[tuple[Flask, PrivateRedis, Worker]]:
    database_url = services.fresh_postgres_database(services.per_worker_database(_fault_database()))
    migrator = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with migrator.app_context():
        services.migrate_to_head()
        db.engine.dispose()
    broker = PrivateRedis(workdir)
    worker = Worker(workdir, database_url, broker.url)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "EVENTHUB_BASE_URL": "https://eventhub.test",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": 9,
            "CELERY": {"broker_url": broker.url, "task_always_eager": False},
            "REDIS_URL": broker.url,
        }
    )
    try:
        broker.start()
        worker.start()
        yield app, broker, worker
    finally:
        worker.stop()
        broker.kill()
        with app.app_context():
            db.engine.dispose()
        services.drop_postgres_database(database_url)


def _organiser(app: Flask) -> Api:
    client = app.test_client()
    with app.app_context():
        accounts.create_organiser("fault-organiser@example.jp", PASSWORD, "障害 試験")
        db.session.commit()
    response = client.post(
        "/api/v1/auth/login", json={"email": "fault-organiser@example.jp", "password": PASSWORD}
    )
    assert response.status_code == 201, response.json
    return Api(client, response.json["token"])


def _pending_passes(app: Flask, edition_id: int, count: int) -> None:
    """``count`` registrations with their passes, pending and never queued."""
    now = utcnow()
    with app.app_context():
        db.session.execute(
            sa.insert(Registration),
            [
                {
                    "edition_id": edition_id,
                    "name": f"来場者 {i}",
                    "name_kana": "ライジョウシャ",
                    "email": f"visitor{i}@example.jp",
                    "email_key": f"visitor{i}@example.jp",
                    "attendee_type": AttendeeType.GENERAL.value,
                    "terms_accepted_at": now,
                }
                for i in range(count)
            ],
        )
        registrations = db.session.execute(
            sa.select(Registration.id, Registration.name, Registration.email).where(
                Registration.edition_id == edition_id
            )
        ).all()
        db.session.execute(
            sa.insert(Pass),
            [
                {
                    "edition_id": edition_id,
                    "kind": AttendeeType.GENERAL.value,
                    "registration_id": r.id,
                    "holder_name": r.name,
                    "holder_email": r.email,
                    "state": PassState.PENDING.value,
                    "serial": 1,
                }
                for r in registrations
            ],
        )
        db.session.commit()


def _progress(organiser: Api, edition_id: int) -> dict[str, Any]:
    response = organiser.get(f"/api/v1/editions/{edition_id}/passes/progress")
    assert response.status_code == 200, response.json
    return dict(response.json)


def _reconcile(app: Flask, now: Any) -> int:
    """Run the reconciler as of ``now`` until it finds nothing more (1,000 per call)."""
    queued = 0
    with app.app_context():
        while batch := issuing.reissue_stale(now=now):
            queued += len(batch)
    return queued


def _diagnose(app: Flask, now: Any) -> dict[str, Any]:
    with app.app_context():
        stale = db.session.execute(
            sa.select(
                sa.func.count(), sa.func.min(Pass.queued_at), sa.func.max(Pass.queued_at)
            ).where(Pass.state == PassState.PENDING)
        ).one()
        locks = db.session.execute(
            sa.text(
                "SELECT a.pid, a.state, a.application_name, a.client_port, left(a.query, 80)"
                " FROM pg_stat_activity a WHERE a.datname = current_database()"
            )
        ).all()
        db.session.rollback()
    return {"now": now, "pending": tuple(stale), "sessions": [tuple(r) for r in locks]}


def test_bulk_issuing_survives_a_killed_worker_and_a_restarted_redis(tmp_path):
    timings: dict[str, float] = {}
    started = time.monotonic()

    def mark(phase: str) -> None:
        timings[phase] = round(time.monotonic() - started, 1)

    with fault_stack(tmp_path) as (app, broker, worker):
        mark("stack up")
        organiser = _organiser(app)
        edition_id = open_edition(organiser)["id"]
        _pending_passes(app, edition_id, PASSES)
        mark("passes inserted")

        response = organiser.post(f"/api/v1/editions/{edition_id}/passes/issue-all")
        assert response.status_code == 202, response.json
        assert (response.json["created"], response.json["pending"]) == (0, PASSES)
        mark("issue-all queued")

        # Generous deadlines: the suite runs on every core (xdist), so issuing shares the CPU.
        deadline = time.monotonic() + 120
        while (issued := _progress(organiser, edition_id)["issued"]) < KILL_AFTER:
            assert time.monotonic() < deadline, f"only {issued} issued in 120 s"
            time.sleep(0.05)
        worker.kill()
        broker.kill()
        mark("worker and redis killed")
        at_kill = _progress(organiser, edition_id)
        assert 0 < at_kill["issued"] < PASSES, at_kill
        assert at_kill["pending"] == PASSES - at_kill["issued"], at_kill

        broker.start()
        assert redis.Redis.from_url(broker.url).dbsize() == 0  # every queued message is gone
        worker.start()
        mark("redis and a new worker up")
        # Nothing is queued any more: without the reconciler the rest would stay pending.
        services.wait_for_idle_worker(broker.url)
        assert _progress(organiser, edition_id)["pending"] == at_kill["pending"]

        # The reconciler, as beat would run it once the passes are stale.
        now = utcnow() + issuing.STALE_AFTER + timedelta(seconds=1)
        requeued = [_reconcile(app, now)]
        if requeued[0] != at_kill["pending"]:
            # SKIP LOCKED passes over rows a live transaction holds; the next run takes them.
            log.warning("first reconciler run short: %s", _diagnose(app, now))
        deadline = time.monotonic() + 300
        progress = _progress(organiser, edition_id)
        moved_at = time.monotonic()
        while progress["pending"]:
            assert time.monotonic() < deadline, (progress, requeued)
            time.sleep(0.25)
            before, progress = progress, _progress(organiser, edition_id)
            if progress != before:
                moved_at = time.monotonic()
            elif time.monotonic() - moved_at > 5:
                # Stalled: a message was lost again (say, the publisher's connection had died
                # with the old Redis). A later run of the reconciler picks those up too.
                now += issuing.STALE_AFTER + timedelta(seconds=1)
                requeued.append(_reconcile(app, now))
                moved_at = time.monotonic()
        mark("all issued")

        assert sum(requeued) >= at_kill["pending"], requeued
        assert progress == {"total": PASSES, "pending": 0, "issued": PASSES, "revoked": 0}
        with app.app_context():
            passes = db.session.execute(
                sa.select(Pass.id, Pass.state, Pass.serial, Pass.token, Pass.issued_at)
                .where(Pass.edition_id == edition_id)
                .order_by(Pass.id)
            ).all()
            assert len(passes) == PASSES
            assert {(p.state, p.serial) for p in passes} == {(PassState.ISSUED, 1)}
            assert all(p.token and p.issued_at for p in passes)
            assert len({p.token for p in passes}) == PASSES
            signing.forget(edition_id)
            ring = signing.keyring(edition_id)
            assert all(ring.verify(p.token).pass_id == p.id for p in passes)

            mails = db.session.execute(
                sa.select(OutgoingMail.dedupe_key, sa.func.count())
                .where(OutgoingMail.dedupe_key.like("pass:%"))
                .group_by(OutgoingMail.dedupe_key)
            ).all()
            assert dict(mails) == {f"pass:{p.id}:1:issued": 1 for p in passes}
        mark("checked")
    log.warning("killed at %s; re-queued %s; timings %s", at_kill, requeued, timings)
