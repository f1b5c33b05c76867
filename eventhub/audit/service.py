"""Recording and listing audit events.

Areas call ``record`` from their service functions, in the same transaction as the action it
describes, so an action that rolls back leaves no entry. ``record_now`` commits the entry
itself, for the two cases with no open transaction to join: an export of personal data (it
writes nothing) and an action whose own code has committed already (manual check-in, whose
one commit is the scan path's and whose outcome is known only after it).
The acting user and client address come from the request being served, never from the
caller: this module reads ``flask.g.token`` (set by bearer and page authentication alike)
instead of importing the accounts area, which imports this one.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context, request

from eventhub.audit.actions import Action
from eventhub.audit.models import AuditEvent
from eventhub.extensions import db
from eventhub.pagination import paginate

log = logging.getLogger(__name__)

#: What an event is about: a type name and the row's id, e.g. ``("application", 42)``.
Target = tuple[str, int | None]


def _actor() -> tuple[int | None, str | None]:
    token = g.get("token") if has_request_context() else None
    if token is None:
        return None, None
    return token.user.id, token.user.email


def record(
    action: Action,
    *,
    target: Target,
    edition_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an event for ``action`` on ``target`` by the user of the current request.

    The event joins the caller's transaction: it is stored when the caller commits and
    dropped when it rolls back. ``details`` is a small JSON object of what the action changed
    (a decision from and to, the role granted, the device's name); never secrets or tokens.
    Outside a request (CLI, workers) the actor and address are empty.
    """
    actor_id, actor_email = _actor()
    event = AuditEvent(
        action=action.value,
        target_type=target[0],
        target_id=target[1],
        edition_id=edition_id,
        details=details or {},
        actor_id=actor_id,
        actor_email=actor_email,
        client_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    log.info("audit", extra={"action": action.value, "target_id": target[1]})
    return event


def record_now(
    action: Action,
    *,
    target: Target,
    edition_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """``record`` and commit at once: for an export, whose entry must stand before the file
    leaves, and for an action already committed. Never in the middle of other work: it
    commits whatever the session holds."""
    event = record(action, target=target, edition_id=edition_id, details=details)
    db.session.commit()
    return event


def events_query(filters: dict[str, Any]) -> sa.Select[Any]:
    """Events newest first, narrowed by ``edition_id``, ``action``, ``actor_id``,
    ``actor_email`` (the address the actor had then, whatever its case), ``since``
    (inclusive) and ``until`` (exclusive) when given."""
    query = sa.select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    for name in ("edition_id", "action", "actor_id"):
        if filters.get(name) is not None:
            query = query.where(getattr(AuditEvent, name) == filters[name])
    if filters.get("actor_email"):
        wanted = filters["actor_email"].strip().casefold()
        query = query.where(sa.func.lower(AuditEvent.actor_email) == wanted)
    since: datetime | None = filters.get("since")
    until: datetime | None = filters.get("until")
    if since is not None:
        query = query.where(AuditEvent.created_at >= since)
    if until is not None:
        query = query.where(AuditEvent.created_at < until)
    return query


def list_events(filters: dict[str, Any], page: dict[str, Any]) -> dict[str, Any]:
    """One page (``page``: ``page`` and ``per_page``) of ``events_query(filters)``."""
    return paginate(events_query(filters), page)
