"""Queued tasks follow the transaction they were queued in, savepoints included."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from eventhub import tasks
from eventhub.extensions import db
from eventhub.health.models import WorkerHeartbeat


@pytest.fixture
def sent(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the tasks handed to the broker, in order; nothing is really sent."""
    out: list[str] = []

    def record(name: str, args: tuple[Any, ...]) -> None:
        out.append(name)

    monkeypatch.setattr(tasks, "_dispatch", record)
    return out


def _failing_savepoint(row_id: int, queue: str | None = None) -> None:
    """A savepoint that queues ``queue``, then fails on a duplicate key and is rolled back."""
    try:
        with db.session.begin_nested():
            if queue:
                tasks.enqueue(queue)
            db.session.add(WorkerHeartbeat(id=row_id))
            db.session.flush()
    except sa.exc.IntegrityError:
        return  # what the caller of a failed savepoint does: carry on with the transaction
    pytest.fail("the duplicate key was accepted")


def test_task_queued_before_a_failed_savepoint_is_sent_after_commit(
    app: Flask, sent: list[str]
) -> None:
    with app.app_context():
        db.session.add(WorkerHeartbeat(id=1))
        tasks.enqueue("outer")
        _failing_savepoint(1)
        db.session.commit()
        assert db.session.get(WorkerHeartbeat, 1) is not None
    assert sent == ["outer"]


def test_task_queued_inside_a_failed_savepoint_is_dropped(app: Flask, sent: list[str]) -> None:
    with app.app_context():
        db.session.add(WorkerHeartbeat(id=1))
        db.session.flush()
        tasks.enqueue("before")
        _failing_savepoint(1, queue="inside")
        tasks.enqueue("after")
        db.session.commit()
    assert sent == ["before", "after"]


def test_task_queued_inside_a_released_savepoint_waits_for_the_outer_commit(
    app: Flask, sent: list[str]
) -> None:
    with app.app_context():
        db.session.add(WorkerHeartbeat(id=1))
        db.session.flush()
        with db.session.begin_nested():
            tasks.enqueue("inside")
            db.session.add(WorkerHeartbeat(id=2))
        assert sent == []  # releasing a savepoint is not a commit
        _failing_savepoint(1)  # a later sibling savepoint fails: the released one stands
        db.session.commit()
    assert sent == ["inside"]


def test_full_rollback_drops_every_queued_task(app: Flask, sent: list[str]) -> None:
    with app.app_context():
        db.session.add(WorkerHeartbeat(id=1))
        db.session.flush()
        tasks.enqueue("outer")
        with db.session.begin_nested():
            tasks.enqueue("released")
            db.session.add(WorkerHeartbeat(id=2))
        db.session.rollback()
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkerHeartbeat)) == 0
    assert sent == []


def test_closing_the_session_drops_uncommitted_tasks(app: Flask, sent: list[str]) -> None:
    with app.app_context():
        tasks.enqueue("abandoned")
        db.session.close()
        db.session.add(WorkerHeartbeat(id=1))
        db.session.commit()
    assert sent == []
