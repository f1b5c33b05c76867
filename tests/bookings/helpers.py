"""Bookable sessions and bookings made through the API."""

from __future__ import annotations

from typing import Any

from tests.calendars.helpers import add_session
from tests.conftest import Api

PASSES = "/api/v1/passes"


def hands_on(organiser: Api, edition_id: int, seats: int = 3, **overrides: Any) -> dict[str, Any]:
    body = {"kind": "hands_on", "title_ja": "木のスプーンづくり体験", "seats": seats}
    return add_session(organiser, edition_id, **{**body, **overrides})


def book_url(pass_id: int, key: str, tail: str = "") -> str:
    return f"{PASSES}/{pass_id}/bookings{tail}?key={key}"


def book(client: Api, pass_id: int, key: str, session_id: int, seats: int = 1) -> Any:
    return client.post(book_url(pass_id, key), json={"session_id": session_id, "seats": seats})


def availability(client: Api, edition_id: int, session_id: int) -> dict[str, Any]:
    url = f"/api/v1/editions/{edition_id}/sessions/{session_id}/availability"
    response = client.get(url)
    assert response.status_code == 200, response.json
    return dict(response.json)
