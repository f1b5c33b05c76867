"""Booking hands-on slots (体験) and business meetings (商談): never more seats than there are.

Attendees have no account: they act with their pass's private link (pass id + key, the link
in their pass mail), the one credential every registered visitor already holds. Booking locks
the session row, so simultaneous bookings of one session count and insert one at a time.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from eventhub.accounts import service as accounts
from eventhub.accounts.auth import is_organiser
from eventhub.accounts.models import User
from eventhub.bookings.models import Booking, BookingStatus
from eventhub.db import utcnow
from eventhub.errors import DomainError, field_error, forbidden, not_found
from eventhub.events import service as events
from eventhub.events.models import EditionStatus, SessionKind, SessionStatus, TimetableSession
from eventhub.extensions import db
from eventhub.locking import lock_rows
from eventhub.passes import service as passes
from eventhub.passes.models import PassState, Registration

BOOKABLE_KINDS = frozenset({SessionKind.HANDS_ON, SessionKind.BUSINESS_MEETING})
#: Editions whose sessions take bookings: published, not yet held, not cancelled.
BOOKING_OPEN = frozenset({EditionStatus.OPEN, EditionStatus.CLOSED})


def _conflict(code: str, **extra: Any) -> DomainError:
    return DomainError(code, **extra)


# Who acts ------------------------------------------------------------------------------------


def attendee(pass_id: int, key: str | None) -> Registration:
    """The registration behind a pass's private link; 404 for a wrong key, as for the pass."""
    if key is None:
        raise DomainError("unauthenticated", "pass_key_missing")
    pass_ = passes.pass_for(pass_id, None, key)
    if pass_.registration is None:
        raise _conflict("not_an_attendee")
    if pass_.state == PassState.REVOKED:
        raise _conflict("pass_revoked")
    return pass_.registration


def check_session_staff(user: User, session: TimetableSession) -> None:
    """Organisers, and members of the exhibiting organisation, manage a session's bookings."""
    if is_organiser(user):
        return
    if not accounts.is_member_of(user, session.organisation_id):
        raise forbidden("bookings_forbidden")


# Booking -------------------------------------------------------------------------------------


def taken_seats(session_id: int) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Booking.seats), 0)).where(
                Booking.session_id == session_id, Booking.status == BookingStatus.BOOKED
            )
        )
        or 0
    )


# Events checks that a session keeps enough seats for its bookings without knowing bookings.
events.SEATS_TAKEN.append(taken_seats)


def availability(session: TimetableSession) -> dict[str, Any]:
    return availabilities([session])[session.id]


def availabilities(sessions: list[TimetableSession]) -> dict[int, dict[str, Any]]:
    """``availability`` of many sessions of one edition, the seats counted in one query (a
    timetable page lists them all)."""
    ids = [s.id for s in sessions]
    taken: dict[int, int] = {}
    if ids:
        rows = db.session.execute(
            sa.select(Booking.session_id, sa.func.sum(Booking.seats))
            .where(Booking.session_id.in_(ids), Booking.status == BookingStatus.BOOKED)
            .group_by(Booking.session_id)
        ).all()
        taken = {session_id: int(seats or 0) for session_id, seats in rows}
    out = {}
    for session in sessions:
        booked = taken.get(session.id, 0)
        available = None if session.seats is None else max(session.seats - booked, 0)
        out[session.id] = {
            "session_id": session.id,
            "bookable": _refusal(session) is None,
            "seats": session.seats,
            "booked": booked,
            "available": available,
        }
    return out


def _refusal(session: TimetableSession) -> DomainError | None:
    """Why this session takes no booking now, or None when it does."""
    if session.kind not in BOOKABLE_KINDS:
        return _conflict("not_bookable")
    if session.status == SessionStatus.CANCELLED:
        return _conflict("session_cancelled")
    if session.edition.status not in BOOKING_OPEN:
        return _conflict("booking_closed")
    if session.starts_at <= utcnow():
        return _conflict("session_started")
    return None


def book(registration: Registration, data: dict[str, Any]) -> Booking:
    session = db.session.get(TimetableSession, data["session_id"])
    if session is None or session.edition_id != registration.edition_id:
        raise field_error("session_id", "unknown_session")
    refusal = _refusal(session)
    if refusal is not None:
        raise refusal
    seats = data["seats"]
    # Counting and inserting happen under the session's lock: simultaneous bookings of one
    # session take turns here, so none can take a seat another has just counted as free.
    lock_rows(TimetableSession, [session.id])
    # And the attendee's, so that two of their bookings at once cannot overlap unseen.
    lock_rows(Registration, [registration.id])
    mine = db.session.scalars(
        sa.select(Booking)
        .join(TimetableSession, TimetableSession.id == Booking.session_id)
        .where(
            Booking.registration_id == registration.id,
            Booking.status == BookingStatus.BOOKED,
            TimetableSession.starts_at < session.ends_at,
            TimetableSession.ends_at > session.starts_at,
        )
    ).all()
    for other in sorted(mine, key=lambda b: b.session_id != session.id):
        if other.session_id == session.id:
            raise _conflict("already_booked", booking_id=other.id)
        raise _conflict("overlapping_booking", booking_id=other.id)
    if session.seats is not None:
        available = session.seats - taken_seats(session.id)
        if seats > available:
            raise _conflict("fully_booked", available=max(available, 0))
    booking = Booking(
        edition_id=session.edition_id,
        session_id=session.id,
        registration_id=registration.id,
        seats=seats,
        status=BookingStatus.BOOKED,
    )
    db.session.add(booking)
    db.session.flush()
    return booking


def cancel(booking: Booking, *, by_staff: bool = False) -> Booking:
    """Cancel and free the seats; cancelling a cancelled booking changes nothing."""
    lock_rows(Booking, [booking.id])
    db.session.refresh(booking)
    if booking.status == BookingStatus.CANCELLED:
        return booking
    if not by_staff and booking.session.starts_at <= utcnow():
        raise DomainError("session_started", "cancel_after_start")
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = utcnow()
    return booking


def set_attended(booking: Booking, attended: bool) -> Booking:
    """Record that the slot or meeting took place with this attendee (a 商談 held)."""
    if booking.status != BookingStatus.BOOKED:
        raise _conflict("booking_cancelled")
    if attended and booking.session.starts_at > utcnow():
        raise _conflict("session_not_started")
    if attended and booking.attended_at is None:
        booking.attended_at = utcnow()
    elif not attended:
        booking.attended_at = None
    return booking


# Reading -------------------------------------------------------------------------------------


def own_booking(registration: Registration, booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.registration_id != registration.id:
        raise not_found("booking")
    return booking


def staff_booking(user: User, booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        raise not_found("booking")
    check_session_staff(user, booking.session)
    return booking


def registration_bookings(registration: Registration) -> list[Booking]:
    return list(
        db.session.scalars(
            sa.select(Booking)
            .where(Booking.registration_id == registration.id)
            .order_by(Booking.created_at, Booking.id)
        )
    )


def session_bookings_query(session: TimetableSession, args: dict[str, Any]) -> sa.Select[Any]:
    query = (
        sa.select(Booking)
        .where(Booking.session_id == session.id)
        .order_by(Booking.created_at, Booking.id)
    )
    if "status" in args:
        query = query.where(Booking.status == args["status"])
    return query
