"""Series, editions and their timetables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub import japan
from eventhub.accounts import service as accounts
from eventhub.accounts.auth import is_organiser
from eventhub.accounts.models import User
from eventhub.db import utcnow
from eventhub.errors import DomainError, FieldError, field_error, not_found
from eventhub.events.models import (
    EDITION_TRANSITIONS,
    PUBLISHED_STATUSES,
    Edition,
    EditionStatus,
    Series,
    SessionKind,
    TimetableSession,
)
from eventhub.extensions import db
from eventhub.locking import check_version, lock_rows
from eventhub.tasks import enqueue

#: By name: events must not import applications, which builds on it.
OFFER_PLACES_TASK = "eventhub.applications.offer_places"

# Series ------------------------------------------------------------------------------------


def all_series() -> list[Series]:
    return list(db.session.scalars(sa.select(Series).order_by(Series.id)))


def series_by_slug(slug: str) -> Series:
    series = db.session.scalars(sa.select(Series).where(Series.slug == slug)).first()
    if series is None:
        raise not_found("series")
    return series


# Editions ----------------------------------------------------------------------------------


def _derive_fiscal_year(data: dict[str, Any], edition: Edition | None) -> None:
    """Fill in or check the fiscal year of the first day.

    The programme's 年度 is Japan's, so the day counts in Tokyo whatever zone the edition
    is shown in.
    """
    starts_at = data.get("starts_at") or (edition.starts_at if edition else None)
    if starts_at is None:
        return
    expected = japan.fiscal_year(starts_at)
    given = data.get("fiscal_year")
    if given is None:
        data["fiscal_year"] = expected
    elif given != expected:
        day = starts_at.astimezone(japan.TOKYO).date()
        raise field_error(
            "fiscal_year",
            "fiscal_year_mismatch",
            day=day,
            expected=expected,
            label=japan.fiscal_year_label(expected),
        )


def _check_edition_times(edition: Edition) -> None:
    """Rules across fields, checked on the merged result of a create or a partial update."""
    if edition.ends_at <= edition.starts_at:
        raise field_error("ends_at", "after_starts_at")
    opens, closes = edition.applications_open_at, edition.applications_close_at
    if opens and closes and closes <= opens:
        raise field_error("applications_close_at", "after_applications_open_at")
    if closes and closes > edition.starts_at:
        raise field_error("applications_close_at", "close_before_start")


def create_edition(data: dict[str, Any]) -> Edition:
    series = db.session.scalars(
        sa.select(Series).where(Series.slug == data.pop("series_slug"))
    ).first()
    if series is None:
        slugs = ", ".join(s.slug for s in all_series())
        raise field_error("series", "unknown_series", slugs=slugs)
    _derive_fiscal_year(data, None)
    edition = Edition(series=series, status=EditionStatus.DRAFT, **data)
    _check_edition_times(edition)
    db.session.add(edition)
    db.session.flush()
    return edition


def update_edition(edition: Edition, data: dict[str, Any]) -> Edition:
    check_version(edition, data)
    check_not_final(edition, "edition")
    _derive_fiscal_year(data, edition)
    capacity_before = edition.booth_capacity
    for key, value in data.items():
        setattr(edition, key, value)
    _check_edition_times(edition)
    if edition.booth_capacity != capacity_before:
        # More room (or less) may change who on the waitlist can be offered a place.
        enqueue(OFFER_PLACES_TASK, edition.id)
    return edition


def change_edition_status(edition: Edition, data: dict[str, Any]) -> Edition:
    check_version(edition, data)
    target = EditionStatus(data["status"])
    current = EditionStatus(edition.status)
    if target == current:
        return edition
    if target not in EDITION_TRANSITIONS[current]:
        allowed = tuple(sorted(EDITION_TRANSITIONS[current]))
        raise DomainError(
            "invalid_transition",
            "edition_transition",
            params={"current": current, "target": target, "allowed": allowed},
        )
    if target == EditionStatus.HELD and utcnow() < edition.ends_at:
        # The report prints a held edition as done: before its end its figures are not.
        ends = {"ends_at": edition.ends_at.astimezone(ZoneInfo(edition.timezone)).isoformat()}
        raise DomainError(
            "edition_not_over", params=ends, errors=[FieldError("status", "edition_not_over", ends)]
        )
    edition.status = target
    if target == EditionStatus.CANCELLED:
        edition.cancellation_reason = data["reason"]
    return edition


def get_edition(edition_id: int, user: User | None) -> Edition:
    """An edition the caller may see: published ones for anyone, drafts for organisers."""
    edition = db.session.get(Edition, edition_id)
    if edition is None or not (edition.is_published or is_organiser(user)):
        raise not_found("edition")
    return edition


def editions_query(args: dict[str, Any], user: User | None) -> sa.Select[Edition]:
    query = sa.select(Edition).order_by(Edition.starts_at.desc(), Edition.id)
    if not is_organiser(user):
        query = query.where(Edition.status.in_(PUBLISHED_STATUSES))
    if args.get("series"):
        query = query.join(Edition.series).where(Series.slug == args["series"])
    for key in ("fiscal_year", "status", "format"):
        if key in args:
            query = query.where(getattr(Edition, key) == args[key])
    return query


# Timetable sessions ------------------------------------------------------------------------


def _edition_days(edition: Edition) -> tuple[datetime, datetime]:
    """Midnight before the first day to midnight after the last, in the edition's zone."""
    zone = ZoneInfo(edition.timezone)
    first = edition.starts_at.astimezone(zone).date()
    last = edition.ends_at.astimezone(zone).date()
    return (
        datetime.combine(first, time(), tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time(), tzinfo=zone),
    )


