"""The one way the domain queues background work: by task name, after the transaction commits.

A task queued inside a transaction that rolls back is dropped with it. With no broker
configured the task runs in-process right after the commit (eager mode), in its own app
context and session. If the broker cannot be reached, the commit still stands: what the task
was for is recorded in the database, and the periodic reconcilers queue it again.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from celery import Celery
from flask import current_app
from kombu.exceptions import OperationalError
from sqlalchemy.orm import Session

from eventhub.extensions import db

log = logging.getLogger(__name__)

_PENDING = "eventhub.pending_tasks"


def enqueue(name: str, *args: Any) -> None:
    """Queue task ``name`` with JSON-serialisable ``args`` once the current transaction commits."""
    session = db.session()
    session.info.setdefault(_PENDING, []).append((name, args))


def _celery() -> Celery:
    celery_app: Celery = current_app.extensions["celery"]
    return celery_app


def _dispatch(name: str, args: tuple[Any, ...]) -> None:
    celery_app = _celery()
    if not celery_app.conf.task_always_eager:
        celery_app.send_task(name, args=list(args))
        return
    if name not in celery_app.tasks:
        celery_app.loader.import_default_modules()
    celery_app.tasks[name].apply(args=args, throw=True)


@sa.event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    for name, args in pending or ():
        try:
            _dispatch(name, args)
        except OperationalError:
            log.warning("broker unreachable; task left to the reconciler", extra={"task": name})
        except Exception:
            # Eager mode only: the commit stands and the reconciler retries the task later.
            log.exception("eager task failed", extra={"task": name})


@sa.event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
