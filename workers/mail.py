"""Mail tasks: deliver one recorded mail, and re-drive what got stuck. The logic lives in
eventhub.notifications.service; these only give it a retry policy and a schedule."""

from __future__ import annotations

from celery import Task, shared_task

from eventhub.notifications import service
from eventhub.notifications.service import RetryableMailError


@shared_task(
    name=service.DELIVER_TASK,
    bind=True,
    autoretry_for=(RetryableMailError,),
    # 30 s, 1 min, 2 min … capped at 10 min: about 35 minutes in all, past greylisting delays.
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=service.MAX_ATTEMPTS,
    acks_late=True,
)
def deliver(self: Task, mail_id: int) -> bool:
    try:
        return service.deliver(mail_id)
    except RetryableMailError:
        if self.request.is_eager:
            # Eager mode retries at once, inside the request that queued the mail, hammering a
            # server that just refused. The mail is pending with its back-off: beat re-drives it.
            return False
        raise


@shared_task(name=service.REDRIVE_TASK)
def redrive() -> list[int]:
    return service.redrive_pending()
