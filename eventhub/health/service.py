"""Heartbeats prove that a queued task really runs and can write to the database."""

from __future__ import annotations

import os
import socket

import sqlalchemy as sa

from eventhub.db import rowcount, utcnow
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
