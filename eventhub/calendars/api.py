"""Calendar feeds and their subscribe links, private feed links, and edition schedules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, request
from flask_smorest import Blueprint

from eventhub.accounts import service as accounts
from eventhub.accounts.auth import (
    current_user,
    login_required,
    optional_login,
    require_user,
)
from eventhub.accounts.models import Organisation, Role
from eventhub.bookings import service as bookings
from eventhub.calendars import build, schedule, schemas, service, single, tokens
from eventhub.calendars.cache import feed_cache
from eventhub.calendars.models import FeedKind, FeedToken, ScheduleItem
from eventhub.calendars.responses import CALENDAR, built_response, stored_response
from eventhub.calendars.service import FeedSpec
from eventhub.errors import not_found
from eventhub.events import service as events
from eventhub.extensions import db
from eventhub.i18n import pick
from eventhub.locking import commit_versioned
from eventhub.openapi import answers, operation_id
from eventhub.pagination import page_of, paginate
from eventhub.passes.schemas import PASS_KEY_SECURITY, KeyArgs

blp = Blueprint(
    "calendars", __name__, url_prefix="/api/v1", description="Calendar feeds and schedules"
)

# Instances, not classes: webargs would build a new schema for every request, and the
# feed endpoints are the ones calendar clients poll.
KEY_ARGS = KeyArgs()
_ICS = {"content_type": CALENDAR, "description": "An iCalendar (RFC 5545) feed"}


def _url() -> str:
    return f"{request.path}?{request.query_string.decode('latin-1')}"


@blp.before_request
def _recent_copy() -> Response | None:
    """Calendar clients poll the same URL over and over: while this process's copy of the
    feed is recent, answer it without parsing, validating or querying anything again. A
    request with a bearer token goes the long way, so that a wrong token is still refused."""
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.environ:
        return None
    hit = feed_cache().by_url(_url())
    if hit is None:
        return None
    stored, filename, private = hit
    return stored_response(stored, filename, private=private)


def _serve(
    spec: FeedSpec, check: Callable[[], Any], filename: str, private: bool = False
) -> Response:
    try:
        stored = service.stored_feed(spec, check)
    except build.FeedGoneError as exc:
        raise not_found("calendar") from exc
    feed_cache().remember_url(_url(), spec.key, filename, private)
    return stored_response(stored, filename, private=private)


# Public feeds --------------------------------------------------------------------------------


@blp.get("/editions/<int:edition_id>/calendar.ics")
@operation_id("get_edition_feed")
@optional_login
@blp.arguments(schemas.EditionFeedArgs(), location="query")
@blp.response(200, **_ICS)
@answers(304)
def edition_feed(args: dict[str, Any], edition_id: int) -> Response:
    """The edition's timetable and opening hours; cancelled sessions stay, as CANCELLED."""
    spec = service.edition_spec(edition_id, args["lang"], args.get("kind"))
    return _serve(spec, lambda: events.get_edition(edition_id, None), f"edition-{edition_id}.ics")


@blp.get("/series/<slug>/calendar.ics")
@operation_id("get_series_feed")
@optional_login
@blp.arguments(schemas.FeedArgs(), location="query")
@blp.response(200, **_ICS)
@answers(304)
def series_feed(args: dict[str, Any], slug: str) -> Response:
    """Every published edition of the series, past and upcoming, with application windows."""
    series = events.series_by_slug(slug)
    spec = FeedSpec(FeedKind.SERIES, args["lang"], series.id)
    return _serve(spec, lambda: None, f"series-{slug}.ics")


@blp.get("/programme/<int:fiscal_year>/calendar.ics")
@operation_id("get_programme_feed")
@optional_login
@blp.arguments(schemas.FeedArgs(), location="query")
@blp.response(200, **_ICS)
@answers(304)
def programme_feed(args: dict[str, Any], fiscal_year: int) -> Response:
    """All editions of a fiscal year (年度), with application windows and deadlines."""
    if not 1989 <= fiscal_year <= 2200:
        raise not_found("fiscal_year")
    spec = FeedSpec(FeedKind.PROGRAMME, args["lang"], fiscal_year)
    return _serve(spec, lambda: None, f"programme-{fiscal_year}.ics")


@blp.get("/calendars/<token>.ics")
@operation_id("get_private_feed")
@optional_login
@blp.arguments(schemas.PrivateFeedArgs(), location="query")
@blp.response(200, **_ICS)
@answers(304)
def private_feed(args: dict[str, Any], token: str) -> Response:
    """An exhibitor's or an attendee's private feed, opened by the token in its link."""
    spec = tokens.spec_for(token, args.get("lang"))
    return _serve(spec, lambda: None, "calendar.ics", private=True)


