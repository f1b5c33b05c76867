"""The one way the domain queues background work: by task name, after the transaction commits.

Each queued task belongs to the innermost transaction open when it was queued, savepoints
included: a savepoint that rolls back drops the tasks queued inside it (and inside savepoints
nested in it) and keeps those of the enclosing transaction; a released savepoint hands its tasks
to the enclosing transaction, which sends them when it commits. A rollback or close of the outer
transaction drops every pending task. (SQLAlchemy fires ``after_commit`` and ``after_rollback``
for savepoints too, so neither alone tells the outer commit.)

With no broker configured the task runs in-process right after the commit (eager mode), in its
own app context and session. If the broker cannot be reached, the commit still stands: what the task
was for is recorded in the database, and the periodic reconcilers queue it again.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from celery import Celery
from flask import current_app
from kombu.exceptions import OperationalError
from sqlalchemy.orm import Session, SessionTransaction

from eventhub import logs
from eventhub.extensions import db

log = logging.getLogger(__name__)

_PENDING = "eventhub.pending_tasks"


def enqueue(name: str, *args: Any) -> None:
    """Queue task ``name`` with JSON-serialisable ``args`` once the current transaction commits."""
    session = db.session()
    owner = session.get_nested_transaction() or session.get_transaction() or session.begin()
    session.info.setdefault(_PENDING, []).append([owner, name, args])


def _celery() -> Celery:
    celery_app: Celery = current_app.extensions["celery"]
    return celery_app


def _dispatch(name: str, args: tuple[Any, ...]) -> None:
    celery_app = _celery()
    if not celery_app.conf.task_always_eager:
        # The worker's log lines then name the request (or task) that queued this one.
        celery_app.send_task(name, args=list(args), headers=logs.task_headers())
        return
    if name not in celery_app.tasks:
        celery_app.loader.import_default_modules()
    celery_app.tasks[name].apply(args=args, throw=True)


@sa.event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    released = session.get_nested_transaction()
    if released is not None:
        # A savepoint was released: its tasks now belong to the enclosing transaction.
        for task in session.info.get(_PENDING, ()):
            if task[0] is released:
                task[0] = released.parent
        return
    pending = session.info.pop(_PENDING, None)
    for _, name, args in pending or ():
        try:
            _dispatch(name, args)
        except OperationalError:
            log.warning("broker unreachable; task left to the reconciler", extra={"task": name})
        except Exception:
            # Eager mode only: the commit stands and the reconciler retries the task later.
            log.exception("eager task failed", extra={"task": name})


@sa.event.listens_for(Session, "after_transaction_end")
def _drop_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    # Tasks still owned by a transaction that ends were not handed on by a commit or a
    # release: it rolled back or was closed (a failed flush inside a savepoint ends the
    # savepoint without an ``after_soft_rollback`` for it, so this is the one reliable hook).
    pending = session.info.get(_PENDING)
    if pending:
        pending[:] = [task for task in pending if task[0] is not transaction]
