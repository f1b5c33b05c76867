"""Booking pages: the pass holder books and cancels hands-on slots (体験) and business
meetings (商談), with the seats left shown. The holder acts with the pass's private key, as on
the API, and every rule (capacity, double booking, cancelling before the start) is the
bookings service's."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext

from eventhub.bookings import schemas, service
from eventhub.bookings.models import BookingStatus
from eventhub.errors import DomainError
from eventhub.events import service as events
from eventhub.events.models import TimetableSession
from eventhub.events.public_pages import SESSION_KINDS, session_ics_url
from eventhub.extensions import db
from eventhub.passes.models import Registration
from eventhub.passes.pages import pass_key
from eventhub.web.formatting import bilingual
from eventhub.web.forms import Form, error_text

bp = Blueprint("booking_pages", __name__)


def _holder(pass_id: int) -> Registration:
    return service.attendee(pass_id, pass_key())


def _bookable(registration: Registration) -> list[TimetableSession]:
    edition = events.get_edition(registration.edition_id, None)
    sessions = db.session.scalars(events.sessions_query(edition, {})).all()
    return [s for s in sessions if s.kind in service.BOOKABLE_KINDS]


def _render(pass_id: int, registration: Registration, form: Form, chosen: int | None) -> Any:
    sessions = _bookable(registration)
    mine = service.registration_bookings(registration)
    html = render_template(
        "bookings/index.html",
        pass_id=pass_id,
        key=pass_key(),
        edition=events.get_edition(registration.edition_id, None),
        sessions=sessions,
        seats=service.availabilities(sessions),
        booked={b.session_id for b in mine if b.status == BookingStatus.BOOKED},
        mine=mine,
        kinds=SESSION_KINDS,
        form=form,
        chosen=chosen,
        max_seats=schemas.MAX_SEATS_PER_BOOKING,
        session_ics_url=session_ics_url,
    )
    return html, 200 if form.ok else 422, {"Cache-Control": "private, no-store"}


def _back(pass_id: int) -> Any:
    return redirect(url_for("booking_pages.index", pass_id=pass_id, key=pass_key()))


@bp.route("/passes/<int:pass_id>/bookings", methods=["GET", "POST"])
def index(pass_id: int) -> Any:
    """The edition's bookable sessions with seats left, the holder's bookings, and booking."""
    registration = _holder(pass_id)
    form = Form(schemas.BookingInSchema())
    chosen = None
    if form.submitted:
        if form.validate():
            try:
                booking = service.book(registration, form.data)
            except DomainError as error:
                db.session.rollback()
                form.fail(error)
            else:
                db.session.commit()
                title = bilingual(booking.session.title_ja, booking.session.title_en)
                flash(gettext("Booked: %(title)s.", title=title), "success")
                return _back(pass_id)
        chosen = form.data.get("session_id") or _posted_session(form)
        registration = _holder(pass_id)
    return _render(pass_id, registration, form, chosen)


def _posted_session(form: Form) -> int | None:
    value = form.value("session_id")
    return int(value) if value.isdigit() else None


@bp.post("/passes/<int:pass_id>/bookings/<int:booking_id>/cancel")
def cancel(pass_id: int, booking_id: int) -> Any:
    """Cancel before the session starts; the seats are free again at once."""
    registration = _holder(pass_id)
    try:
        booking = service.cancel(service.own_booking(registration, booking_id))
    except DomainError as error:
        if error.code == "not_found":
            raise
        db.session.rollback()
        flash(error_text(error), "error")
    else:
        db.session.commit()
        title = bilingual(booking.session.title_ja, booking.session.title_en)
        flash(gettext("Cancelled: %(title)s.", title=title), "success")
    return _back(pass_id)