@blp.get("/editions/<int:edition_id>/sessions/<int:session_id>/event.ics")
@operation_id("get_session_ics")
@optional_login
@blp.arguments(schemas.FeedArgs(), location="query")
@blp.response(200, content_type=CALENDAR, description="One event to add to a calendar")
@answers(304)
def session_ics(args: dict[str, Any], edition_id: int, session_id: int) -> Response:
    """One session as an .ics download ("add to calendar")."""
    edition = events.get_edition(edition_id, None)
    session = events.get_session(edition, session_id)
    body, modified = single.session_calendar(edition, session.id, args["lang"])
    return built_response(body, modified, f"session-{session.id}.ics")


# Subscribe links -----------------------------------------------------------------------------


def _links(name: str, path: str, query: str = "") -> dict[str, str]:
    return {"name": name, **tokens.links(path + (f"?{query}" if query else ""))}


def _query(lang: str, kinds: list[str] | None = None) -> str:
    parts = [f"lang={lang}"] + [f"kind={k}" for k in sorted(set(kinds or ()))]
    return "&".join(parts)


@blp.get("/editions/<int:edition_id>/calendar")
@operation_id("get_edition_calendar_links")
@optional_login
@blp.arguments(schemas.EditionFeedArgs(), location="query")
@blp.response(200, schemas.LinksSchema)
def edition_links(args: dict[str, Any], edition_id: int) -> dict[str, str]:
    """Subscription links (https and webcal) to the edition's calendar feed."""
    edition = events.get_edition(edition_id, None)
    name = pick(edition.title_ja, edition.title_en, args["lang"])
    path = f"/api/v1/editions/{edition.id}/calendar.ics"
    return _links(name, path, _query(args["lang"], args.get("kind")))


@blp.get("/series/<slug>/calendar")
@operation_id("get_series_calendar_links")
@optional_login
@blp.arguments(schemas.FeedArgs(), location="query")
@blp.response(200, schemas.LinksSchema)
def series_links(args: dict[str, Any], slug: str) -> dict[str, str]:
    """Subscription links (https and webcal) to the series' calendar feed."""
    series = events.series_by_slug(slug)
    name = pick(series.name_ja, series.name_en, args["lang"])
    return _links(name, f"/api/v1/series/{series.slug}/calendar.ics", _query(args["lang"]))


@blp.get("/programme/<int:fiscal_year>/calendar")
@operation_id("get_programme_calendar_links")
@optional_login
@blp.arguments(schemas.FeedArgs(), location="query")
@blp.response(200, schemas.LinksSchema)
def programme_links(args: dict[str, Any], fiscal_year: int) -> dict[str, str]:
    """Subscription links (https and webcal) to the fiscal year's calendar feed."""
    path = f"/api/v1/programme/{fiscal_year}/calendar.ics"
    return _links(str(fiscal_year), path, _query(args["lang"]))


@blp.get("/editions/<int:edition_id>/sessions/<int:session_id>/calendar")
@operation_id("get_session_calendar_links")
@optional_login
@blp.arguments(schemas.FeedArgs(), location="query")
@blp.response(200, schemas.EventLinksSchema)
def session_links(args: dict[str, Any], edition_id: int, session_id: int) -> dict[str, Any]:
    """An .ics download of one session, and subscription links to its edition's feed."""
    edition = events.get_edition(edition_id, None)
    session = events.get_session(edition, session_id)
    base = f"/api/v1/editions/{edition.id}"
    lang = args["lang"]
    return {
        "ics": tokens.links(f"{base}/sessions/{session.id}/event.ics?lang={lang}")["https"],
        "feed": _links(
            pick(edition.title_ja, edition.title_en, lang),
            f"{base}/calendar.ics",
            _query(lang),
        ),
    }


# Private links -------------------------------------------------------------------------------


def _link_state(token: FeedToken | None, secret: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "active": token is not None,
        "lang": token.lang if token else None,
        "created_at": token.created_at if token else None,
    }
    if secret is not None:
        out.update(tokens.links(tokens.feed_path(secret)))
    return out


def _own_organisation(organisation_id: int) -> Organisation:
    """The organisation whose link the user may manage: accounts decides, and answers 404 to a
    stranger as it does everywhere, so organisation ids cannot be probed here either."""
    return accounts.editable_organisation(require_user(), organisation_id)


@blp.get("/organisations/<int:organisation_id>/calendar-link")
@operation_id("get_exhibitor_calendar_link")
@login_required()
@blp.response(200, schemas.PrivateLinkSchema)
def exhibitor_link(organisation_id: int) -> dict[str, Any]:
    """Whether the exhibitor's private feed link exists (its URL was shown once)."""
    return _link_state(tokens.live_token(_own_organisation(organisation_id).id))


