"""What the public feeds show: an edition's timetable, a series, a fiscal year's programme.

Sessions are read as plain rows, not ORM objects: an edition of 10,000 sessions is built in
the time icalendar itself needs to write them (bench/bench_feeds.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import force_locale, gettext, lazy_gettext, pgettext
from icalendar import Calendar

from eventhub import japan
from eventhub.accounts.models import Organisation
from eventhub.calendars import ical
from eventhub.calendars.ical import CANCELLED, CONFIRMED, EventData
from eventhub.calendars.models import ScheduleItem, ScheduleKind
from eventhub.events.models import (
    PUBLISHED_STATUSES,
    Edition,
    EditionFormat,
    EditionStatus,
    Series,
    SessionStatus,
    TimetableSession,
)
from eventhub.extensions import db
from eventhub.i18n import pick


class FeedGoneError(LookupError):
    """What the feed is about no longer exists or is no longer public."""


P = ParamSpec("P")
R = TypeVar("R")


def in_feed_language(
    feed: Callable[Concatenate[int, str, P], R],
) -> Callable[Concatenate[int, str, P], R]:
    """Build the feed ``feed(subject_id, lang, ...)`` with its fixed words in ``lang``."""

    @functools.wraps(feed)
    def build(subject_id: int, lang: str, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with force_locale(lang):
            return feed(subject_id, lang, *args, **kwargs)

    return build


# The fixed words of the feeds come from the message catalogue, in the feed's language.
KIND_LABELS: dict[str, Any] = {
    "demonstration": lazy_gettext("Demonstration"),
    "hands_on": lazy_gettext("Hands-on"),
    "seminar": lazy_gettext("Seminar"),
    "business_meeting": lazy_gettext("Business meeting"),
}
SCHEDULE_LABELS: dict[str, Any] = {
    ScheduleKind.OPENING: lazy_gettext("Opening hours"),
    ScheduleKind.SETUP: lazy_gettext("Booth set-up"),
    ScheduleKind.TEARDOWN: lazy_gettext("Booth tear-down"),
}
FORMAT_LABELS: dict[str, Any] = {
    EditionFormat.IN_PERSON: lazy_gettext("In person"),
    EditionFormat.ONLINE: lazy_gettext("Online"),
    EditionFormat.HYBRID: lazy_gettext("In person and online"),
}


def label(labels: dict[str, Any], key: str) -> str:
    return str(labels[key])


def bracket(text: str) -> str:
    return gettext("[%(label)s] ", label=text)


def fiscal_year_label(fiscal_year: int, lang: str) -> str:
    """令和3年度 in Japanese, FY2021 in English."""
    return pick(japan.fiscal_year_label(fiscal_year), japan.fiscal_year_label_en(fiscal_year), lang)


def edition_url(edition_id: int) -> str:
    return f"{ical.base_url()}/api/v1/editions/{edition_id}"


def session_url(edition_id: int, session_id: int) -> str:
    return f"{edition_url(edition_id)}/sessions/{session_id}"


def venue(edition: Edition, lang: str) -> str | None:
    """Where the edition is, as a calendar's LOCATION starts: the venue, or "online"."""
    name = pick(edition.venue_ja, edition.venue_en, lang)
    if edition.format == EditionFormat.ONLINE and not name:
        return str(pgettext("venue", "Online"))
    return name or None


def location(*parts: str | None) -> str | None:
    text = ", ".join(p for p in parts if p)
    return text or None


def lines(*parts: str | None) -> str | None:
    text = "\n".join(p for p in parts if p)
    return text or None


def published_edition(edition_id: int) -> Edition:
    edition = db.session.get(Edition, edition_id)
    if edition is None or edition.status not in PUBLISHED_STATUSES:
        raise FeedGoneError(f"edition {edition_id}")
    return edition


# Sessions ------------------------------------------------------------------------------------

#: The columns a session's event needs, read in one query with its exhibitor's name.
SESSION_COLUMNS = (
    TimetableSession.id,
    TimetableSession.edition_id,
    TimetableSession.kind,
    TimetableSession.title_ja,
    TimetableSession.title_en,
    TimetableSession.description_ja,
    TimetableSession.description_en,
    TimetableSession.starts_at,
    TimetableSession.ends_at,
    TimetableSession.place,
    TimetableSession.seats,
    TimetableSession.status,
    TimetableSession.version,
    TimetableSession.created_at,
    TimetableSession.updated_at,
    TimetableSession.organisation_id,
    Organisation.name.label("organisation_name"),
)


