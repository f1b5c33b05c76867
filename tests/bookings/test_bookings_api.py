"""Attendees book hands-on slots and business meetings with their pass's private key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from eventhub.events.models import TimetableSession
from eventhub.extensions import db
from tests.accounts.helpers import organisation_payload
from tests.bookings.helpers import availability, book, book_url, hands_on
from tests.booths.helpers import problem
from tests.calendars.helpers import add_session, attendee, edition


def test_booking_takes_seats_and_cancelling_frees_them(app, organiser, anonymous):
    ed = edition(organiser)
    session = hands_on(organiser, ed["id"], seats=3)
    pass_id, key = attendee(anonymous, app, ed["id"])

    response = book(anonymous, pass_id, key, session["id"], seats=2)

    assert response.status_code == 201, response.json
    assert response.json["status"] == "booked"
    assert response.json["session"]["title_ja"] == "木のスプーンづくり体験"
    assert availability(anonymous, ed["id"], session["id"])["available"] == 1
    booking_id = response.json["id"]
    cancelled = anonymous.post(book_url(pass_id, key, f"/{booking_id}/cancel"))
    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["status"] == "cancelled"
    assert cancelled.json["cancelled_at"]
    assert availability(anonymous, ed["id"], session["id"]) == {
        "session_id": session["id"],
        "bookable": True,
        "seats": 3,
        "booked": 0,
        "available": 3,
    }
    # Cancelling again changes nothing; booking again is allowed.
    assert anonymous.post(book_url(pass_id, key, f"/{booking_id}/cancel")).status_code == 200
    assert book(anonymous, pass_id, key, session["id"]).status_code == 201
    mine = anonymous.get(book_url(pass_id, key))
    assert [b["status"] for b in mine.json] == ["cancelled", "booked"]


def test_no_more_seats_than_there_are(app, organiser, anonymous):
    ed = edition(organiser)
    session = hands_on(organiser, ed["id"], seats=2)
    first = attendee(anonymous, app, ed["id"], email="a@example.jp")
    second = attendee(anonymous, app, ed["id"], email="b@example.jp")

    assert book(anonymous, *first, session["id"], seats=2).status_code == 201
    body = problem(book(anonymous, *second, session["id"]), 409, "fully_booked")

    assert body["available"] == 0
    assert availability(anonymous, ed["id"], session["id"])["booked"] == 2


def test_one_live_booking_per_attendee_and_no_overlaps(app, organiser, anonymous):
    ed = edition(organiser)
    session = hands_on(organiser, ed["id"])
    same_time = hands_on(organiser, ed["id"], title_ja="同時刻の体験")
    later = hands_on(
        organiser,
        ed["id"],
        starts_at="2027-10-28T13:00:00+09:00",
        ends_at="2027-10-28T13:30:00+09:00",
    )
    who = attendee(anonymous, app, ed["id"])

    assert book(anonymous, *who, session["id"]).status_code == 201
    problem(book(anonymous, *who, session["id"]), 409, "already_booked")
    problem(book(anonymous, *who, same_time["id"]), 409, "overlapping_booking")
    assert book(anonymous, *who, later["id"]).status_code == 201


def test_only_hands_on_and_meetings_of_the_attendees_edition_are_booked(app, organiser, anonymous):
    ed = edition(organiser)
    other = edition(organiser, title_ja="別の回")
    demo = add_session(organiser, ed["id"])
    elsewhere = hands_on(organiser, other["id"])
    unlimited = add_session(organiser, ed["id"], kind="business_meeting", title_ja="商談会")
    who = attendee(anonymous, app, ed["id"])

    problem(book(anonymous, *who, demo["id"]), 409, "not_bookable")
    response = book(anonymous, *who, elsewhere["id"])
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "session_id"
    assert book(anonymous, *who, unlimited["id"], seats=10).status_code == 201
    assert availability(anonymous, ed["id"], unlimited["id"])["available"] is None
    assert book(anonymous, *who, unlimited["id"], seats=11).status_code == 422


def test_cancelled_or_started_sessions_take_no_booking(app, organiser, anonymous):
    ed = edition(organiser)
    cancelled = hands_on(organiser, ed["id"])
    started = hands_on(organiser, ed["id"], title_ja="開始済み")
    organiser.patch(
        f"/api/v1/editions/{ed['id']}/sessions/{cancelled['id']}", json={"status": "cancelled"}
    )
    with app.app_context():
        db.session.execute(
            sa.update(TimetableSession)
            .where(TimetableSession.id == started["id"])
            .values(starts_at=datetime.now(UTC) - timedelta(minutes=5))
        )
        db.session.commit()
    who = attendee(anonymous, app, ed["id"])

    problem(book(anonymous, *who, cancelled["id"]), 409, "session_cancelled")
    problem(book(anonymous, *who, started["id"]), 409, "session_started")
    assert availability(anonymous, ed["id"], started["id"])["bookable"] is False


def test_a_wrong_or_missing_key_books_nothing(app, organiser, anonymous):
    ed = edition(organiser)
    session = hands_on(organiser, ed["id"])
    pass_id, _key = attendee(anonymous, app, ed["id"])

    problem(book(anonymous, pass_id, "AAAAAAAAAAAAAAAAAAAAAA", session["id"]), 404, "not_found")
    response = anonymous.post(f"/api/v1/passes/{pass_id}/bookings", json={"session_id": 1})
    problem(response, 401, "unauthenticated")
    assert availability(anonymous, ed["id"], session["id"])["booked"] == 0


def test_exhibitor_sees_who_booked_its_meeting_and_records_it_held(
    app, organiser, exhibitor, make_user, anonymous
):
    ed = edition(organiser)
    organisation = exhibitor.post("/api/v1/organisations", json=organisation_payload())
    assert organisation.status_code == 201, organisation.json
    meeting = add_session(
        organiser,
        ed["id"],
        kind="business_meeting",
        seats=1,
        title_ja="商談 木製家具",
        organisation_id=organisation.json["id"],
    )
    pass_id, key = attendee(anonymous, app, ed["id"], name="鈴木 一郎")
    booking = book(anonymous, pass_id, key, meeting["id"]).json
    url = f"/api/v1/editions/{ed['id']}/sessions/{meeting['id']}/bookings"

    listed = exhibitor.get(url)
    stranger = make_user()

    assert listed.status_code == 200, listed.json
    assert [b["attendee_name"] for b in listed.json["items"]] == ["鈴木 一郎"]
    problem(stranger.get(url), 403, "forbidden")
    problem(anonymous.get(url), 401, "unauthenticated")
    early = exhibitor.post(f"/api/v1/bookings/{booking['id']}/attendance", json={"attended": True})
    problem(early, 409, "session_not_started")
    with app.app_context():
        db.session.execute(
            sa.update(TimetableSession)
            .where(TimetableSession.id == meeting["id"])
            .values(starts_at=datetime.now(UTC) - timedelta(minutes=30))
        )
        db.session.commit()
    held = exhibitor.post(f"/api/v1/bookings/{booking['id']}/attendance", json={"attended": True})
    assert held.status_code == 200, held.json
    assert held.json["attended_at"]
    problem(
        stranger.post(f"/api/v1/bookings/{booking['id']}/attendance", json={"attended": True}),
        403,
        "forbidden",
    )
    # The exhibitor may still cancel after the start; the attendee may not.
    problem(
        anonymous.post(book_url(pass_id, key, f"/{booking['id']}/cancel")), 409, "session_started"
    )
    assert exhibitor.post(f"/api/v1/bookings/{booking['id']}/cancel").status_code == 200


def test_seats_cannot_drop_below_what_is_booked(app, organiser, anonymous):
    ed = edition(organiser)
    session = hands_on(organiser, ed["id"], seats=4)
    who = attendee(anonymous, app, ed["id"])
    assert book(anonymous, *who, session["id"], seats=3).status_code == 201
    url = f"/api/v1/editions/{ed['id']}/sessions/{session['id']}"

    refused = organiser.patch(url, json={"seats": 2})
    allowed = organiser.patch(url, json={"seats": 3})

    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "seats"
    assert allowed.status_code == 200, allowed.json
    assert availability(anonymous, ed["id"], session["id"])["available"] == 0
