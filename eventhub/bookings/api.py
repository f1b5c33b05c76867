"""Bookings: attendees book with their pass's private link; exhibitors and organisers see
who booked and record the meetings that took place."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from eventhub.accounts.auth import current_user, login_required, optional_login, require_user
from eventhub.bookings import schemas, service
from eventhub.bookings.models import Booking
from eventhub.events import service as events
from eventhub.extensions import db
from eventhub.openapi import operation_id
from eventhub.pagination import page_of, paginate
from eventhub.passes.schemas import PASS_KEY_SECURITY, KeyArgs

blp = Blueprint("bookings", __name__, url_prefix="/api/v1", description="Bookings")


# The attendee, with the pass's private key ----------------------------------------------------


@blp.post("/passes/<int:pass_id>/bookings")
@operation_id("create_booking")
@blp.doc(security=PASS_KEY_SECURITY)
@optional_login
@blp.arguments(KeyArgs, location="query")
@blp.arguments(schemas.BookingInSchema)
@blp.response(201, schemas.BookingSchema)
def book(args: dict[str, Any], data: dict[str, Any], pass_id: int) -> Booking:
    """Book a hands-on slot (体験) or a business meeting (商談) for the pass's holder."""
    booking = service.book(service.attendee(pass_id, args.get("key")), data)
    db.session.commit()
    return booking


@blp.get("/passes/<int:pass_id>/bookings")
@operation_id("list_pass_bookings")
@blp.doc(security=PASS_KEY_SECURITY)
@optional_login
@blp.arguments(KeyArgs, location="query")
@blp.response(200, schemas.BookingSchema(many=True))
def my_bookings(args: dict[str, Any], pass_id: int) -> list[Booking]:
    """The holder's bookings, cancelled ones included, oldest first."""
    return service.registration_bookings(service.attendee(pass_id, args.get("key")))


@blp.post("/passes/<int:pass_id>/bookings/<int:booking_id>/cancel")
@operation_id("cancel_pass_booking")
@blp.doc(security=PASS_KEY_SECURITY)
@optional_login
@blp.arguments(KeyArgs, location="query")
@blp.response(200, schemas.BookingSchema)
def cancel_mine(args: dict[str, Any], pass_id: int, booking_id: int) -> Booking:
    """Cancel before the session starts; the seats are free again at once."""
    registration = service.attendee(pass_id, args.get("key"))
    booking = service.cancel(service.own_booking(registration, booking_id))
    db.session.commit()
    return booking


# Anyone: how many seats are left -------------------------------------------------------------


@blp.get("/editions/<int:edition_id>/sessions/<int:session_id>/availability")
@operation_id("get_session_availability")
@optional_login
@blp.response(200, schemas.AvailabilitySchema)
def availability(edition_id: int, session_id: int) -> dict[str, Any]:
    """Whether a session takes bookings now, and how many seats are left."""
    edition = events.get_edition(edition_id, current_user())
    return service.availability(events.get_session(edition, session_id))


# Exhibitors and organisers -------------------------------------------------------------------


@blp.get("/editions/<int:edition_id>/sessions/<int:session_id>/bookings")
@operation_id("list_session_bookings")
@login_required()
@blp.arguments(schemas.SessionBookingListArgs, location="query")
@blp.response(200, page_of(schemas.SessionBookingSchema))
def session_bookings(args: dict[str, Any], edition_id: int, session_id: int) -> dict[str, Any]:
    """Who booked the session: for organisers and the exhibiting organisation's members."""
    user = require_user()
    session = events.get_session(events.get_edition(edition_id, user), session_id)
    service.check_session_staff(user, session)
    return paginate(service.session_bookings_query(session, args), args)


@blp.post("/bookings/<int:booking_id>/attendance")
@operation_id("record_attendance")
@login_required()
@blp.arguments(schemas.AttendanceSchema)
@blp.response(200, schemas.SessionBookingSchema)
def attendance(data: dict[str, Any], booking_id: int) -> Booking:
    """Record that the slot or business meeting took place (it counts as a 商談 held)."""
    booking = service.set_attended(
        service.staff_booking(require_user(), booking_id), data["attended"]
    )
    db.session.commit()
    return booking


@blp.post("/bookings/<int:booking_id>/cancel")
@operation_id("cancel_booking")
@login_required()
@blp.response(200, schemas.SessionBookingSchema)
def cancel_by_staff(booking_id: int) -> Booking:
    """The exhibitor or an organiser cancels a booking, also after the session started."""
    booking = service.cancel(service.staff_booking(require_user(), booking_id), by_staff=True)
    db.session.commit()
    return booking
