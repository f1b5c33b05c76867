"""The Celery app, bound to the Flask app: ``celery -A workers worker`` / ``beat``.

Task modules are thin: they re-load rows by id and call the domain's service functions.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

from eventhub import logs
from eventhub.startup import serve_app_or_exit

# A bad setting, or signing keys no configured secret reads, ends `celery -A workers …` with
# one line naming it (eventhub.startup).
flask_app = serve_app_or_exit()
celery_app: Celery = flask_app.extensions["celery"]


@after_setup_logger.connect
@after_setup_task_logger.connect
def _log_format(logger: logging.Logger, **kwargs: Any) -> None:
    """Celery's log lines as EVENTHUB_LOG_FORMAT says, each with the id of its task."""
    formatter = logs.formatter(flask_app.config["EVENTHUB_LOG_FORMAT"], logs.WORKER_TEXT_FORMAT)
    for handler in logger.handlers:
        handler.setFormatter(formatter)


celery_app.conf.beat_schedule = {
    # A heartbeat a minute shows in /api/v1/health that the workers are alive.
    "heartbeat": {"task": "eventhub.health.beat_periodic", "schedule": 60.0},
    # Offers from the waitlist expire on time, and their places move on.
    "expire-waitlist-offers": {"task": "eventhub.applications.expire_offers", "schedule": 60.0},
    # Failed-login streaks older than an hour (and their locks) are deleted.
    "forget-login-failures": {
        "task": "eventhub.accounts.forget_login_failures",
        "schedule": 3600.0,
    },
    # Account links (verification, reset, email change) 30 days past their expiry go.
    "purge-account-links": {"task": "eventhub.accounts.purge_links", "schedule": 86400.0},
    # Mails whose task was lost, or whose worker died mid-send, are queued again.
    "redrive-mail": {"task": "eventhub.mail.redrive", "schedule": 60.0},
    # Passes left pending by a lost task or a dead worker are queued again.
    "reissue-stale-passes": {"task": "eventhub.passes.reissue_stale", "schedule": 60.0},
    # Closing time lets everyone out; running late or twice changes nothing more.
    "passes-auto-exit": {"task": "eventhub.passes.auto_exit_at_close", "schedule": 600.0},
    # Stale calendar feeds whose rebuild was never queued or got lost are queued again.
    "redrive-calendar-feeds": {"task": "eventhub.calendars.redrive_stale", "schedule": 60.0},
    # Report builds whose task was lost, or whose worker died mid-build, are queued again.
    "redrive-report-builds": {"task": "eventhub.reports.redrive", "schedule": 60.0},
    # Tallies of editions under way follow the scans; ended editions get a final full count,
    # and full recomputes asked for but lost are queued again.
    "tallies-due": {"task": "eventhub.tallies.due", "schedule": 30.0},
    # Attendees' personal data goes once EVENTHUB_ATTENDEE_RETENTION_DAYS have passed since
    # their edition ended (nothing when unset); 500 a run, so a backlog takes a few hours.
    "purge-attendee-data": {"task": "eventhub.privacy.purge_expired", "schedule": 3600.0},
}
