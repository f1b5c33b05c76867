"""A queued task really runs in a separate Celery worker, over Redis, against PostgreSQL."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests import services
from tests.waiting import wait_until

pytestmark = pytest.mark.service


def test_heartbeat_is_completed_by_a_worker_process(service_organiser):
    response = service_organiser.post("/api/v1/health/heartbeats")
    assert response.status_code == 202, response.json
    beat_id = response.json["id"]

    def completed() -> dict[str, Any] | None:
        beat = service_organiser.get(f"/api/v1/health/heartbeats/{beat_id}").json
        return dict(beat) if beat["completed_at"] else None

    beat = wait_until(completed, message=f"heartbeat {beat_id} to be completed by the worker")

    assert beat["worker_pid"] != os.getpid()
    health = service_organiser.get("/api/v1/health").json
    assert health == {
        "database": "ok",
        "tasks": "celery",
        "last_heartbeat": beat,
    }


def test_task_queued_in_a_rolled_back_transaction_is_never_sent(service_app):
    from eventhub.extensions import db
    from eventhub.health.models import WorkerHeartbeat
    from eventhub.tasks import enqueue

    with service_app.app_context():
        # A committed heartbeat that only the dropped task would complete, so that a task sent
        # by mistake leaves a trace.
        target = WorkerHeartbeat()
        db.session.add(target)
        db.session.commit()
        target_id = target.id
        beat = WorkerHeartbeat()
        db.session.add(beat)
        db.session.flush()
        beat_id = beat.id
        enqueue("eventhub.health.beat", target_id)
        db.session.rollback()
        # A later commit in the same session must not send the dropped task.
        db.session.add(WorkerHeartbeat())
        db.session.commit()
        # A task sent at that commit would have run by the time the worker is idle.
        services.wait_for_idle_worker(service_app.config["REDIS_URL"], "eventhub.health.beat")
        assert db.session.get(WorkerHeartbeat, beat_id) is None
        stored = db.session.get_one(WorkerHeartbeat, target_id, populate_existing=True)
        assert stored.completed_at is None
