"""Rate limits of the anonymous entry points: each answers 429 with Retry-After past its budget,
per client address, which only trusted proxies may set through X-Forwarded-For."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.accounts.helpers import assert_problem, login
from tests.booths.helpers import open_edition
from tests.checkin.test_pairing_api import create_device
from tests.conftest import Api, _make_app
from tests.pages.conftest import Reader, text_of
from tests.passes.helpers import registration_body, registrations_url

LIMIT = 3


@pytest.fixture
def limited(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Set one group's limit to LIMIT per minute for this test."""

    def limit(setting: str) -> None:
        monkeypatch.setitem(app.config, setting, f"{LIMIT} per minute")

    return limit


def _refused_on_api(response: Any) -> dict[str, Any]:
    body = assert_problem(response, 429, "too_many_requests")
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= 60
    assert body["retry_after_seconds"] == seconds
    return body


def _refused_on_page(response: Any) -> str:
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= 60
    page = text_of(response)
    assert f"{seconds}" in page
    return page


def _past_the_limit(send: Callable[[], Any]) -> tuple[list[int], Any]:
    """The statuses of LIMIT requests, and the answer to one more."""
    return [send().status_code for _ in range(LIMIT)], send()


def test_api_login_is_limited_per_client_address(client, limited, make_user):
    limited("EVENTHUB_RATE_LIMIT_LOGIN")
    make_user(email="alice@example.jp")  # its login is one of the budget's...
    statuses, refused = _past_the_limit(lambda: login(client, "bob@example.jp", "guess"))

    assert statuses[: LIMIT - 1] == [401] * (LIMIT - 1)  # ...so the budget runs out one early
    assert statuses[-1] == 429
    body = _refused_on_api(refused)
    assert body["title"] == "Too many requests."
    japanese = client.post(
        "/api/v1/auth/login",
        json={"email": "alice@example.jp", "password": "x"},
        headers={"Accept-Language": "ja"},
    )
    assert "秒" in assert_problem(japanese, 429, "too_many_requests")["detail"]
    elsewhere = client.post(
        "/api/v1/auth/login",
        json={"email": "alice@example.jp", "password": "correct horse battery"},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert elsewhere.status_code == 201


def test_login_page_is_limited_with_an_error_page(client, limited):
    limited("EVENTHUB_RATE_LIMIT_LOGIN")
    reader = Reader(client)
    statuses, refused = _past_the_limit(lambda: reader.login("bob@example.jp", "guess"))

    assert statuses == [422] * LIMIT
    page = _refused_on_page(refused)
    assert "リクエストが多すぎます" in page
    assert "秒後にもう一度お試しください" in page
    assert client.get("/login").status_code == 200  # reading the form costs nothing


def test_sign_up_is_limited(client, limited):
    limited("EVENTHUB_RATE_LIMIT_SIGN_UP")
    counter = iter(range(100))

    def sign_up() -> Any:
        body = {
            "email": f"new{next(counter)}@example.jp",
            "password": "correct horse battery",
            "display_name": "新規 利用者",
        }
        return client.post("/api/v1/users", json=body)

    statuses, refused = _past_the_limit(sign_up)

    assert statuses == [201] * LIMIT
    _refused_on_api(refused)
    page = Reader(client).submit("/signup", {"email": "page@example.jp"})
    _refused_on_page(page)  # the page shares the API's budget


def test_attendee_registration_is_limited_but_not_for_a_token(
    client, limited, organiser: Api, anonymous: Api
):
    edition = open_edition(organiser)
    limited("EVENTHUB_RATE_LIMIT_REGISTRATION")
    counter = iter(range(100))

    def register(api: Api) -> Any:
        body = registration_body(email=f"visitor{next(counter)}@example.jp")
        return api.post(registrations_url(edition["id"]), json=body)

    statuses, refused = _past_the_limit(lambda: register(anonymous))

    assert statuses == [201] * LIMIT
    _refused_on_api(refused)
    assert register(organiser).status_code == 201  # an organiser's integration is exempt
    forged = Api(client, "eh_not-a-real-token")
    _refused_on_api(register(forged))  # a wrong token earns no exemption


def test_password_reset_requests_are_limited(client, limited):
    limited("EVENTHUB_RATE_LIMIT_PASSWORD_RESET")

    def ask() -> Any:
        return client.post("/api/v1/auth/password-reset", json={"email": "who@example.jp"})

    statuses, refused = _past_the_limit(ask)

    assert statuses == [202] * LIMIT
    _refused_on_api(refused)


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/passes/1?key=guess", None),
        ("get", "/api/v1/passes/1/qr.png?key=guess", None),
        ("get", "/api/v1/calendars/guess.ics", None),
        ("get", "/api/v1/passes/1/bookings?key=guess", None),
        ("post", "/api/v1/auth/verify-email", {"token": "guess"}),
        ("post", "/api/v1/auth/password-reset/confirm", {"token": "guess", "password": "x" * 12}),
    ],
)
def test_guessing_private_links_is_limited(client, limited, method, url, body):
    limited("EVENTHUB_RATE_LIMIT_LINKS")
    send = getattr(client, method)
    statuses, refused = _past_the_limit(lambda: send(url, json=body))

    assert all(400 <= status < 429 for status in statuses), statuses
    _refused_on_api(refused)


