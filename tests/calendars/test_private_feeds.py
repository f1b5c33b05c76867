"""Exhibitors' and attendees' private feeds: unguessable links, revocable and renewable."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa

from eventhub.calendars.models import FeedToken
from eventhub.extensions import db
from tests.accounts.helpers import organisation_payload
from tests.bookings.helpers import book, book_url, hands_on
from tests.booths.helpers import (
    allocate,
    approved_application,
    booth_body,
    make_booths,
    problem,
)
from tests.calendars.helpers import add_session, attendee, by_uid, edition, events, parse


def path(link: str) -> str:
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def schedule(organiser, edition_id, kind, starts, ends):
    body = {"kind": kind, "starts_at": starts, "ends_at": ends, "note_ja": "東搬入口から"}
    response = organiser.post(f"/api/v1/editions/{edition_id}/schedule", json=body)
    assert response.status_code == 201, response.json
    return response.json


def test_exhibitor_feed_shows_its_sessions_bookings_booth_and_set_up(
    app, organiser, exhibitor, anonymous, make_user
):
    ed = edition(organiser)
    application = approved_application(organiser, exhibitor, ed)
    organisation_id = application["organisation_id"]
    (booth,) = make_booths(organiser, ed["id"], booth_body("A-01"))
    assert allocate(organiser, application["id"], booth["id"]).status_code == 201
    setup = schedule(
        organiser, ed["id"], "setup", "2027-10-27T13:00:00+09:00", "2027-10-27T18:00:00+09:00"
    )
    meeting = add_session(
        organiser,
        ed["id"],
        kind="business_meeting",
        seats=1,
        title_ja="商談 杉の家具",
        organisation_id=organisation_id,
    )
    someone_else = add_session(organiser, ed["id"], title_ja="他社の実演")
    pass_id, key = attendee(anonymous, app, ed["id"], name="鈴木 一郎", organisation_name="木の店")
    assert book(anonymous, pass_id, key, meeting["id"]).status_code == 201

    link = exhibitor.post(f"/api/v1/organisations/{organisation_id}/calendar-link", json={})
    assert link.status_code == 201, link.json
    assert link.json["webcal"].startswith("webcal://eventhub.test/api/v1/calendars/")
    response = anonymous.get(path(link.json["https"]))

    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("private")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    calendar = parse(response.data)
    event = by_uid(calendar, f"session-{meeting['id']}@")
    assert "予約: 1名（定員 1名）" in str(event["DESCRIPTION"])
    assert "鈴木 一郎（木の店）" in str(event["DESCRIPTION"])
    assert not [
        e for e in events(calendar) if str(e["UID"]).startswith(f"session-{someone_else['id']}@")
    ]
    set_up = by_uid(calendar, f"schedule-{setup['id']}@")
    assert str(set_up["SUMMARY"]).startswith("搬入・設営")
    assert str(set_up["LOCATION"]).endswith("小間 A-01")
    assert by_uid(calendar, f"edition-{ed['id']}@")
    # Nobody else manages the link.
    stranger = make_user()
    problem(
        stranger.post(f"/api/v1/organisations/{organisation_id}/calendar-link"), 404, "not_found"
    )


def test_a_stranger_cannot_tell_an_organisation_from_a_missing_one(organiser, exhibitor, make_user):
    organisation = exhibitor.post("/api/v1/organisations", json=organisation_payload()).json
    stranger = make_user()
    url = "/api/v1/organisations/{}/calendar-link"

    for call in (stranger.get, stranger.post, stranger.delete):
        existing = call(url.format(organisation["id"]))
        missing = call(url.format(organisation["id"] + 1000))
        problem(existing, 404, "not_found")
        assert existing.json == missing.json
    assert exhibitor.get(url.format(organisation["id"])).json["active"] is False
    assert organiser.get(url.format(organisation["id"])).status_code == 200


def test_a_booking_reaches_the_exhibitor_feed(app, organiser, exhibitor, anonymous):
    ed = edition(organiser)
    organisation = exhibitor.post("/api/v1/organisations", json=organisation_payload())
    assert organisation.status_code == 201, organisation.json
    slot = hands_on(organiser, ed["id"], seats=5, organisation_id=organisation.json["id"])
    link = exhibitor.post(f"/api/v1/organisations/{organisation.json['id']}/calendar-link", json={})
    before = anonymous.get(path(link.json["https"]))
    assert "予約: 0名" in str(by_uid(parse(before.data), "session-")["DESCRIPTION"])

    who = attendee(anonymous, app, ed["id"])
    assert book(anonymous, *who, slot["id"], seats=2).status_code == 201
    after = anonymous.get(
        path(link.json["https"]), headers={"If-None-Match": before.headers["ETag"]}
    )

    assert after.status_code == 200
    assert "予約: 2名（定員 5名）" in str(by_uid(parse(after.data), "session-")["DESCRIPTION"])


def test_links_are_renewed_and_revoked_and_only_their_hash_is_kept(
    app, organiser, exhibitor, anonymous
):
    ed = edition(organiser)
    application = approved_application(organiser, exhibitor, ed)
    url = f"/api/v1/organisations/{application['organisation_id']}/calendar-link"
    first = exhibitor.post(url, json={"lang": "en"}).json
    second = exhibitor.post(url, json={}).json

    assert anonymous.get(path(first["https"])).status_code == 404
    assert anonymous.get(path(second["https"])).status_code == 200
    state = exhibitor.get(url).json
    assert state["active"] is True
    assert "https" not in state
    token = path(second["https"]).split("/")[-1].removesuffix(".ics")
    with app.app_context():
        stored = db.session.scalars(sa.select(FeedToken.token_hash)).all()
    assert token not in stored
    assert len(stored) == 2
    assert exhibitor.delete(url).status_code == 204
    assert anonymous.get(path(second["https"])).status_code == 404
    assert exhibitor.get(url).json["active"] is False


def test_attendee_feed_shows_bookings_and_their_cancellation(app, organiser, anonymous):
    ed = edition(organiser)
    slot = hands_on(organiser, ed["id"])
    pass_id, key = attendee(anonymous, app, ed["id"])
    booking = book(anonymous, pass_id, key, slot["id"]).json
    link = anonymous.post(f"/api/v1/passes/{pass_id}/calendar-link?key={key}", json={})
    assert link.status_code == 201, link.json

    booked = by_uid(parse(anonymous.get(path(link.json["https"])).data), f"booking-{slot['id']}-")
    anonymous.post(book_url(pass_id, key, f"/{booking['id']}/cancel"))
    cancelled = by_uid(
        parse(anonymous.get(path(link.json["https"])).data), f"booking-{slot['id']}-"
    )

    assert booked["STATUS"] == "CONFIRMED"
    assert "予約 1名" in str(booked["DESCRIPTION"])
    assert cancelled["UID"] == booked["UID"]
    assert cancelled["STATUS"] == "CANCELLED"
    assert str(cancelled["SUMMARY"]) == "【中止】" + str(booked["SUMMARY"])
    assert not str(booked["SUMMARY"]).startswith("【中止】")
    assert cancelled["SEQUENCE"] > booked["SEQUENCE"]
    problem(
        anonymous.post(f"/api/v1/passes/{pass_id}/calendar-link?key=wrong", json={}),
        404,
        "not_found",
    )