def session_rows(*where: Any) -> Sequence[Any]:
    query = (
        sa.select(*SESSION_COLUMNS)
        .outerjoin(Organisation, Organisation.id == TimetableSession.organisation_id)
        .where(*where)
        .order_by(TimetableSession.starts_at, TimetableSession.id)
    )
    return db.session.execute(query).all()


class EditionContext:
    """What every event of one edition repeats, worked out once per feed, not per event."""

    def __init__(self, edition: Edition, lang: str) -> None:
        self.edition = edition
        self.lang = lang
        self.zone = ZoneInfo(edition.timezone)
        self.venue = venue(edition, lang)
        self.cancelled = edition.status == EditionStatus.CANCELLED
        self.domain = ical.uid_domain()
        self.url = edition_url(edition.id)
        self.title = pick(edition.title_ja, edition.title_en, lang)
        self.kind_prefix = {k: bracket(label(KIND_LABELS, k)) for k in KIND_LABELS}
        self.exhibitor_word = gettext("Exhibitor")
        self.seats_text = gettext("%(seats)s seats")

    def status(self, *cancelled: bool) -> str:
        return CANCELLED if self.cancelled or any(cancelled) else CONFIRMED


def session_event(
    ctx: EditionContext,
    row: Any,
    *,
    uid: str | None = None,
    extra: str | None = None,
    sequence_bonus: int = 0,
    modified: datetime | None = None,
    cancelled: bool = False,
) -> EventData:
    lang = ctx.lang
    title = pick(row.title_ja, row.title_en, lang, fall_back=False)
    description = pick(row.description_ja, row.description_en, lang, fall_back=False) or None
    organisation = (
        f"{ctx.exhibitor_word}: {row.organisation_name}" if row.organisation_name else None
    )
    seats = ctx.seats_text % {"seats": row.seats} if row.seats else None
    return EventData(
        uid=uid or f"session-{row.id}@{ctx.domain}",
        summary=ctx.kind_prefix[row.kind] + title,
        start=row.starts_at,
        end=row.ends_at,
        zone=ctx.zone,
        created=row.created_at,
        modified=max(row.updated_at, modified) if modified else row.updated_at,
        # SEQUENCE starts at 0 and the session's version at 1; every write bumps the version.
        sequence=row.version - 1 + sequence_bonus,
        status=ctx.status(row.status == SessionStatus.CANCELLED, cancelled),
        location=location(ctx.venue, row.place),
        description=lines(description, organisation, seats, extra),
        url=f"{ctx.url}/sessions/{row.id}",
        category=label(KIND_LABELS, row.kind),
    )


# Edition-level events ------------------------------------------------------------------------


def _days(edition: Edition, zone: ZoneInfo) -> Iterable[date]:
    first = edition.starts_at.astimezone(zone).date()
    last = edition.ends_at.astimezone(zone).date()
    return (first + timedelta(days=n) for n in range((last - first).days + 1))


def schedule_items(edition_id: int, kinds: Iterable[str]) -> list[ScheduleItem]:
    query = (
        sa.select(ScheduleItem)
        .where(ScheduleItem.edition_id == edition_id, ScheduleItem.kind.in_(list(kinds)))
        .order_by(ScheduleItem.starts_at, ScheduleItem.id)
    )
    return list(db.session.scalars(query))


def schedule_event(ctx: EditionContext, item: ScheduleItem, where: str | None) -> EventData:
    what = label(SCHEDULE_LABELS, item.kind)
    return EventData(
        uid=f"schedule-{item.id}@{ctx.domain}",
        summary=f"{what}: {ctx.title}",
        start=item.starts_at,
        end=item.ends_at,
        zone=ctx.zone,
        created=item.created_at,
        modified=item.updated_at,
        sequence=item.version - 1,
        status=ctx.status(),
        location=location(ctx.venue, where),
        description=pick(item.note_ja, item.note_en, ctx.lang) or None,
        url=ctx.url,
        category=what,
    )


def opening_events(ctx: EditionContext) -> list[EventData]:
    """Each day's opening hours; until the organisers enter them, every day from the first
    day's opening time to the last day's closing time (what the edition itself says)."""
    items = schedule_items(ctx.edition.id, [ScheduleKind.OPENING])
    if items:
        return [schedule_event(ctx, item, None) for item in items]
    edition, zone = ctx.edition, ctx.zone
    opens = edition.starts_at.astimezone(zone).timetz()
    closes = edition.ends_at.astimezone(zone).timetz()
    if closes <= opens:
        return []
    what = label(SCHEDULE_LABELS, ScheduleKind.OPENING)
    return [
        EventData(
            uid=f"edition-{edition.id}-day-{day:%Y%m%d}@{ctx.domain}",
            summary=f"{what}: {ctx.title}",
            start=datetime.combine(day, opens),
            end=datetime.combine(day, closes),
            zone=zone,
            created=edition.created_at,
            modified=edition.updated_at,
            sequence=edition.version - 1,
            status=ctx.status(),
            location=ctx.venue,
            url=ctx.url,
            category=what,
        )
        for day in _days(edition, zone)
    ]


