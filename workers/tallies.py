"""Tally tasks: incremental and full recomputes of one edition, and the beat that queues them.
The logic lives in eventhub.tallies.service; these only name it and give it a schedule."""

from __future__ import annotations

from celery import shared_task

from eventhub.tallies import service


@shared_task(name=service.INCREMENTAL_TASK, acks_late=True)
def incremental(edition_id: int) -> int:
    """Count the scans received since the last run; returns the new watermark."""
    return service.recompute_incremental(edition_id).high


@shared_task(name=service.FULL_TASK, acks_late=True)
def full(edition_id: int) -> int:
    """Count every scan afresh; returns the new watermark."""
    return service.recompute_full(edition_id).high


@shared_task(name="eventhub.tallies.due")
def due() -> dict[str, list[int]]:
    return service.due()
