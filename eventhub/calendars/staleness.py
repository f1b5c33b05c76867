"""Feeds go stale in the very transaction that changes what they show.

One listener on every flush looks at the rows being written — editions, sessions, schedule
items, bookings, applications, booth allocations, organisations, series — and bumps the
generation of each stored feed that shows them, then queues their rebuild for after the
commit. Being a flush listener, it catches every writer (API, CLI, workers, other packages)
without each having to remember to call it, and it rolls back with the change it belongs to.

Only feeds that exist are marked: one that was never requested is built on its first request.
Rows are locked in id order, so two transactions marking overlapping feeds cannot deadlock.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from itertools import chain
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from eventhub.accounts.models import Organisation
from eventhub.applications.models import Application
from eventhub.bookings.models import Booking
from eventhub.booths.models import BoothAllocation
from eventhub.calendars.models import CalendarFeed, FeedKind, ScheduleItem
from eventhub.db import UTCDateTime, utcnow
from eventhub.events.models import Edition, Series, TimetableSession
from eventhub.extensions import db
from eventhub.passes.models import Registration
from eventhub.tasks import enqueue

#: Named here, where rebuilds are first queued; the task lives in workers/calendars.py.
REBUILD_TASK = "eventhub.calendars.rebuild_feed"

WATCHED = (
    Edition,
    TimetableSession,
    ScheduleItem,
    Booking,
    Application,
    BoothAllocation,
    Organisation,
    Series,
)


@dataclass
class Touched:
    """What changed, as ids; each set says which feeds show it (see ``condition``)."""

    timetables: set[int] = field(default_factory=set)  # edition ids: their timetable feeds
    edition_people: set[int] = field(default_factory=set)  # edition ids: its exhibitors, attendees
    series: set[int] = field(default_factory=set)
    fiscal_years: set[int] = field(default_factory=set)
    organisations: set[int] = field(default_factory=set)
    registrations: set[int] = field(default_factory=set)
    session_bookers: set[int] = field(default_factory=set)  # session ids: who booked them
    session_owners: set[int] = field(default_factory=set)  # session ids: their exhibitors
    applicants_of: set[int] = field(default_factory=set)  # edition ids: organisations applying
    applications: set[int] = field(default_factory=set)  # application ids: their organisations
    organisation_timetables: set[int] = field(default_factory=set)  # org ids: editions they're in

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def condition(self) -> sa.ColumnElement[bool]:
        feed = CalendarFeed
        sessions, applications = TimetableSession, Application
        exhibitors: list[Any] = [
            sorted(self.organisations),
            _where_in(
                applications.organisation_id,
                applications.edition_id,
                self.edition_people | self.applicants_of,
            ),
            _where_in(sessions.organisation_id, sessions.edition_id, self.edition_people),
            _where_in(sessions.organisation_id, sessions.id, self.session_owners),
            _where_in(applications.organisation_id, applications.id, self.applications),
        ]
        attendees: list[Any] = [
            sorted(self.registrations),
            _where_in(Registration.id, Registration.edition_id, self.edition_people),
            _where_in(Booking.registration_id, Booking.session_id, self.session_bookers),
        ]
        timetables: list[Any] = [
            sorted(self.timetables | self.edition_people),
            _where_in(sessions.edition_id, sessions.organisation_id, self.organisation_timetables),
        ]
        return sa.or_(
            sa.and_(feed.kind == FeedKind.EDITION, _any_in(feed.edition_id, timetables)),
            sa.and_(feed.kind == FeedKind.SERIES, feed.series_id.in_(sorted(self.series))),
            sa.and_(
                feed.kind == FeedKind.PROGRAMME, feed.fiscal_year.in_(sorted(self.fiscal_years))
            ),
            sa.and_(feed.kind == FeedKind.EXHIBITOR, _any_in(feed.organisation_id, exhibitors)),
            sa.and_(feed.kind == FeedKind.ATTENDEE, _any_in(feed.registration_id, attendees)),
        )


def _where_in(column: Any, key: Any, ids: set[int]) -> sa.Select[Any] | None:
    """``SELECT column WHERE key IN ids``, or None when there are no ids to look for."""
    return sa.select(column).where(key.in_(sorted(ids))) if ids else None


def _any_in(column: Any, sources: list[Any]) -> sa.ColumnElement[bool]:
    return sa.or_(*(column.in_(source) for source in sources if source is not None))


def _values(obj: Any, attr: str) -> set[int]:
    """The attribute's value now and before this flush: a moved row leaves feeds on both sides."""
    history = sa.inspect(obj).attrs[attr].history
    out = {getattr(obj, attr)}
    out.update(history.deleted or ())
    return {v for v in out if v is not None}


def collect(session: Session) -> Touched:
    touched = Touched()
    dirty = session.dirty
    for obj in chain(session.new, dirty, session.deleted):
        if not isinstance(obj, WATCHED):
            continue
        if obj in dirty and not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, Edition):
            touched.edition_people.add(obj.id)
            touched.series |= _values(obj, "series_id")
            touched.fiscal_years |= _values(obj, "fiscal_year")
        elif isinstance(obj, TimetableSession):
            touched.timetables |= _values(obj, "edition_id")
            touched.organisations |= _values(obj, "organisation_id")
            touched.session_bookers.add(obj.id)
        elif isinstance(obj, ScheduleItem):
            touched.timetables.add(obj.edition_id)
            touched.applicants_of.add(obj.edition_id)
        elif isinstance(obj, Booking):
            touched.registrations.add(obj.registration_id)
            touched.session_owners.add(obj.session_id)
        elif isinstance(obj, Application):
            touched.organisations |= _values(obj, "organisation_id")
        elif isinstance(obj, BoothAllocation):
            touched.applications.add(obj.application_id)
        elif isinstance(obj, Organisation):
            touched.organisations.add(obj.id)
            touched.organisation_timetables.add(obj.id)
        elif isinstance(obj, Series):
            touched.series.add(obj.id)
    return touched


def mark(connection: Connection, touched: Touched, now: datetime) -> list[int]:
    """Bump the generation of every stored feed ``touched`` concerns; the ids of those whose
    rebuild is not yet queued (queued now: the caller sends the tasks after the commit)."""
    query = (
        sa.select(CalendarFeed.id, CalendarFeed.queued_at)
        .where(touched.condition())
        .order_by(CalendarFeed.id)
    )
    if connection.dialect.name == "postgresql":
        query = query.with_for_update(key_share=True)
    rows = connection.execute(query).all()
    if not rows:
        return []
    connection.execute(
        sa.update(CalendarFeed)
        .where(CalendarFeed.id.in_([row.id for row in rows]))
        .values(
            generation=CalendarFeed.generation + 1,
            changed_at=now,
            stale_since=sa.func.coalesce(CalendarFeed.stale_since, sa.literal(now, UTCDateTime)),
            queued_at=sa.func.coalesce(CalendarFeed.queued_at, sa.literal(now, UTCDateTime)),
        )
    )
    return [row.id for row in rows if row.queued_at is None]


@sa.event.listens_for(Session, "after_flush")
def _mark_stale_feeds(session: Session, _context: Any) -> None:
    touched = collect(session)
    if not touched:
        return
    to_queue = mark(session.connection(), touched, utcnow())
    if to_queue and session is db.session():
        for feed_id in to_queue:
            enqueue(REBUILD_TASK, feed_id)