def edition_events(ctx: EditionContext) -> list[EventData]:
    """The edition itself, its application window opening and its deadline."""
    edition, lang = ctx.edition, ctx.lang
    series = pick(edition.series.name_ja, edition.series.name_en, lang)
    year = fiscal_year_label(edition.fiscal_year, lang)
    common: dict[str, Any] = {
        "zone": ctx.zone,
        "created": edition.created_at,
        "modified": edition.updated_at,
        "sequence": edition.version - 1,
        "status": ctx.status(),
        "url": ctx.url,
    }
    out = [
        EventData(
            uid=f"edition-{edition.id}@{ctx.domain}",
            summary=ctx.title,
            start=edition.starts_at,
            end=edition.ends_at,
            location=location(ctx.venue, edition.venue_address),
            description=lines(series, year, label(FORMAT_LABELS, edition.format)),
            category=series,
            **common,
        )
    ]
    window = (
        ("open", edition.applications_open_at, gettext("Applications open")),
        ("close", edition.applications_close_at, gettext("Application deadline")),
    )
    for suffix, moment, what in window:
        if moment is not None:
            out.append(
                EventData(
                    uid=f"edition-{edition.id}-applications-{suffix}@{ctx.domain}",
                    summary=f"{what}: {ctx.title}",
                    start=moment,
                    end=None,
                    **common,
                )
            )
    return out


# The public feeds ----------------------------------------------------------------------------


@in_feed_language
def edition_feed(edition_id: int, lang: str, kinds: frozenset[str] | None) -> tuple[bytes, int]:
    edition = published_edition(edition_id)
    ctx = EditionContext(edition, lang)
    suffix = gettext("Timetable")
    about = gettext(
        "Timetable of %(title)s: demonstrations, hands-on sessions, seminars, "
        "business meetings and opening hours.",
        title=ctx.title,
    )
    if kinds:
        names = "、".join(label(KIND_LABELS, k) for k in sorted(kinds))
        suffix += gettext(" (%(names)s)", names=names)
    calendar = ical.new_calendar(f"{ctx.title} {suffix}", about, edition.timezone)
    count = add_all(calendar, opening_events(ctx))
    where = [TimetableSession.edition_id == edition.id]
    if kinds:
        where.append(TimetableSession.kind.in_(sorted(kinds)))
    rows = session_rows(*where)
    for row in rows:
        ical.add_event(calendar, session_event(ctx, row))
    return ical.finish(calendar), count + len(rows)


def add_all(calendar: Calendar, events: Iterable[EventData]) -> int:
    count = 0
    for event in events:
        ical.add_event(calendar, event)
        count += 1
    return count


def _editions_feed(
    editions: Sequence[Edition], name: str, about: str, lang: str
) -> tuple[bytes, int]:
    zone = editions[0].timezone if editions else "Asia/Tokyo"
    calendar = ical.new_calendar(name, about, zone)
    count = sum(add_all(calendar, edition_events(EditionContext(e, lang))) for e in editions)
    return ical.finish(calendar), count


@in_feed_language
def series_feed(series_id: int, lang: str) -> tuple[bytes, int]:
    series = db.session.get(Series, series_id)
    if series is None:
        raise FeedGoneError(f"series {series_id}")
    editions = list(
        db.session.scalars(
            sa.select(Edition)
            .where(Edition.series_id == series.id, Edition.status.in_(PUBLISHED_STATUSES))
            .order_by(Edition.starts_at, Edition.id)
        )
    )
    name = pick(series.name_ja, series.name_en, lang)
    about = gettext(
        "Every edition of %(name)s, past and upcoming, with application windows and deadlines.",
        name=name,
    )
    return _editions_feed(editions, name, about, lang)


@in_feed_language
def programme_feed(fiscal_year: int, lang: str) -> tuple[bytes, int]:
    editions = list(
        db.session.scalars(
            sa.select(Edition)
            .where(Edition.fiscal_year == fiscal_year, Edition.status.in_(PUBLISHED_STATUSES))
            .order_by(Edition.starts_at, Edition.id)
        )
    )
    year = fiscal_year_label(fiscal_year, lang)
    name = gettext("Exhibition programme %(year)s", year=year)
    about = gettext("All exhibitions of %(year)s, with deadlines.", year=year)
    return _editions_feed(editions, name, about, lang)
