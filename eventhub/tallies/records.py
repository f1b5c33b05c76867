"""The facts no other table records: who took part online, and which deals were closed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from eventhub.accounts.models import User
from eventhub.applications.models import Application
from eventhub.bookings.models import Booking
from eventhub.checkin.models import Lead
from eventhub.db import conflict_insert
from eventhub.errors import DomainError, field_error, not_found
from eventhub.events.models import Edition, EditionFormat
from eventhub.extensions import db
from eventhub.passes.models import Registration
from eventhub.tallies.models import Deal, OnlineParticipation

participations = OnlineParticipation.__table__


def _days(edition: Edition) -> set[date]:
    zone = ZoneInfo(edition.timezone)
    first = edition.starts_at.astimezone(zone).date()
    last = edition.ends_at.astimezone(zone).date()
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


def record_participation(edition: Edition, data: dict[str, Any]) -> dict[str, int]:
    """Record attendee-days of online participation; repeats are ignored, never doubled."""
    if edition.format == EditionFormat.IN_PERSON:
        raise DomainError("edition_not_online")
    items = data["items"]
    wanted = {item["registration_id"] for item in items}
    known = set(
        db.session.scalars(
            sa.select(Registration.id).where(
                Registration.edition_id == edition.id, Registration.id.in_(wanted)
            )
        )
    )
    days = _days(edition)
    for i, item in enumerate(items):
        if item["registration_id"] not in known:
            raise field_error(f"items.{i}.registration_id", "unknown_registration")
        if item["day"] not in days:
            raise field_error(f"items.{i}.day", "not_an_edition_day")
    rows = [
        {
            "edition_id": edition.id,
            "registration_id": item["registration_id"],
            "day": item["day"],
            "source": data["source"],
        }
        for item in {(i["registration_id"], i["day"]): i for i in items}.values()
    ]
    insert = conflict_insert(participations, db.session)
    # ON CONFLICT DO NOTHING: the platform's export and the organiser may send the same day,
    # even at the same moment; the unique (registration, day) keeps one.
    new = db.session.scalars(
        insert.values(rows).on_conflict_do_nothing().returning(participations.c.id)
    ).all()
    total = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(participations.c.registration_id))).where(
            participations.c.edition_id == edition.id
        )
    )
    return {
        "recorded": len(new),
        "already_recorded": len(items) - len(new),
        "online_participants": int(total or 0),
    }


def record_deal(edition: Edition, data: dict[str, Any], user: User) -> Deal:
    """A deal closed from one of the edition's leads or bookings; each is counted once."""
    if data.get("lead_id") is not None:
        lead_edition = db.session.scalar(
            sa.select(Application.edition_id)
            .join(Lead, Lead.application_id == Application.id)
            .where(Lead.id == data["lead_id"])
        )
        if lead_edition != edition.id:
            raise field_error("lead_id", "unknown_lead")
    else:
        booking = db.session.get(Booking, data["booking_id"])
        if booking is None or booking.edition_id != edition.id:
            raise field_error("booking_id", "unknown_booking")
    deal = Deal(edition_id=edition.id, recorded_by_id=user.id, **data)
    db.session.add(deal)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError("deal_exists") from None
    return deal


def deals_query(edition: Edition) -> sa.Select[Deal]:
    return sa.select(Deal).where(Deal.edition_id == edition.id).order_by(Deal.id)


def delete_deal(edition: Edition, deal_id: int) -> None:
    deal = db.session.get(Deal, deal_id)
    if deal is None or deal.edition_id != edition.id:
        raise not_found("deal")
    db.session.delete(deal)
