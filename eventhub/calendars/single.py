"""One session as an .ics file: the "add to calendar" download."""

from __future__ import annotations

from datetime import datetime

from eventhub.calendars import ical
from eventhub.calendars.build import (
    KIND_LABELS,
    EditionContext,
    label,
    session_event,
    session_rows,
)
from eventhub.events.models import Edition, TimetableSession


def session_calendar(edition: Edition, session_id: int, lang: str) -> tuple[bytes, datetime]:
    """The session's event exactly as in the edition's feed (same UID and SEQUENCE), so a
    calendar that has both keeps one; and when it last changed."""
    (row,) = session_rows(TimetableSession.id == session_id)
    ctx = EditionContext(edition, lang)
    name = f"{ctx.title}: {label(KIND_LABELS, row.kind, lang)}"
    calendar = ical.new_calendar(name, row.title_ja if lang == "ja" else name, edition.timezone)
    event = session_event(ctx, row)
    ical.add_event(calendar, event)
    return ical.finish(calendar), max(event.modified, edition.updated_at)
