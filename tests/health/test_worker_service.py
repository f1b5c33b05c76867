"""A queued task really runs in a separate Celery worker, over Redis, against PostgreSQL."""

from __future__ import annotations

import os
import time

import pytest

pytestmark = pytest.mark.service


def test_heartbeat_is_completed_by_a_worker_process(service_organiser):
    response = service_organiser.post("/api/v1/health/heartbeats")
    assert response.status_code == 202, response.json
    beat_id = response.json["id"]

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        beat = service_organiser.get(f"/api/v1/health/heartbeats/{beat_id}").json
        if beat["completed_at"]:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"heartbeat {beat_id} was not completed by the worker")

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
        beat = WorkerHeartbeat()
        db.session.add(beat)
        db.session.flush()
        beat_id = beat.id
        enqueue("eventhub.health.beat", beat_id)
        db.session.rollback()
        # A later commit in the same session must not send the dropped task.
        db.session.add(WorkerHeartbeat())
        db.session.commit()
        time.sleep(1.5)
        assert db.session.get(WorkerHeartbeat, beat_id) is None
