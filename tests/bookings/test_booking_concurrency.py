"""Bookings of one session racing from many attendees at once: requests really run at the
same time, in threads, each with its own client and connection. Exactly the seats are taken."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa

from eventhub.bookings.models import Booking
from eventhub.extensions import db
from tests.bookings.helpers import book_url, hands_on
from tests.calendars.helpers import attendee, edition

#: Below the connection pool's 5 + 10, so no request waits for a connection.
N = 10
SEATS = 3


def race(app: Any, requests: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    barrier = threading.Barrier(len(requests))

    def send(url: str, body: dict[str, Any]) -> Any:
        client = app.test_client()
        barrier.wait()
        return client.post(url, json=body)

    with ThreadPoolExecutor(len(requests)) as pool:
        futures = [pool.submit(send, url, body) for url, body in requests]
        return [future.result(timeout=60) for future in futures]


def test_more_simultaneous_bookings_than_seats_fill_exactly_the_seats(app, organiser, anonymous):
    ed = edition(organiser)
    session = hands_on(organiser, ed["id"], seats=SEATS)
    people = [attendee(anonymous, app, ed["id"], email=f"v{i}@example.jp") for i in range(N)]

    responses = race(
        app, [(book_url(pass_id, key), {"session_id": session["id"]}) for pass_id, key in people]
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * SEATS + [409] * (N - SEATS), [r.json for r in responses]
    assert {r.json["code"] for r in responses if r.status_code == 409} == {"fully_booked"}
    with app.app_context():
        taken = db.session.scalar(
            sa.select(sa.func.sum(Booking.seats)).where(Booking.status == "booked")
        )
    assert taken == SEATS


def test_one_attendee_double_clicking_books_once(app, organiser, anonymous):
    ed = edition(organiser)
    session = hands_on(organiser, ed["id"], seats=SEATS)
    pass_id, key = attendee(anonymous, app, ed["id"])

    responses = race(app, [(book_url(pass_id, key), {"session_id": session["id"]})] * N)

    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * (N - 1)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 1
