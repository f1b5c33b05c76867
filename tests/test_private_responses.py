"""Private answers are neither stored by caches nor content-sniffed, and the pass key may come
in a header, which stays out of access logs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.booths.helpers import approved_application
from tests.calendars.helpers import add_session, attendee, edition, feed_url, get_feed
from tests.conftest import PASSWORD

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def _private(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return response


@pytest.fixture
def holder(app, organiser, anonymous) -> tuple[dict[str, Any], int, str]:
    ed = edition(organiser)
    pass_id, key = attendee(anonymous, app, ed["id"])
    return ed, pass_id, key


def test_answers_with_a_key_or_personal_data_are_not_stored(
    client, organiser, exhibitor, anonymous, holder
):
    ed, pass_id, key = holder
    passes = f"/api/v1/passes/{pass_id}"

    assert _private(anonymous.get(f"{passes}?key={key}")).json["id"] == pass_id
    _private(anonymous.get(f"{passes}/bookings?key={key}"))
    _private(anonymous.get(f"{passes}/calendar-link?key={key}"))
    _private(organiser.get(passes))
    _private(organiser.get(f"/api/v1/editions/{ed['id']}/registrations"))
    _private(organiser.get("/api/v1/users/me"))
    _private(organiser.get(f"/api/v1/editions/{ed['id']}/applications/export"))
    application = approved_application(organiser, exhibitor, ed)
    _private(exhibitor.get(f"/api/v1/applications/{application['id']}/leads.csv"))
    login = {"email": "nobody@example.jp", "password": "wrong password"}
    _private(client.post("/api/v1/auth/login", json=login), 401)


def test_error_answers_are_not_stored_either(anonymous, holder):
    _, pass_id, _ = holder

    _private(anonymous.get(f"/api/v1/passes/{pass_id}?key=wrong"), 404)
    _private(anonymous.get("/api/v1/users/me"), 401)
    _private(anonymous.get("/api/v1/no-such-thing"), 404)


def test_token_answers_are_not_stored(client, make_user):
    user = make_user(email="script@example.jp")
    login = {"email": "script@example.jp", "password": PASSWORD}

    assert "token" in _private(client.post("/api/v1/auth/login", json=login), 201).json
    named = user.post("/api/v1/auth/tokens", json={"name": "script"})
    assert "token" in _private(named, 201).json


def test_public_feeds_keep_their_caching_and_are_not_sniffed(organiser, anonymous):
    ed = edition(organiser)
    add_session(organiser, ed["id"])

    first = get_feed(anonymous, feed_url(ed["id"]))
    again = anonymous.get(feed_url(ed["id"]), headers={"If-None-Match": first.headers["ETag"]})

    for response in (first, again):
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert again.status_code == 304


def test_the_pass_key_in_a_header_works_as_in_the_query(anonymous, holder):
    _, pass_id, key = holder
    passes = f"/api/v1/passes/{pass_id}"
    header = {"X-Pass-Key": key}

    by_header = _private(anonymous.get(passes, headers=header))
    assert by_header.json == anonymous.get(f"{passes}?key={key}").json
    _private(anonymous.get(f"{passes}/bookings", headers=header))
    _private(anonymous.get(f"{passes}/calendar-link", headers=header))
    assert anonymous.get(f"{passes}/print", headers=header).status_code == 200
    image = anonymous.get(f"{passes}/qr.png", headers=header)
    assert image.status_code == 200
    assert image.headers["Cache-Control"] == "private, max-age=3600"
    assert "X-Pass-Key" in image.headers["Vary"]
    # A wrong query key beside a right header changes nothing: the header is the key.
    assert anonymous.get(f"{passes}?key=wrong", headers=header).status_code == 200


@pytest.mark.parametrize(
    "path", ["", "/bookings", "/calendar-link", "/qr.png", "/qr.svg", "/print"]
)
def test_a_wrong_header_key_is_refused_like_a_wrong_query_key(anonymous, holder, path):
    _, pass_id, key = holder
    url = f"/api/v1/passes/{pass_id}{path}"

    by_query = anonymous.get(f"{url}?key=wrong")
    by_header = anonymous.get(url, headers={"X-Pass-Key": "wrong"})
    # The header is checked even when the query holds the right key.
    both = anonymous.get(f"{url}?key={key}", headers={"X-Pass-Key": "wrong"})

    for response in (by_header, both):
        assert (response.status_code, response.json["code"]) == (404, "not_found")
        assert response.json == by_query.json


def test_a_wrong_header_key_cannot_renew_or_cancel(anonymous, holder):
    _, pass_id, _ = holder
    header = {"X-Pass-Key": "wrong"}
    passes = f"/api/v1/passes/{pass_id}"

    renew = anonymous.post(f"{passes}/calendar-link", json={}, headers=header)
    cancel = anonymous.post(f"{passes}/bookings/1/cancel", headers=header)

    for response in (renew, cancel):
        assert (response.status_code, response.json["code"]) == (404, "not_found")


def test_the_openapi_document_offers_the_header_wherever_a_key_is_taken(anonymous):
    spec = anonymous.get("/api/v1/openapi.json").json
    scheme = spec["components"]["securitySchemes"]["passKey"]
    assert scheme == {"type": "apiKey", "in": "header", "name": "X-Pass-Key"}

    taking_a_key = set()
    offering_the_header = set()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            names = {(p["in"], p["name"]) for p in operation.get("parameters", [])}
            if ("query", "key") in names:
                taking_a_key.add((method, path))
            if {"passKey": []} in operation.get("security", []):
                offering_the_header.add((method, path))

    assert len(taking_a_key) >= 10  # the pass, its images and page, bookings, calendar link
    assert offering_the_header == taking_a_key
