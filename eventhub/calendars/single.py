"""One session as an .ics file: the "add to calendar" download."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale

from eventhub.calendars import ical
from eventhub.calendars.build import (
    KIND_LABELS,
    EditionContext,
    label,
    session_event,
    session_rows,
)
from eventhub.events.models import Edition, TimetableSession
from eventhub.i18n import pick


def session_calendar(edition: Edition, session_id: int, lang: str) -> tuple[bytes, datetime]:
    """The session's event exactly as in the edition's feed (same UID and SEQUENCE), so a
    calendar that has both keeps one; and when it last changed."""
    (row,) = session_rows(TimetableSession.id == session_id)
    with force_locale(lang):
        ctx = EditionContext(edition, lang)
        name = f"{ctx.title}: {label(KIND_LABELS, row.kind)}"
        calendar = ical.new_calendar(name, pick(row.title_ja, name, lang), edition.timezone)
        event = session_event(ctx, row)
        ical.add_event(calendar, event)
    return ical.finish(calendar), max(event.modified, edition.updated_at)
