"""The figures of an edition's organiser dashboard, each one aggregate query.

Applications are counted through ``service.query``, so a reviewer's dashboard counts what the
same reviewer's list shows (never another organisation's drafts).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from eventhub.accounts.models import User
from eventhub.applications import service, waitlist
from eventhub.applications.models import Application, ApplicationStatus
from eventhub.checkin import figures
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.passes.models import Registration

S = ApplicationStatus
#: Statuses in the order the dashboard shows them.
STATUS_ORDER = [
    S.SUBMITTED,
    S.UNDER_REVIEW,
    S.APPROVED,
    S.WAITLISTED,
    S.OFFERED,
    S.REJECTED,
    S.WITHDRAWN,
    S.OFFER_EXPIRED,
    S.DRAFT,
]


def _visible(user: User, edition_id: int) -> sa.Subquery:
    return service.query(user, {"edition_id": edition_id, "sort": "submitted_at"}).subquery()


def by_status(user: User, edition: Edition) -> list[tuple[str, int]]:
    """(status, applications) in the dashboard's order, statuses with none left out."""
    visible = _visible(user, edition.id)
    rows = db.session.execute(
        sa.select(visible.c.status, sa.func.count()).group_by(visible.c.status)
    )
    counts = {status: count for status, count in rows}
    return [(status, counts[status]) for status in STATUS_ORDER if counts.get(status)]


def submitted_counts(user: User, edition_ids: Sequence[int]) -> dict[int, int]:
    """Submitted applications per edition, for the list of editions (one query)."""
    if not edition_ids:
        return {}
    visible = service.query(user, {"sort": "submitted_at"}).subquery()
    rows = db.session.execute(
        sa.select(visible.c.edition_id, sa.func.count())
        .where(visible.c.edition_id.in_(edition_ids), visible.c.submitted_at.is_not(None))
        .group_by(visible.c.edition_id)
    )
    return {edition_id: count for edition_id, count in rows}


def booth_units(edition: Edition) -> dict[str, int | None]:
    """Booth units (小間): the capacity, those held by approved and offered applications, and
    those free (None where the edition has no capacity set)."""
    held = waitlist.held_units(edition.id)
    free = None if edition.booth_capacity is None else edition.booth_capacity - held
    return {"capacity": edition.booth_capacity, "held": held, "free": free}


def waitlist_of(user: User, edition: Edition, limit: int = 10) -> dict[str, Any]:
    """The waitlist in the order places are offered (submission order), and its length."""
    query = service.query(
        user, {"edition_id": edition.id, "status": S.WAITLISTED, "sort": "submitted_at"}
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    first = db.session.scalars(query.limit(limit)).all()
    return {"total": total or 0, "first": first}


def offered_count(edition: Edition) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count()).where(
                Application.edition_id == edition.id, Application.status == S.OFFERED
            )
        )
        or 0
    )


def registrations(edition: Edition) -> dict[str, Any]:
    """Pre-registrations (来場事前登録) by attendee type, and their total."""
    rows = db.session.execute(
        sa.select(Registration.attendee_type, sa.func.count())
        .where(Registration.edition_id == edition.id)
        .group_by(Registration.attendee_type)
        .order_by(Registration.attendee_type)
    )
    by_type = [(kind, count) for kind, count in rows]
    return {"by_type": by_type, "total": sum(n for _, n in by_type)}


def live_figures(edition: Edition) -> dict[str, Any]:
    """The gate's figures of today (eventhub.checkin.figures), as the API gives them."""
    return figures.figures(edition)
