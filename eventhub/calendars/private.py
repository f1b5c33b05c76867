"""What the private feeds show: an exhibitor's own calendar, and an attendee's bookings."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext

from eventhub.accounts.models import Organisation
from eventhub.applications.models import ACTIVE_STATUSES, Application, ApplicationStatus
from eventhub.bookings.models import Booking, BookingStatus
from eventhub.booths.models import Booth, BoothAllocation
from eventhub.calendars import ical
from eventhub.calendars.build import (
    EditionContext,
    FeedGoneError,
    add_all,
    edition_events,
    in_feed_language,
    schedule_event,
    schedule_items,
    session_event,
    session_rows,
)
from eventhub.calendars.ical import EventData
from eventhub.calendars.models import ScheduleKind
from eventhub.events.models import PUBLISHED_STATUSES, Edition, TimetableSession
from eventhub.extensions import db
from eventhub.passes.models import Registration


def _contexts(ids: set[int], lang: str) -> dict[int, EditionContext]:
    editions = db.session.scalars(
        sa.select(Edition).where(
            Edition.id.in_(sorted(ids)), Edition.status.in_(PUBLISHED_STATUSES)
        )
    )
    return {e.id: EditionContext(e, lang) for e in editions}


def _booked(session_ids: list[int]) -> dict[int, list[Any]]:
    rows = db.session.execute(
        sa.select(
            Booking.session_id, Booking.seats, Registration.name, Registration.organisation_name
        )
        .join(Registration, Registration.id == Booking.registration_id)
        .where(Booking.session_id.in_(session_ids), Booking.status == BookingStatus.BOOKED)
        .order_by(Booking.created_at, Booking.id)
    ).all()
    out: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        out[row.session_id].append(row)
    return out


def _booking_text(kind: str, seats: int | None, booked: list[Any]) -> str:
    taken = sum(row.seats for row in booked)
    if seats:
        head = gettext("Booked: %(taken)s of %(seats)s seats", taken=taken, seats=seats)
    else:
        head = gettext("Booked: %(taken)s seats", taken=taken)
    if kind != "business_meeting" or not booked:
        return head
    # Whom the exhibitor meets: that is what a business-meeting slot is for.
    people = [
        f"- {r.name}" + (f"（{r.organisation_name}）" if r.organisation_name else "")
        for r in booked
    ]
    return "\n".join([head, *people])


@in_feed_language
def exhibitor_feed(organisation_id: int, lang: str) -> tuple[bytes, int]:
    """The organisation's sessions with their bookings, its booth set-up and tear-down times,
    and the deadlines of its applications, across editions."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise FeedGoneError(f"organisation {organisation_id}")
    name = gettext("%(name)s: exhibitor calendar", name=organisation.name)
    about = gettext(
        "Your sessions and their bookings, booth set-up and tear-down, and application deadlines."
    )
    calendar = ical.new_calendar(name, about, "Asia/Tokyo")
    rows = session_rows(TimetableSession.organisation_id == organisation_id)
    applications = list(
        db.session.scalars(
            sa.select(Application)
            .where(
                Application.organisation_id == organisation_id,
                Application.status.in_(sorted(ACTIVE_STATUSES)),
            )
            .order_by(Application.id)
        )
    )
    contexts = _contexts({r.edition_id for r in rows} | {a.edition_id for a in applications}, lang)
    booked = _booked([r.id for r in rows])
    count = 0
    for row in rows:
        ctx = contexts.get(row.edition_id)
        if ctx is None:
            continue
        extra = _booking_text(row.kind, row.seats, booked.get(row.id, []))
        ical.add_event(calendar, session_event(ctx, row, extra=extra))
        count += 1
    for application in applications:
        ctx = contexts.get(application.edition_id)
        if ctx is not None:
            count += add_all(calendar, _application_events(ctx, application))
    return ical.finish(calendar), count


def _application_events(ctx: EditionContext, application: Application) -> list[EventData]:
    edition = ctx.edition
    out: list[EventData] = []
    common: dict[str, Any] = {"zone": ctx.zone, "url": ctx.url, "status": ctx.status()}
    if application.status == ApplicationStatus.DRAFT and edition.applications_close_at:
        out.append(
            EventData(
                uid=f"application-{application.id}-deadline@{ctx.domain}",
                summary=f"{gettext('Application deadline')}: {ctx.title}",
                start=edition.applications_close_at,
                end=None,
                created=application.created_at,
                modified=max(application.updated_at, edition.updated_at),
                sequence=application.version - 1 + edition.version - 1,
                **common,
            )
        )
    if application.status == ApplicationStatus.OFFERED and application.offer_expires_at:
        out.append(
            EventData(
                uid=f"application-{application.id}-offer@{ctx.domain}",
                summary=f"{gettext('Reply to the offered place by')}: {ctx.title}",
                start=application.offer_expires_at,
                end=None,
                created=application.created_at,
                modified=application.updated_at,
                sequence=application.version - 1,
                **common,
            )
        )
    if application.status == ApplicationStatus.APPROVED:
        booths = db.session.scalars(
            sa.select(Booth.code)
            .join(BoothAllocation, BoothAllocation.booth_id == Booth.id)
            .where(BoothAllocation.application_id == application.id)
            .order_by(Booth.code)
        ).all()
        where = None
        if booths:
            where = gettext("Booth %(codes)s", codes=", ".join(booths))
        out.extend(edition_events(ctx)[:1])
        items = schedule_items(edition.id, [ScheduleKind.SETUP, ScheduleKind.TEARDOWN])
        out.extend(schedule_event(ctx, item, where) for item in items)
    return out


@in_feed_language
def attendee_feed(registration_id: int, lang: str) -> tuple[bytes, int]:
    """The visit itself and every session the attendee booked; a cancelled booking stays, as
    CANCELLED, so calendars that kept it remove it rather than keep a stale slot."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise FeedGoneError(f"registration {registration_id}")
    contexts = _contexts({registration.edition_id}, lang)
    ctx = contexts.get(registration.edition_id)
    if ctx is None:
        raise FeedGoneError(f"edition {registration.edition_id}")
    name = gettext("%(title)s: my bookings", title=ctx.title)
    about = gettext("Your visit and the hands-on sessions and business meetings you booked.")
    calendar = ical.new_calendar(name, about, ctx.edition.timezone)
    count = add_all(calendar, edition_events(ctx)[:1])
    bookings = db.session.execute(
        sa.select(
            Booking.session_id,
            Booking.seats,
            Booking.status,
            Booking.created_at,
            Booking.cancelled_at,
        )
        .where(Booking.registration_id == registration_id)
        .order_by(Booking.id)
    ).all()
    by_session: dict[int, list[Any]] = defaultdict(list)
    for booking in bookings:
        by_session[booking.session_id].append(booking)
    rows = session_rows(TimetableSession.id.in_(sorted(by_session))) if by_session else []
    for row in rows:
        history = by_session[row.id]
        live = next((b for b in history if b.status == BookingStatus.BOOKED), None)
        shown = live or history[-1]
        # Each booking and each cancellation is a revision of this attendee's event.
        bonus = sum(1 if b.status == BookingStatus.BOOKED else 2 for b in history)
        changed: datetime = max(b.cancelled_at or b.created_at for b in history)
        seats = gettext("%(seats)s seat(s) booked", seats=shown.seats)
        event = session_event(
            ctx,
            row,
            uid=f"booking-{row.id}-{registration_id}@{ctx.domain}",
            extra=seats,
            sequence_bonus=bonus,
            modified=changed,
            cancelled=live is None,
        )
        ical.add_event(calendar, event)
        count += 1
    return ical.finish(calendar), count
