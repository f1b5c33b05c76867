"""Is it up: the database, and a round trip through the task queue."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app, jsonify
from flask_smorest import Blueprint

from eventhub import fields
from eventhub.accounts.auth import login_required
from eventhub.accounts.models import Role
from eventhub.errors import not_found
from eventhub.extensions import db
from eventhub.health import service
from eventhub.health.models import WorkerHeartbeat
from eventhub.openapi import operation_id

blp = Blueprint("health", __name__, url_prefix="/api/v1/health", description="Health checks")


class HeartbeatSchema(ma.Schema):
    id = ma.fields.Integer()
    requested_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    worker_host = ma.fields.String(allow_none=True)
    worker_pid = ma.fields.Integer(allow_none=True)


class HealthSchema(ma.Schema):
    database = ma.fields.String(metadata={"description": "ok or unavailable"})
    tasks = ma.fields.String(metadata={"description": "eager (in-process) or celery"})
    last_heartbeat = ma.fields.Nested(HeartbeatSchema, allow_none=True)


class PingSchema(ma.Schema):
    ok = ma.fields.Boolean(metadata={"description": "always true"})


@blp.get("")
@operation_id("get_health")
@blp.response(200, HealthSchema)
def health() -> Any:
    """Anyone may ask; answers 503 when the database cannot be reached."""
    ok = service.database_ok()
    body = {
        "database": "ok" if ok else "unavailable",
        "tasks": "eager" if current_app.config["CELERY"]["task_always_eager"] else "celery",
        "last_heartbeat": service.last_heartbeat() if ok else None,
    }
    return body, (200 if ok else 503)


@blp.get("/ping")
@blp.response(200, PingSchema)
def ping() -> Any:
    """Liveness probe for the load balancer: the process answers. Anyone may ask.

    Touches no database, cache or queue (``GET /api/v1/health`` checks those), so a database
    outage does not take every server out of the pool at once. Also the bare endpoint the
    benchmarks compare the scan path with.
    """
    # A ready response skips the schema: the probe stays as cheap as Flask can answer.
    return jsonify(ok=True)


class ReadinessSchema(ma.Schema):
    database = ma.fields.String(metadata={"description": "ok"})
    redis = ma.fields.String(metadata={"description": "ok, or not used (tasks run in-process)"})


@blp.get("/ready")
@operation_id("get_readiness")
@blp.response(200, ReadinessSchema)
@blp.alt_response(503, description="not_ready: the problem's ``failed`` names what is down")
def ready() -> Any:
    """Readiness probe: this process can serve, because the database and Redis answer.

    Anyone may ask. Unlike the liveness probe (``/ping``), a failing answer means "send no
    traffic here for now", not "restart me": 503 problem+json ``not_ready`` whose ``failed``
    lists ``database`` and/or ``redis``.
    """
    return service.readiness()


@blp.post("/heartbeats")
@login_required(Role.ORGANISER)
@blp.response(202, HeartbeatSchema)
def request_heartbeat() -> WorkerHeartbeat:
    """Queue a task that a worker completes; poll the heartbeat to see it done."""
    return service.request_heartbeat()


@blp.get("/heartbeats/<int:beat_id>")
@login_required(Role.ORGANISER)
@blp.response(200, HeartbeatSchema)
def get_heartbeat(beat_id: int) -> WorkerHeartbeat:
    """One heartbeat: whether a worker has completed it yet (organisers)."""
    beat = db.session.get(WorkerHeartbeat, beat_id)
    if beat is None:
        raise not_found("heartbeat")
    return beat
