"""Calendar tasks: rebuild one feed once its burst of changes is over, and re-drive stale
feeds whose rebuild was lost. The logic lives in eventhub.calendars.service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from eventhub import logs
from eventhub.calendars import service


@shared_task(bind=True, name=service.REBUILD_TASK, acks_late=True)
def rebuild_feed(self: Any, feed_id: int) -> float | None:
    """Build the feed, or come back when the changes have settled (the debounce)."""
    wait = service.rebuild_when_due(feed_id)
    if wait is not None:
        self.apply_async((feed_id,), countdown=wait, headers=logs.task_headers())
    return wait


@shared_task(name=service.REDRIVE_TASK)
def redrive_stale() -> list[int]:
    return service.redrive_stale()
