"""When failed logins lock an address, its owner is mailed a link that lifts the lock: someone
failing on purpose cannot keep them out. The link is single-use and expires after an hour."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from eventhub.accounts import service
from tests.accounts.helpers import (
    age_links,
    assert_invalid,
    assert_problem,
    login,
    mailed_token,
    mails_to,
)
from tests.conftest import Api
from tests.pages.conftest import Reader, text_of

ALLOWED = service.LOGIN_FAILURES_ALLOWED
EMAIL = "alice@example.jp"
UNLOCK = "/api/v1/auth/unlock"
PAGE = "/account/unlock/"


def _lock(client, email: str = EMAIL) -> None:
    failures = [login(client, email, "a wrong guess").status_code for _ in range(ALLOWED)]
    assert failures == [401] * ALLOWED
    assert_problem(login(client, email), 429, "login_locked")


def _unlock_mails(app: Flask, email: str = EMAIL) -> list[tuple[str, str]]:
    return [(s, b) for s, b in mails_to(app, email) if PAGE in b]


def test_a_lock_mails_the_owner_a_link_that_lifts_it_once(app, client, make_user):
    make_user(email=EMAIL)
    _lock(client)

    (subject, _body) = _unlock_mails(app)[0]
    assert "ロック" in subject
    token = mailed_token(app, EMAIL, PAGE)
    unlocked = Api(client).post(UNLOCK, json={"token": token})
    again = Api(client).post(UNLOCK, json={"token": token})

    assert unlocked.status_code == 204, unlocked.get_data(as_text=True)
    assert login(client, EMAIL).status_code == 201
    assert "already been used" in assert_invalid(again, "token")["errors"][0]["message"]


def test_the_mail_is_in_the_owners_language_and_goes_once_per_lock(app, client, make_user):
    make_user(email=EMAIL)
    with app.app_context():
        user = service.by_email(EMAIL)
        assert user is not None
        user.locale = "en"
        from eventhub.extensions import db

        db.session.commit()
    _lock(client)
    for _ in range(3):  # each further failure lengthens the lock, but mails nothing more
        assert_problem(login(client, EMAIL, "another guess"), 429, "login_locked")

    mails = _unlock_mails(app)
    assert len(mails) == 1
    subject, body = mails[0]
    assert subject == "[eventhub] Logging in to your account is locked for a while"
    assert "The link works once" in body


def test_an_unknown_address_locks_without_a_mail(app, client):
    _lock(client, "nobody@example.jp")

    assert mails_to(app, "nobody@example.jp") == []


def test_an_expired_or_unknown_unlock_link_is_refused(app, client, make_user):
    make_user(email=EMAIL)
    _lock(client)
    token = mailed_token(app, EMAIL, PAGE)
    age_links(app, EMAIL, timedelta(hours=2))

    expired = Api(client).post(UNLOCK, json={"token": token})
    unknown = Api(client).post(UNLOCK, json={"token": "not-a-link"})

    assert "expired" in assert_invalid(expired, "token")["errors"][0]["message"]
    assert "not valid" in assert_invalid(unknown, "token")["errors"][0]["message"]
    assert_problem(login(client, EMAIL), 429, "login_locked")


def test_a_reset_link_does_not_unlock(app, client, make_user):
    make_user(email=EMAIL)
    _lock(client)
    Api(client).post("/api/v1/auth/password-reset", json={"email": EMAIL})
    reset = mailed_token(app, EMAIL, "/account/password/reset/")

    refused = Api(client).post(UNLOCK, json={"token": reset})

    assert "not valid" in assert_invalid(refused, "token")["errors"][0]["message"]


def test_the_page_of_the_link_lifts_the_lock_with_its_button(app, make_user):
    make_user(email=EMAIL)
    visitor = Reader(app.test_client())
    for _ in range(ALLOWED):
        assert visitor.login(EMAIL, "a wrong guess").status_code == 422
    assert visitor.login(EMAIL).status_code == 422  # locked
    url = PAGE + mailed_token(app, EMAIL, PAGE)

    opened = visitor.get(url)
    assert opened.status_code == 200
    assert visitor.login(EMAIL).status_code == 422  # opening the page alone lifts nothing
    unlocked = visitor.submit(url)

    assert unlocked.status_code == 302
    assert unlocked.headers["Location"] == "/login"
    assert visitor.login(EMAIL).status_code == 302
    used = visitor.get(url)
    assert used.status_code == 422
    assert "使用済み" in text_of(used)
