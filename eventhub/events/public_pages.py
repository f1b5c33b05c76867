"""Public pages: the series and their editions, and an edition's page with its timetable.

Anyone reads them; they show what the events API shows an anonymous caller (published
editions; drafts only to organisers), through the same service functions.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import groupby
from typing import Any

from flask import Blueprint, render_template
from flask_babel import get_locale

from eventhub.bookings import service as bookings
from eventhub.calendars import tokens
from eventhub.db import utcnow
from eventhub.events import service
from eventhub.events.models import Edition, SessionKind, TimetableSession
from eventhub.extensions import db
from eventhub.japan.calendar import TOKYO
from eventhub.messages import N_
from eventhub.passes import service as passes
from eventhub.web.sessions import current_user

bp = Blueprint("public_pages", __name__)

#: How a session's kind reads on the timetable.
SESSION_KINDS: dict[str, str] = {
    SessionKind.DEMONSTRATION: N_("Demonstration"),
    SessionKind.HANDS_ON: N_("Hands-on"),
    SessionKind.SEMINAR: N_("Seminar"),
    SessionKind.BUSINESS_MEETING: N_("Business meeting"),
}

#: How an edition's format reads.
FORMATS: dict[str, str] = {
    "in_person": N_("In person"),
    "online": N_("Online"),
    "hybrid": N_("In person and online"),
}

#: How an edition's status reads to the public.
STATUSES: dict[str, str] = {
    "draft": N_("Draft"),
    "open": N_("Open"),
    "closed": N_("Applications closed"),
    "held": N_("Held"),
    "cancelled": N_("Cancelled"),
}


def _lang() -> str:
    return str(get_locale() or "ja")


def edition_feed_links(edition: Edition) -> dict[str, str]:
    """The edition's public iCalendar feed: a download (https) and a subscription (webcal)."""
    return tokens.links(f"/api/v1/editions/{edition.id}/calendar.ics?lang={_lang()}")


def session_ics_url(edition_id: int, session_id: int) -> str:
    return f"/api/v1/editions/{edition_id}/sessions/{session_id}/event.ics?lang={_lang()}"


@bp.get("/")
def home() -> Any:
    """Each series with its editions: those still to come first (soonest first), then past."""
    editions = db.session.scalars(service.editions_query({}, current_user())).all()
    now = utcnow()
    by_series: dict[int, dict[str, list[Edition]]] = {}
    for edition in editions:
        lists = by_series.setdefault(edition.series_id, {"upcoming": [], "past": []})
        lists["upcoming" if edition.ends_at > now else "past"].append(edition)
    for lists in by_series.values():
        lists["upcoming"].sort(key=lambda e: (e.starts_at, e.id))  # the query gave newest first
    series = [(s, by_series.get(s.id, {"upcoming": [], "past": []})) for s in service.all_series()]
    return render_template("public/home.html", series=series, statuses=STATUSES, formats=FORMATS)


def _days(sessions: list[TimetableSession]) -> list[tuple[date, list[TimetableSession]]]:
    return [
        (day, list(items))
        for day, items in groupby(sessions, key=lambda s: s.starts_at.astimezone(TOKYO).date())
    ]


@bp.get("/editions/<int:edition_id>")
def edition(edition_id: int) -> Any:
    edition = service.get_edition(edition_id, current_user())
    sessions = list(db.session.scalars(service.sessions_query(edition, {})))
    bookable = [s for s in sessions if s.kind in bookings.BOOKABLE_KINDS]
    return render_template(
        "public/edition.html",
        edition=edition,
        days=_days(sessions),
        seats=bookings.availabilities(bookable),
        kinds=SESSION_KINDS,
        statuses=STATUSES,
        formats=FORMATS,
        feed=edition_feed_links(edition),
        session_ics_url=session_ics_url,
        registration_open=passes.registration_open(edition),
        same_day=_same_day(edition.starts_at, edition.ends_at),
    )


def _same_day(start: datetime, end: datetime) -> bool:
    return start.astimezone(TOKYO).date() == end.astimezone(TOKYO).date()
