"""Changing one's password and email address through HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.accounts.helpers import (
    age_links,
    assert_invalid,
    assert_problem,
    login,
    mailed_token,
    mails_to,
)
from tests.conftest import PASSWORD, Api

ME = "/api/v1/users/me"
PASSWORD_URL = "/api/v1/users/me/password"
CHANGE = "/api/v1/users/me/email-change"
CONFIRM = "/api/v1/auth/email-change/confirm"
PAGE = "/account/email/"
OLD = "old@example.jp"
NEW = "new@example.jp"
NEW_PASSWORD = "a much better passphrase"


@pytest.fixture
def user(make_user) -> Api:
    return make_user(email=OLD)


def _ask(user: Api, email: str = NEW, password: str = PASSWORD):
    return user.post(CHANGE, json={"email": email, "password": password})


# Password -------------------------------------------------------------------------------------


def test_change_password_keeps_this_session_and_ends_the_others(client, user):
    other = Api(client, login(client, OLD).json["token"])

    response = user.post(
        PASSWORD_URL, json={"current_password": PASSWORD, "password": NEW_PASSWORD}
    )

    assert response.status_code == 204
    assert user.get(ME).status_code == 200
    assert_problem(other.get(ME), 401, "unauthenticated")
    assert login(client, OLD, NEW_PASSWORD).status_code == 201


def test_change_password_needs_the_current_one(client, user):
    response = user.post(
        PASSWORD_URL, json={"current_password": "wrong one!", "password": "x" * 12}
    )

    assert_invalid(response, "current_password")
    assert login(client, OLD).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": NEW_PASSWORD}, "current_password"),
        ({"current_password": PASSWORD}, "password"),
        ({"current_password": PASSWORD, "password": "short"}, "password"),
    ],
)
def test_change_password_names_the_wrong_field(user, body, field):
    assert_invalid(user.post(PASSWORD_URL, json=body), field)


def test_change_password_voids_a_reset_link_mailed_before(app, anonymous, user):
    anonymous.post("/api/v1/auth/password-reset", json={"email": OLD})
    token = mailed_token(app, OLD, "/account/password/reset/")

    user.post(PASSWORD_URL, json={"current_password": PASSWORD, "password": NEW_PASSWORD})

    body = {"token": token, "password": "an attacker's choice"}
    assert_invalid(anonymous.post("/api/v1/auth/password-reset/confirm", json=body), "token")


# Email ----------------------------------------------------------------------------------------


def test_change_email_mails_the_new_address_and_tells_the_old(app, user):
    response = _ask(user)

    assert response.status_code == 202
    assert response.json["email"] == OLD
    assert response.json["pending_email"] == NEW
    assert user.get(ME).json["pending_email"] == NEW
    [(subject, body)] = mails_to(app, NEW)
    assert subject == "【eventhub】新しいメールアドレスのご確認"
    assert f"https://eventhub.test{PAGE}" in body
    assert OLD in body
    [(old_subject, old_body)] = mails_to(app, OLD)
    assert old_subject == "【eventhub】メールアドレス変更のお手続きがありました"
    assert NEW in old_body
    assert PAGE not in old_body  # the link goes to the new address only


def test_the_address_changes_only_when_the_link_is_opened(app, anonymous, client, user):
    _ask(user)
    assert login(client, OLD).status_code == 201

    response = anonymous.post(CONFIRM, json={"token": mailed_token(app, NEW, PAGE)})

    assert response.status_code == 204
    me = user.get(ME).json
    assert (me["email"], me["pending_email"], me["email_verified"]) == (NEW, None, True)
    assert login(client, NEW).status_code == 201
    assert_problem(login(client, OLD), 401, "invalid_credentials")
    subjects = [subject for subject, _ in mails_to(app, OLD)]
    assert subjects[-1] == "【eventhub】メールアドレスが変更されました"


def test_an_email_change_link_works_once(app, anonymous, user):
    _ask(user)
    token = mailed_token(app, NEW, PAGE)
    anonymous.post(CONFIRM, json={"token": token})

    assert_invalid(anonymous.post(CONFIRM, json={"token": token}), "token")


def test_an_email_change_link_expires_after_a_day(app, anonymous, user):
    _ask(user)
    token = mailed_token(app, NEW, PAGE)
    age_links(app, OLD, timedelta(hours=24, seconds=1))

    assert_invalid(anonymous.post(CONFIRM, json={"token": token}), "token")
    assert user.get(ME).json["email"] == OLD
    assert user.get(ME).json["pending_email"] is None


def test_change_email_needs_the_password(app, user):
    assert_invalid(_ask(user, password="not my password"), "password")
    assert mails_to(app, NEW) == []


def test_change_email_to_the_same_address_is_422(user):
    assert_invalid(_ask(user, email="OLD@example.jp"), "email")


def test_change_email_to_an_address_in_use_is_409(make_user, user):
    make_user(email=NEW)

    assert_problem(_ask(user), 409, "email_taken")


def test_an_address_taken_before_the_link_is_opened_is_409(app, anonymous, make_user, user):
    _ask(user)
    make_user(email=NEW)

    response = anonymous.post(CONFIRM, json={"token": mailed_token(app, NEW, PAGE)})

    assert_problem(response, 409, "email_taken")
    assert user.get(ME).json["email"] == OLD


def test_a_newer_request_replaces_the_older(app, anonymous, user):
    _ask(user)
    first = mailed_token(app, NEW, PAGE)
    _ask(user, email="newer@example.jp")

    assert_invalid(anonymous.post(CONFIRM, json={"token": first}), "token")
    assert user.get(ME).json["pending_email"] == "newer@example.jp"


def test_cancel_voids_the_pending_change(app, anonymous, user):
    _ask(user)

    assert user.delete(CHANGE).status_code == 204

    assert user.get(ME).json["pending_email"] is None
    assert_invalid(anonymous.post(CONFIRM, json={"token": mailed_token(app, NEW, PAGE)}), "token")


def test_a_password_change_cancels_a_pending_email_change(app, anonymous, user):
    _ask(user)

    user.post(PASSWORD_URL, json={"current_password": PASSWORD, "password": NEW_PASSWORD})

    assert_invalid(anonymous.post(CONFIRM, json={"token": mailed_token(app, NEW, PAGE)}), "token")


def test_email_changes_are_limited_per_hour(user):
    for n in range(5):
        assert _ask(user, email=f"new{n}@example.jp").status_code == 202

    response = _ask(user, email="new5@example.jp")

    body = assert_problem(response, 429, "too_many_mails")
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    assert body["retry_after_seconds"] == int(response.headers["Retry-After"])


def test_change_email_needs_a_login(anonymous):
    assert_problem(anonymous.post(CHANGE, json={"email": NEW, "password": PASSWORD}), 401)
