"""Pass tasks: issue one pass or a batch of them, and re-drive passes whose task was lost.
The logic lives in eventhub.passes.issuing; these only name it and give it a schedule."""

from __future__ import annotations

from celery import shared_task

from eventhub.checkin import figures
from eventhub.passes import issuing


@shared_task(name=issuing.ISSUE_TASK, acks_late=True)
def issue(pass_id: int) -> bool:
    return issuing.issue_pass(pass_id)


@shared_task(name=issuing.ISSUE_BATCH_TASK, acks_late=True)
def issue_batch(pass_ids: list[int]) -> list[int]:
    return issuing.issue_passes(pass_ids)


@shared_task(name=issuing.RECONCILE_TASK)
def reissue_stale() -> list[int]:
    return issuing.reissue_stale()


@shared_task(name="eventhub.passes.auto_exit_at_close")
def auto_exit_at_close() -> dict[int, int]:
    """Everyone still inside at closing time is let out, so "inside now" starts at zero."""
    return figures.auto_exit_due()
