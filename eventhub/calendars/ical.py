"""The iCalendar vocabulary every feed shares, on top of the ``icalendar`` package.

Times are written in the event's own zone (Asia/Tokyo) with a complete VTIMEZONE, not in UTC:
a visitor's phone set to another zone still shows 10:00 as the hall's 10:00 in the event's
details, and Japanese clients show the zone the organisers mean. The stamps (DTSTAMP,
CREATED, LAST-MODIFIED) are UTC, as RFC 5545 requires.

The feeds carry no METHOD, so DTSTAMP is the time the event was last revised (RFC 5545
§3.8.7.2): a rebuild of unchanged data gives the same bytes, and so the same ETag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext
from icalendar import Calendar, Event, vDDDTypes, vDuration

from eventhub import links

PRODID = "-//eventhub//eventhub calendar feeds//JA"
#: How often clients should fetch a subscribed feed again (RFC 7986 and the Microsoft hint).
REFRESH = timedelta(hours=1)

CONFIRMED, CANCELLED = "CONFIRMED", "CANCELLED"


def base_url() -> str:
    return links.base_url()


def uid_domain() -> str:
    """The right-hand side of every UID: the deployment's host, so UIDs never collide."""
    return links.stable_host()


def new_calendar(name: str, description: str, zone: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)  # RFC 7986
    calendar.add("x-wr-calname", name)  # what Apple, Google and Outlook read
    calendar.add("description", description)
    calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", zone)
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    return calendar


@dataclass(frozen=True, slots=True)
class EventData:
    """One VEVENT. ``end`` None: a moment, such as a deadline (DTSTART only)."""

    uid: str
    summary: str
    start: datetime
    end: datetime | None
    zone: ZoneInfo
    created: datetime
    modified: datetime
    sequence: int
    status: str = CONFIRMED
    location: str | None = None
    description: str | None = None
    url: str | None = None
    category: str | None = None


def _utc(moment: datetime) -> vDDDTypes:
    return vDDDTypes(moment.astimezone(UTC).replace(microsecond=0))


def cancelled_mark() -> str:
    """【中止】 or [Cancelled], in the current locale: the words a SUMMARY starts with when the
    event is cancelled."""
    return gettext("[%(label)s] ", label=gettext("Cancelled"))


def add_event(calendar: Calendar, data: EventData) -> None:
    """Add one VEVENT; call it in the feed's locale (``force_locale``), which the mark of a
    cancelled event is written in."""
    event = Event()
    event.add("uid", data.uid)
    event.add("dtstamp", _utc(data.modified))
    event.add("created", _utc(data.created))
    event.add("last-modified", _utc(data.modified))
    event.add("sequence", data.sequence)
    event.add("dtstart", data.start.astimezone(data.zone).replace(microsecond=0))
    if data.end is not None:
        event.add("dtend", data.end.astimezone(data.zone).replace(microsecond=0))
    # Some clients (calcurse, for one) ignore STATUS and would show a cancelled event as live:
    # the summary says it too.
    summary = data.summary
    if data.status == CANCELLED:
        summary = cancelled_mark() + summary
    event.add("summary", summary)
    event.add("status", data.status)
    # A deadline is a reminder, not a meeting: it must not mark the day busy.
    event.add("transp", "OPAQUE" if data.end is not None else "TRANSPARENT")
    if data.location:
        event.add("location", data.location)
    if data.description:
        event.add("description", data.description)
    if data.url:
        event.add("url", data.url)
    if data.category:
        event.add("categories", [data.category])
    calendar.add_component(event)


def finish(calendar: Calendar) -> bytes:
    """The VTIMEZONE of every zone used (STANDARD and, where the zone has one, DAYLIGHT parts,
    from the zoneinfo database), placed before the events, then the bytes: CRLF line ends and
    lines folded at 75 octets between UTF-8 characters, never inside one."""
    calendar.add_missing_timezones()
    events = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    others = [c for c in calendar.subcomponents if c.name != "VEVENT"]
    calendar.subcomponents[:] = others + events
    body: bytes = calendar.to_ical()
    return body
