"""Heartbeat task: a cheap round trip through the broker into the database."""

from __future__ import annotations

from celery import shared_task

from eventhub.health import service


@shared_task(name=service.BEAT_TASK)
def beat(beat_id: int) -> bool:
    return service.complete_heartbeat(beat_id)


@shared_task(name="eventhub.health.beat_periodic")
def beat_periodic() -> int:
    """Record and complete a heartbeat from beat, so /api/v1/health shows the workers live."""
    beat = service.request_heartbeat()
    return beat.id