@pytest.mark.parametrize(
    "url", ["/passes/1?key=guess", "/account/verify/guess", "/account/password/reset/guess"]
)
def test_guessing_private_links_on_pages_is_limited(client, limited, url):
    limited("EVENTHUB_RATE_LIMIT_LINKS")
    statuses, refused = _past_the_limit(lambda: client.get(url))

    assert all(400 <= status < 429 for status in statuses), statuses
    _refused_on_page(refused)


def test_a_pairing_code_that_works_costs_nothing(client, limited, organiser: Api):
    limited("EVENTHUB_RATE_LIMIT_PAIRING")
    device = create_device(organiser, open_edition(organiser)["id"])
    renew = f"/api/v1/devices/{device['id']}/pairing-code"

    wrong = [pair(client, "ABCD-EFGH").status_code for _ in range(LIMIT - 1)]
    right = [pair(client, device["pairing_code"]).status_code]
    for _ in range(LIMIT):
        right.append(pair(client, organiser.post(renew).json["pairing_code"]).status_code)
    last_wrong = pair(client, "ABCD-EFGH")

    assert wrong == [422] * (LIMIT - 1)
    assert right == [201] * (LIMIT + 1)
    assert last_wrong.status_code == 422  # the codes that worked left the budget whole
    _refused_on_api(pair(client, "ABCD-EFGH"))


def pair(client: Any, code: str) -> Any:
    return client.post("/api/v1/device/pair", json={"code": code})


def test_pairing_code_guesses_are_limited(client, limited):
    limited("EVENTHUB_RATE_LIMIT_PAIRING")

    def guess() -> Any:
        return client.post("/api/v1/device/pair", json={"code": "ABCD-EFGH"})

    statuses, refused = _past_the_limit(guess)

    assert all(status == 422 for status in statuses), statuses
    _refused_on_api(refused)


# Client addresses behind proxies ---------------------------------------------------------------


@pytest.fixture
def proxied_app(app: Flask) -> Flask:
    """The app as deployed behind one reverse proxy, on the same database."""
    behind = _make_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        Path(app.instance_path),
        EVENTHUB_TRUSTED_PROXIES=1,
        EVENTHUB_RATE_LIMIT_PAIRING=f"{LIMIT} per minute",
    )
    return behind


def _guess_pairing_from(client: Any, forwarded_for: str) -> int:
    response = client.post(
        "/api/v1/device/pair",
        json={"code": "ABCD-EFGH"},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return int(response.status_code)


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, limited):
    limited("EVENTHUB_RATE_LIMIT_PAIRING")
    statuses = [_guess_pairing_from(client, f"198.51.100.{n}") for n in range(LIMIT + 1)]

    assert statuses == [422] * LIMIT + [429]  # a header anyone can write changes nothing


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_budget(proxied_app):
    client = proxied_app.test_client()
    statuses = [_guess_pairing_from(client, "198.51.100.1") for _ in range(LIMIT + 1)]
    other = _guess_pairing_from(client, "198.51.100.2")

    assert statuses == [422] * LIMIT + [429]
    assert other == 422
