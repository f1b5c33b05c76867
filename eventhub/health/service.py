"""Heartbeats prove that a queued task really runs and can write to the database."""

from __future__ import annotations

import os
import socket

import redis
import sqlalchemy as sa
from flask import current_app

from eventhub.db import rowcount, utcnow
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.health.models import WorkerHeartbeat
from eventhub.tasks import enqueue

BEAT_TASK = "eventhub.health.beat"


def request_heartbeat() -> WorkerHeartbeat:
    beat = WorkerHeartbeat()
    db.session.add(beat)
    db.session.flush()
    enqueue(BEAT_TASK, beat.id)
    db.session.commit()
    return beat


def complete_heartbeat(beat_id: int) -> bool:
    """Mark a heartbeat done by this process; running it twice leaves the first answer."""
    result = db.session.execute(
        sa.update(WorkerHeartbeat)
        .where(WorkerHeartbeat.id == beat_id, WorkerHeartbeat.completed_at.is_(None))
        .values(completed_at=utcnow(), worker_host=socket.gethostname(), worker_pid=os.getpid())
    )
    db.session.commit()
    return bool(rowcount(result))


def database_ok() -> bool:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError:
        db.session.rollback()
        return False
    return True


def last_heartbeat() -> WorkerHeartbeat | None:
    return db.session.scalars(
        sa.select(WorkerHeartbeat)
        .where(WorkerHeartbeat.completed_at.is_not(None))
        .order_by(WorkerHeartbeat.completed_at.desc())
        .limit(1)
    ).first()


#: How long readiness waits for Redis: a probe must answer before the balancer gives up on it.
REDIS_TIMEOUT_SECONDS = 1.0


def redis_ok() -> bool | None:
    """Whether Redis (broker and rate-limit store) answers a PING; None when none is set."""
    url = current_app.config["REDIS_URL"]
    if not url:
        return None
    client = redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except redis.RedisError:
        return False
    finally:
        client.close()
    return True


def readiness() -> dict[str, str]:
    """What this process needs to serve requests: the database and, when set, Redis.

    Raises ``not_ready`` (503) naming each one that does not answer.
    """
    checks = {"database": database_ok(), "redis": redis_ok()}
    failed = [name for name, ok in checks.items() if ok is False]
    if failed:
        raise DomainError("not_ready", params={"failed": ", ".join(failed)}, failed=failed)
    return {name: "ok" if ok else "not used" for name, ok in checks.items()}
