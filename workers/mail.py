"""Mail tasks: deliver one recorded mail, and re-drive what got stuck. The logic lives in
eventhub.notifications.service; these only give it a retry policy and a schedule."""

from __future__ import annotations

from celery import Task, shared_task

from eventhub.notifications import service
from eventhub.notifications.service import RetryableMailError


@shared_task(name=service.DELIVER_TASK, bind=True, max_retries=service.MAX_ATTEMPTS, acks_late=True)
def deliver(self: Task, mail_id: int) -> bool:
    try:
        return service.deliver(mail_id)
    except RetryableMailError as exc:
        if self.request.is_eager:
            # Eager mode retries at once, inside the request that queued the mail, hammering a
            # server that just refused. The mail is pending with its back-off: beat re-drives it.
            return False
        # 30 s, 1 min, 2 min … capped at 10 min (SMTP_RETRY_SECONDS): past greylisting delays.
        delay = service.backoff(self.request.retries + 1).total_seconds()
        raise self.retry(exc=exc, countdown=delay) from exc


@shared_task(name=service.REDRIVE_TASK)
def redrive() -> list[int]:
    return service.redrive_pending()


@shared_task(name=service.DELIVER_MANY_TASK, acks_late=True)
def deliver_many(mail_ids: list[int]) -> list[int]:
    # No retry here: a mail that fails waits with its own back-off, and beat re-drives it.
    return service.deliver_many(mail_ids)
