"""Booking and cancelling from the pass: seats left, full slots, overlaps, cancel, CSRF."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from eventhub.bookings.models import Booking
from eventhub.extensions import db
from tests.pages.attendee.helpers import registered_pass, with_key
from tests.pages.conftest import Reader, text_of


def _card(html: str, session_id: int) -> str:
    found = re.search(rf'id="session-{session_id}">(.*?)</li>', html, re.DOTALL)
    assert found, html
    return found.group(1)


def _book(reader: Reader, link: str, session_id: int, seats: int | str = 1) -> Any:
    url = with_key(link, "/bookings")
    return reader.submit(url, {"session_id": str(session_id), "seats": str(seats)})


def test_book_see_seats_left_and_cancel(
    app: Flask, visitor: Reader, open_edition: dict[str, Any], sessions: dict[str, Any]
) -> None:
    link = registered_pass(visitor, app, open_edition["id"])
    page = visitor.get(with_key(link, "/bookings"))
    assert page.status_code == 200
    html = text_of(page)
    assert "残り2席（定員2席）" in _card(html, sessions["spoon"]["id"])
    assert f'id="session-{sessions["demo"]["id"]}"' not in html  # a demonstration needs none

    booked = _book(visitor, link, sessions["spoon"]["id"], 2)
    assert booked.status_code == 302
    html = text_of(visitor.get(booked.headers["Location"]))
    assert "予約しました" in html
    card = _card(html, sessions["spoon"]["id"])
    assert "満席" in card
    assert "予約済み" in card
    assert "予約を取り消す" in html

    with app.app_context():
        booking_id = db.session.scalars(db.select(Booking.id)).one()
    cancel = with_key(link, f"/bookings/{booking_id}/cancel")
    assert visitor.client.post(cancel).status_code == 400  # no CSRF token
    done = visitor.submit(cancel, form_at=with_key(link, "/bookings"))
    assert done.status_code == 302
    html = text_of(visitor.get(done.headers["Location"]))
    assert "取り消しました" in html
    assert "残り2席（定員2席）" in _card(html, sessions["spoon"]["id"])
    with app.app_context():
        assert db.session.get(Booking, booking_id).status == "cancelled"


def test_a_full_slot_an_overlap_and_too_many_seats_are_refused(
    app: Flask,
    visitor: Reader,
    make_reader: Any,
    open_edition: dict[str, Any],
    sessions: dict[str, Any],
) -> None:
    mine = registered_pass(visitor, app, open_edition["id"])
    other_reader = make_reader()
    theirs = registered_pass(other_reader, app, open_edition["id"], email="jiro@example.jp")
    assert _book(other_reader, theirs, sessions["spoon"]["id"], 2).status_code == 302

    full = text_of(visitor.get(with_key(mine, "/bookings")))
    assert "満席" in _card(full, sessions["spoon"]["id"])
    refused = _book(visitor, mine, sessions["spoon"]["id"], 1)
    assert refused.status_code == 422
    assert "席が足りません" in text_of(refused)

    assert _book(visitor, mine, sessions["meeting"]["id"]).status_code == 302
    overlap = _book(other_reader, theirs, sessions["meeting"]["id"])
    assert overlap.status_code == 422
    assert "同じ時間帯に別の予約" in text_of(overlap)

    too_many = _book(visitor, mine, sessions["later"]["id"], 11)
    assert too_many.status_code == 422
    card = _card(text_of(too_many), sessions["later"]["id"])
    assert 'id="seats-' in card
    assert "-error" in card
    assert "1から10までの数値を入力してください。" in card

    with app.app_context():
        assert db.session.scalars(db.select(Booking)).all().__len__() == 2


def test_bookings_need_the_right_key(
    app: Flask, visitor: Reader, open_edition: dict[str, Any], sessions: dict[str, Any]
) -> None:
    link = registered_pass(visitor, app, open_edition["id"])
    wrong = with_key(link, "/bookings").split("?")[0] + "?key=AAAAAAAAAAAAAAAAAAAAAA"
    assert visitor.get(wrong).status_code == 404
    token = visitor.csrf_token(with_key(link, "/bookings"))
    post = visitor.client.post(
        wrong, data={"csrf_token": token, "session_id": sessions["spoon"]["id"], "seats": 1}
    )
    assert post.status_code == 404
    with app.app_context():
        assert db.session.scalars(db.select(Booking)).all() == []
