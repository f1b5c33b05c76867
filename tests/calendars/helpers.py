"""Editions, sessions, attendees and feed parsing for the calendar and booking tests."""

from __future__ import annotations

from typing import Any

import icalendar
import vobject
from flask import Flask

from eventhub.calendars.cache import feed_cache
from eventhub.calendars.models import CalendarFeed, FeedKind
from eventhub.extensions import db
from eventhub.passes import printable
from tests.booths.helpers import open_edition
from tests.conftest import Api
from tests.events.helpers import EDITIONS, session_body, sessions_url
from tests.passes.helpers import register

#: A Japanese title far longer than 75 octets (3 octets a character in UTF-8).
LONG_TITLE = (
    "伝統工芸の実演と体験「江戸切子のグラスを職人と一緒に作ってみよう」初心者歓迎・材料費込み"
)


def edition(organiser: Api, **overrides: Any) -> dict[str, Any]:
    """An open mokucolle edition, 28–30 October 2027 (10:00–17:00), at a named venue."""
    body = {"venue_ja": "東京ビッグサイト 西1ホール", "venue_en": "Tokyo Big Sight West 1"}
    return open_edition(organiser, **{**body, **overrides})


def add_session(organiser: Api, edition_id: int, **overrides: Any) -> dict[str, Any]:
    when = {"starts_at": "2027-10-28T11:00:00+09:00", "ends_at": "2027-10-28T11:45:00+09:00"}
    body = session_body(**{**when, **overrides})
    response = organiser.post(sessions_url(edition_id), json=body)
    assert response.status_code == 201, response.json
    return dict(response.json)


def patch_session(organiser: Api, edition_id: int, session_id: int, **body: Any) -> dict[str, Any]:
    response = organiser.patch(f"{sessions_url(edition_id)}/{session_id}", json=body)
    assert response.status_code == 200, response.json
    return dict(response.json)


def feed_url(edition_id: int, query: str = "") -> str:
    return f"{EDITIONS}/{edition_id}/calendar.ics" + (f"?{query}" if query else "")


def get_feed(client: Any, url: str, **headers: str) -> Any:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/calendar"
    return response


def parse(body: bytes) -> icalendar.Calendar:
    """Read back with icalendar, and with vobject (independent of icalendar) as well."""
    calendar = icalendar.Calendar.from_ical(body)
    vobject.readOne(body.decode("utf-8"))
    return calendar


def events(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))


def by_uid(calendar: icalendar.Calendar, prefix: str) -> icalendar.Event:
    (found,) = [e for e in events(calendar) if str(e["UID"]).startswith(prefix)]
    return found


def attendee(anonymous: Api, app: Flask, edition_id: int, **overrides: Any) -> tuple[int, str]:
    """A registered visitor's pass id and private key (as in the pass mail)."""
    registered = register(anonymous, edition_id, **overrides)
    pass_id = int(registered["pass"]["id"])
    with app.app_context():
        return pass_id, printable.pass_key(pass_id, 1)


def clear_cache(app: Flask) -> None:
    with app.app_context():
        feed_cache().clear()


def stale_feeds(count: int, **values: Any) -> list[int]:
    """``count`` feeds whose rebuild is due (in an app context)."""
    feeds = [
        CalendarFeed(
            key=f"programme:{2000 + i}:ja",
            kind=FeedKind.PROGRAMME,
            lang="ja",
            fiscal_year=2000 + i,
            generation=2,
            built_generation=1,
            **values,
        )
        for i in range(count)
    ]
    db.session.add_all(feeds)
    db.session.commit()
    return [feed.id for feed in feeds]