def _check_session(edition: Edition, session: TimetableSession) -> None:
    if session.ends_at <= session.starts_at:
        raise field_error("ends_at", "after_starts_at")
    day_start, day_end = _edition_days(edition)
    if session.starts_at < day_start or session.ends_at > day_end:
        raise field_error("starts_at", "session_outside_edition")
    if session.kind == SessionKind.HANDS_ON and session.seats is None:
        raise field_error("seats", "seats_needed")
    # Looked up without flushing: the session being checked must not reach the database yet.
    if session.organisation_id is not None and not accounts.organisation_exists(
        session.organisation_id
    ):
        raise field_error("organisation_id", "unknown_organisation")


def check_not_final(edition: Edition, what: str) -> None:
    """Held and cancelled editions are history: what the report says of them must not move."""
    if edition.status in {EditionStatus.HELD, EditionStatus.CANCELLED}:
        # what: edition, timetable, booths or schedule, each with its own message
        raise DomainError("edition_final", f"{what}_final", params={"status": edition.status})


def create_session(edition: Edition, data: dict[str, Any]) -> TimetableSession:
    check_not_final(edition, "timetable")
    session = TimetableSession(edition=edition, **data)
    _check_session(edition, session)
    db.session.add(session)
    db.session.flush()
    return session


def update_session(session: TimetableSession, data: dict[str, Any]) -> TimetableSession:
    check_version(session, data)
    check_not_final(session.edition, "timetable")
    if data.get("seats") is not None and data["seats"] != session.seats:
        _check_seats_cover_bookings(session, data["seats"])
    for key, value in data.items():
        setattr(session, key, value)
    _check_session(session.edition, session)
    return session


#: Functions that tell how many seats of a session (by id) are taken. Bookings registers its
#: count here: bookings depends on events, so events asks whoever registered instead of
#: reading the bookings table itself (which would make the dependency run both ways).
SEATS_TAKEN: list[Callable[[int], int]] = []


def _check_seats_cover_bookings(session: TimetableSession, seats: int) -> None:
    """Fewer seats than are booked would overbook the session. Under the session's lock, as
    bookings count under it: none can slip in between this count and the change."""
    lock_rows(TimetableSession, [session.id])
    booked = sum(taken(session.id) for taken in SEATS_TAKEN)
    if seats < booked:
        raise field_error("seats", "seats_booked", booked=booked)


def get_session(edition: Edition, session_id: int) -> TimetableSession:
    session = db.session.get(TimetableSession, session_id)
    if session is None or session.edition_id != edition.id:
        raise not_found("session")
    return session


def sessions_query(edition: Edition, args: dict[str, Any]) -> sa.Select[TimetableSession]:
    query = (
        sa.select(TimetableSession)
        .where(TimetableSession.edition_id == edition.id)
        .order_by(TimetableSession.starts_at, TimetableSession.id)
    )
    if "kind" in args:
        query = query.where(TimetableSession.kind == args["kind"])
    if "day" in args:
        zone = ZoneInfo(edition.timezone)
        start = datetime.combine(args["day"], time(), tzinfo=zone)
        query = query.where(
            TimetableSession.starts_at >= start,
            TimetableSession.starts_at < start + timedelta(days=1),
        )
    return query
