"""Account housekeeping: failed-login streaks that no longer count, and account links long
expired, are deleted."""

from __future__ import annotations

from celery import shared_task

from eventhub.accounts import links, service


@shared_task(name=service.FORGET_LOGIN_FAILURES_TASK)
def forget_login_failures() -> int:
    return service.forget_login_failures()


@shared_task(name=links.PURGE_TASK)
def purge_links() -> int:
    return links.purge_links()
