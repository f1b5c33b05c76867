"""Booth capacity and the waitlist: freed places are offered in submission order.

The edition row is locked while places are counted and handed out, so two approvals or two
offer runs at once can never promise more booth units than the edition has.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from eventhub.applications.models import (
    HOLDS_PLACE,
    Application,
    ApplicationStatus,
    ApplicationTransition,
)
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.locking import lock_rows
from eventhub.notifications import service as notifications
from eventhub.tasks import enqueue

log = logging.getLogger(__name__)

S = ApplicationStatus
OFFER_TASK = "eventhub.applications.offer_places"
EXPIRE_TASK = "eventhub.applications.expire_offers"


def lock_edition(edition_id: int) -> None:
    """Serialise capacity decisions per edition."""
    lock_rows(Edition, [edition_id])


def held_units(edition_id: int) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Application.booth_units), 0)).where(
                Application.edition_id == edition_id, Application.status.in_(HOLDS_PLACE)
            )
        )
        or 0
    )


def free_units(edition: Edition) -> int | None:
    """Booth units still free, or None when the edition has no capacity set."""
    if edition.booth_capacity is None:
        return None
    return edition.booth_capacity - held_units(edition.id)


def edition_full(free: int | None, units: int) -> DomainError:
    return DomainError(
        "edition_full",
        free_units=free,
    )


def check_room(application: Application) -> None:
    """Before approving: lock the edition and make sure the units still fit."""
    lock_edition(application.edition_id)
    free = free_units(application.edition)
    if free is not None and (application.booth_units or 0) > free:
        raise edition_full(free, application.booth_units or 0)


def is_full_for(application: Application) -> bool:
    free = free_units(application.edition)
    return free is not None and (application.booth_units or 0) > free


def place_freed(edition_id: int) -> None:
    """A place may have come free: offer it after this transaction commits."""
    enqueue(OFFER_TASK, edition_id)


def offer_places(edition_id: int) -> list[int]:
    """Offer free units to waitlisted applications, first submitted first; idempotent."""
    lock_edition(edition_id)
    edition = db.session.get(Edition, edition_id)
    if edition is None:
        return []
    free = free_units(edition)
    if free is None or free <= 0:
        db.session.commit()
        return []
    waiting = db.session.scalars(
        sa.select(Application)
        .where(Application.edition_id == edition_id, Application.status == S.WAITLISTED)
        .order_by(Application.submitted_at, Application.id)
    ).all()
    offered: list[int] = []
    expires = utcnow() + timedelta(hours=edition.waitlist_offer_hours)
    for application in waiting:
        units = application.booth_units or 0
        if units > free:
            # Too big for what is free: it keeps its place in line for a larger opening.
            continue
        application.transitions.append(
            ApplicationTransition(
                from_status=application.status, to_status=S.OFFERED, reason="waitlist offer"
            )
        )
        application.status = S.OFFERED
        application.offer_expires_at = expires
        notifications.notify_application_decided(application)
        free -= units
        offered.append(application.id)
    db.session.commit()
    if offered:
        log.info("waitlist offers made", extra={"edition_id": edition_id, "offered": offered})
    return offered


def expire_offers() -> list[int]:
    """Offers not taken in time expire, and their places move on to the next in line."""
    expired = db.session.scalars(
        sa.select(Application).where(
            Application.status == S.OFFERED, Application.offer_expires_at <= utcnow()
        )
    ).all()
    editions = set()
    for application in expired:
        application.transitions.append(
            ApplicationTransition(
                from_status=S.OFFERED, to_status=S.OFFER_EXPIRED, reason="offer expired"
            )
        )
        application.status = S.OFFER_EXPIRED
        notifications.notify_application_decided(application)
        editions.add(application.edition_id)
    for edition_id in editions:
        place_freed(edition_id)
    db.session.commit()
    return [a.id for a in expired]


def check_offer_open(application: Application) -> None:
    if application.status != S.OFFERED:
        raise DomainError("no_offer")
    if application.offer_expires_at is not None and application.offer_expires_at <= utcnow():
        raise DomainError("offer_expired")
