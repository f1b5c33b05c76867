"""Account housekeeping: failed-login streaks that no longer count are deleted."""

from __future__ import annotations

from celery import shared_task

from eventhub.accounts import service


@shared_task(name=service.FORGET_LOGIN_FAILURES_TASK)
def forget_login_failures() -> int:
    return service.forget_login_failures()
