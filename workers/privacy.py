"""Attendees' personal data erased once the retention period after their edition is over."""

from __future__ import annotations

from celery import shared_task

from eventhub.extensions import db
from eventhub.privacy import service


@shared_task(name=service.PURGE_TASK)
def purge_expired() -> int:
    erased = service.purge_expired()
    db.session.commit()
    return erased
