"""Password reset by mail through HTTP: the same answer for every address, the throttle, the
single-use link that expires, and what a reset ends (sessions, tokens, login locks)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventhub.accounts.models import User
from eventhub.extensions import db
from tests.accounts.helpers import (
    age_links,
    assert_invalid,
    assert_problem,
    login,
    mailed_token,
    mails_to,
)
from tests.conftest import Api

REQUEST = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"
ME = "/api/v1/users/me"
PAGE = "/account/password/reset/"
EMAIL = "taro@example.jp"
NEW_PASSWORD = "a fresh passphrase 2026"


@pytest.fixture
def taro(make_user) -> Api:
    return make_user(email=EMAIL)


def _reset_token(app, anonymous: Api, email: str = EMAIL) -> str:
    assert anonymous.post(REQUEST, json={"email": email}).status_code == 202
    return mailed_token(app, email, PAGE)


def test_request_mails_a_reset_link_in_the_users_language(app, anonymous, taro):
    taro.patch(ME, json={"locale": "en"})

    response = anonymous.post(REQUEST, json={"email": EMAIL})

    assert response.status_code == 202
    assert response.json == {"status": "accepted"}
    [(subject, body)] = mails_to(app, EMAIL)
    assert subject == "[eventhub] Reset your password"
    assert f"https://eventhub.test{PAGE}" in body


def test_request_for_an_unknown_address_answers_the_same_and_mails_nothing(app, anonymous, taro):
    known = anonymous.post(REQUEST, json={"email": EMAIL})
    unknown = anonymous.post(REQUEST, json={"email": "nobody@example.jp"})

    assert (unknown.status_code, unknown.get_data()) == (known.status_code, known.get_data())
    assert mails_to(app, "nobody@example.jp") == []


def test_request_finds_the_account_whatever_the_case_of_the_address(app, anonymous, taro):
    anonymous.post(REQUEST, json={"email": "TARO@Example.JP"})

    assert len(mails_to(app, EMAIL)) == 1


def test_requests_are_throttled_per_address(app, anonymous, taro):
    for _ in range(3):
        assert anonymous.post(REQUEST, json={"email": EMAIL}).status_code == 202
    assert len(mails_to(app, EMAIL)) == 1

    age_links(app, EMAIL, timedelta(minutes=5, seconds=1))
    anonymous.post(REQUEST, json={"email": EMAIL})

    assert len(mails_to(app, EMAIL)) == 2


def test_request_needs_a_valid_email(anonymous):
    assert_invalid(anonymous.post(REQUEST, json={"email": "taro"}), "email")


def test_confirm_sets_the_new_password(app, anonymous, client, taro):
    token = _reset_token(app, anonymous)

    response = anonymous.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD})

    assert response.status_code == 204
    assert login(client, EMAIL, NEW_PASSWORD).status_code == 201
    assert_problem(login(client, EMAIL), 401, "invalid_credentials")


def test_a_reset_ends_every_session_and_token(app, anonymous, client, taro):
    script = taro.post("/api/v1/auth/tokens", json={"name": "script", "days": 30}).json["token"]
    token = _reset_token(app, anonymous)

    anonymous.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD})

    assert_problem(taro.get(ME), 401, "unauthenticated")
    assert_problem(Api(client, script).get(ME), 401, "unauthenticated")


def test_a_reset_lifts_the_login_lock(app, anonymous, client, taro):
    for _ in range(6):
        login(client, EMAIL, "wrong password!")
    assert_problem(login(client, EMAIL), 429, "login_locked")
    token = _reset_token(app, anonymous)

    anonymous.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD})

    assert login(client, EMAIL, NEW_PASSWORD).status_code == 201


def test_a_reset_link_works_once(app, anonymous, taro):
    token = _reset_token(app, anonymous)
    anonymous.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD})

    again = anonymous.post(CONFIRM, json={"token": token, "password": "yet another passphrase"})

    body = assert_invalid(again, "token")
    assert "already been used" in body["errors"][0]["message"]


def test_a_reset_link_expires_after_an_hour(app, anonymous, client, taro):
    token = _reset_token(app, anonymous)
    age_links(app, EMAIL, timedelta(hours=1, seconds=1))

    response = anonymous.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD})

    body = assert_invalid(response, "token")
    assert "expired" in body["errors"][0]["message"]
    assert login(client, EMAIL).status_code == 201


def test_a_used_reset_voids_the_other_reset_links(app, anonymous, taro):
    first = _reset_token(app, anonymous)
    age_links(app, EMAIL, timedelta(minutes=6))
    second = _reset_token(app, anonymous)
    assert first != second

    anonymous.post(CONFIRM, json={"token": second, "password": NEW_PASSWORD})

    assert_invalid(anonymous.post(CONFIRM, json={"token": first, "password": "x" * 12}), "token")


def test_a_short_new_password_is_refused_and_the_link_kept(app, anonymous, client, taro):
    token = _reset_token(app, anonymous)

    assert_invalid(anonymous.post(CONFIRM, json={"token": token, "password": "short"}), "password")

    assert (
        anonymous.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD}).status_code == 204
    )


def test_a_verification_token_does_not_reset(app, anonymous, client):
    body = {"email": "new@example.jp", "password": "a long password", "display_name": "新人"}
    anonymous.post("/api/v1/users", json=body)
    verify = mailed_token(app, "new@example.jp", "/account/verify/")

    response = anonymous.post(CONFIRM, json={"token": verify, "password": NEW_PASSWORD})

    assert_invalid(response, "token")


def test_a_reset_verifies_an_unverified_address(app, anonymous, client):
    body = {"email": "new@example.jp", "password": "a long password", "display_name": "新人"}
    anonymous.post("/api/v1/users", json=body)
    token = _reset_token(app, anonymous, "new@example.jp")

    anonymous.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD})

    me = Api(client, login(client, "new@example.jp", NEW_PASSWORD).json["token"]).get(ME)
    assert me.json["email_verified"] is True


def test_a_disabled_account_gets_no_reset_mail(app, anonymous, taro):
    with app.app_context():
        db.session.get(User, taro.user_id).is_active = False
        db.session.commit()

    assert anonymous.post(REQUEST, json={"email": EMAIL}).status_code == 202

    assert mails_to(app, EMAIL) == []