@blp.post("/organisations/<int:organisation_id>/calendar-link")
@operation_id("renew_exhibitor_calendar_link")
@login_required()
@blp.arguments(schemas.LinkInSchema)
@blp.response(201, schemas.PrivateLinkSchema)
def renew_exhibitor_link(data: dict[str, Any], organisation_id: int) -> dict[str, Any]:
    """A new private feed link (sessions, bookings, set-up, deadlines); the old one stops."""
    organisation = _own_organisation(organisation_id)
    token, secret = tokens.renew(data["lang"], current_user(), organisation_id=organisation.id)
    db.session.commit()
    return _link_state(token, secret)


@blp.delete("/organisations/<int:organisation_id>/calendar-link")
@operation_id("revoke_exhibitor_calendar_link")
@login_required()
@blp.response(204)
def revoke_exhibitor_link(organisation_id: int) -> None:
    """Revoke the organisation's private feed link; calendars subscribed to it stop updating."""
    tokens.revoke(_own_organisation(organisation_id).id)
    db.session.commit()


@blp.get("/passes/<int:pass_id>/calendar-link")
@operation_id("get_attendee_calendar_link")
@blp.doc(security=PASS_KEY_SECURITY)
@optional_login
@blp.arguments(KEY_ARGS, location="query")
@blp.response(200, schemas.PrivateLinkSchema)
def attendee_link(args: dict[str, Any], pass_id: int) -> dict[str, Any]:
    """Whether the holder's private bookings feed link exists (its URL was shown once)."""
    registration = bookings.attendee(pass_id, args.get("key"))
    return _link_state(tokens.live_token(registration_id=registration.id))


@blp.post("/passes/<int:pass_id>/calendar-link")
@operation_id("renew_attendee_calendar_link")
@blp.doc(security=PASS_KEY_SECURITY)
@optional_login
@blp.arguments(KEY_ARGS, location="query")
@blp.arguments(schemas.LinkInSchema)
@blp.response(201, schemas.PrivateLinkSchema)
def renew_attendee_link(args: dict[str, Any], data: dict[str, Any], pass_id: int) -> dict[str, Any]:
    """A new private link to the holder's bookings feed; the old one stops."""
    registration = bookings.attendee(pass_id, args.get("key"))
    token, secret = tokens.renew(data["lang"], None, registration_id=registration.id)
    db.session.commit()
    return _link_state(token, secret)


@blp.delete("/passes/<int:pass_id>/calendar-link")
@operation_id("revoke_attendee_calendar_link")
@blp.doc(security=PASS_KEY_SECURITY)
@optional_login
@blp.arguments(KEY_ARGS, location="query")
@blp.response(204)
def revoke_attendee_link(args: dict[str, Any], pass_id: int) -> None:
    """Revoke the holder's private feed link; calendars subscribed to it stop updating."""
    tokens.revoke(registration_id=bookings.attendee(pass_id, args.get("key")).id)
    db.session.commit()


# Schedule: opening hours, set-up and tear-down -----------------------------------------------


@blp.get("/editions/<int:edition_id>/schedule")
@optional_login
@blp.arguments(schemas.ScheduleListArgs(), location="query")
@blp.response(200, page_of(schemas.ScheduleItemSchema))
def list_schedule(args: dict[str, Any], edition_id: int) -> dict[str, Any]:
    """The edition's opening hours and the exhibitors' set-up and tear-down times."""
    edition = events.get_edition(edition_id, current_user())
    return paginate(schedule.items_query(edition, args), args)


@blp.post("/editions/<int:edition_id>/schedule")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.ScheduleItemSchema)
@blp.response(201, schemas.ScheduleItemSchema)
def create_schedule_item(data: dict[str, Any], edition_id: int) -> ScheduleItem:
    """Opening hours of a day, or the exhibitors' set-up or tear-down time."""
    item = schedule.create(events.get_edition(edition_id, current_user()), data)
    db.session.commit()
    return item


@blp.patch("/editions/<int:edition_id>/schedule/<int:item_id>")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.ScheduleItemUpdateSchema(partial=True))
@blp.response(200, schemas.ScheduleItemSchema)
def update_schedule_item(data: dict[str, Any], edition_id: int, item_id: int) -> ScheduleItem:
    """Change an opening-hours, set-up or tear-down item (organisers)."""
    edition = events.get_edition(edition_id, current_user())
    item = schedule.update(edition, schedule.get(edition, item_id), data)
    commit_versioned(item)
    return item


@blp.delete("/editions/<int:edition_id>/schedule/<int:item_id>")
@login_required(Role.ORGANISER)
@blp.response(204)
def delete_schedule_item(edition_id: int, item_id: int) -> None:
    """Delete an opening-hours, set-up or tear-down item (organisers)."""
    edition = events.get_edition(edition_id, current_user())
    schedule.delete(edition, schedule.get(edition, item_id))
    db.session.commit()
