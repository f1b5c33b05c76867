"""Report tasks: build one report, and re-drive builds whose task or worker was lost. The logic
lives in eventhub.reports.service; these only name it."""

from __future__ import annotations

from celery import shared_task

from eventhub.reports import service


@shared_task(name=service.BUILD_TASK, acks_late=True)
def build(build_id: int) -> bool:
    return service.run_build(build_id)


@shared_task(name=service.REDRIVE_TASK)
def redrive() -> list[int]:
    return service.redrive_stale()
