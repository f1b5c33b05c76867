"""Email verification through HTTP: the mailed link, its single use and expiry, the resend
throttle, and that an unverified account cannot submit an application."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventhub.accounts.models import AccountLink
from eventhub.extensions import db
from tests.accounts.helpers import (
    age_links,
    assert_invalid,
    assert_problem,
    login,
    mailed_token,
    mails_to,
    verify_by_mail,
)
from tests.applications.helpers import (
    application_body,
    create_application,
    make_organisation,
    open_edition,
)
from tests.conftest import PASSWORD, Api

USERS = "/api/v1/users"
ME = "/api/v1/users/me"
VERIFY = "/api/v1/auth/verify-email"
RESEND = "/api/v1/auth/verify-email/resend"
EMAIL = "hanako@example.jp"
PAGE = "/account/verify/"


def _sign_up(anonymous: Api, email: str = EMAIL, locale: str = "ja") -> dict:
    body = {"email": email, "password": PASSWORD, "display_name": "山田 花子", "locale": locale}
    response = anonymous.post(USERS, json=body)
    assert response.status_code == 201, response.json
    return dict(response.json)


def test_sign_up_makes_an_unverified_account_and_mails_the_link(app, anonymous):
    body = _sign_up(anonymous)

    assert body["email_verified"] is False
    assert body["email_verified_at"] is None
    [(subject, text)] = mails_to(app, EMAIL)
    assert subject == "【eventhub】メールアドレスのご確認"
    assert "山田 花子 様" in text
    assert f"https://eventhub.test{PAGE}" in text
    assert "（日本時間）" in text


def test_the_verification_mail_is_in_english_for_an_english_account(app, anonymous):
    _sign_up(anonymous, locale="en")

    [(subject, text)] = mails_to(app, EMAIL)
    assert subject == "[eventhub] Confirm your email address"
    assert text.startswith("Dear 山田 花子,")
    assert "(Japan time)" in text


def test_the_token_is_random_and_only_its_hash_is_stored(app, anonymous):
    _sign_up(anonymous)
    token = mailed_token(app, EMAIL, PAGE)

    assert len(token) >= 43  # 256 bits in base64url
    with app.app_context():
        stored = db.session.scalars(sa.select(AccountLink.token_hash)).all()
    assert len(stored) == 1
    assert token not in stored[0]
    assert len(stored[0]) == 64


def test_opening_the_link_verifies_the_account(app, anonymous, client):
    _sign_up(anonymous)

    verify_by_mail(client, EMAIL)

    token = login(client, EMAIL).json["token"]
    me = Api(client, token).get(ME).json
    assert me["email_verified"] is True
    assert me["email_verified_at"].endswith("+09:00")


def test_a_verification_link_works_once(app, anonymous):
    _sign_up(anonymous)
    token = mailed_token(app, EMAIL, PAGE)
    assert anonymous.post(VERIFY, json={"token": token}).status_code == 204

    body = assert_invalid(anonymous.post(VERIFY, json={"token": token}), "token")

    assert "already been used" in body["errors"][0]["message"]


def test_an_expired_verification_link_is_refused_naming_the_token(app, anonymous, client):
    _sign_up(anonymous)
    token = mailed_token(app, EMAIL, PAGE)
    age_links(app, EMAIL, timedelta(hours=72, seconds=1))

    body = assert_invalid(anonymous.post(VERIFY, json={"token": token}), "token")

    assert "expired" in body["errors"][0]["message"]
    me = Api(client, login(client, EMAIL).json["token"]).get(ME).json
    assert me["email_verified"] is False


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43])
def test_an_unknown_token_is_refused_naming_the_token(anonymous, token):
    body = assert_invalid(anonymous.post(VERIFY, json={"token": token}), "token")

    assert "not valid" in body["errors"][0]["message"]


def test_a_reset_token_does_not_verify(app, anonymous):
    _sign_up(anonymous)
    anonymous.post("/api/v1/auth/password-reset", json={"email": EMAIL})
    reset_token = mailed_token(app, EMAIL, "/account/password/reset/")

    assert_invalid(anonymous.post(VERIFY, json={"token": reset_token}), "token")


def test_a_missing_token_is_422(anonymous):
    assert_invalid(anonymous.post(VERIFY, json={}), "token")


# Resending ------------------------------------------------------------------------------------


def test_resend_mails_a_new_link_once_in_five_minutes(app, anonymous):
    _sign_up(anonymous)
    age_links(app, EMAIL, timedelta(minutes=6))

    first = anonymous.post(RESEND, json={"email": EMAIL})
    second = anonymous.post(RESEND, json={"email": EMAIL})

    assert first.status_code == second.status_code == 202
    assert first.json == second.json == {"status": "accepted"}
    assert len(mails_to(app, EMAIL)) == 2


def test_resend_right_after_sign_up_sends_nothing(app, anonymous):
    _sign_up(anonymous)

    assert anonymous.post(RESEND, json={"email": EMAIL}).status_code == 202

    assert len(mails_to(app, EMAIL)) == 1


def test_both_links_work_until_one_is_used(app, anonymous):
    _sign_up(anonymous)
    first = mailed_token(app, EMAIL, PAGE)
    age_links(app, EMAIL, timedelta(minutes=6))
    anonymous.post(RESEND, json={"email": EMAIL})
    second = mailed_token(app, EMAIL, PAGE)
    assert first != second

    assert anonymous.post(VERIFY, json={"token": first}).status_code == 204
    assert_invalid(anonymous.post(VERIFY, json={"token": second}), "token")


@pytest.mark.parametrize("email", ["nobody@example.jp", "verified@example.jp"])
def test_resend_answers_the_same_for_unknown_and_verified_addresses(
    app, anonymous, make_user, email
):
    make_user(email="verified@example.jp")
    _sign_up(anonymous)
    age_links(app, EMAIL, timedelta(minutes=6))
    reference = anonymous.post(RESEND, json={"email": EMAIL})

    response = anonymous.post(RESEND, json={"email": email})

    assert (response.status_code, response.json) == (reference.status_code, reference.json)
    assert response.headers.get("Content-Length") == reference.headers.get("Content-Length")
    assert mails_to(app, email) == []


def test_resend_needs_an_email(anonymous):
    assert_invalid(anonymous.post(RESEND, json={"email": "nope"}), "email")


# Submitting -----------------------------------------------------------------------------------


def test_an_unverified_account_cannot_submit_until_it_verifies(app, organiser, make_user, client):
    exhibitor = make_user(email="new@example.jp", verified=False)
    organisation = make_organisation(exhibitor)
    edition = open_edition(organiser, "takumi")
    body = application_body("takumi", organisation["id"], edition["format"])
    draft = create_application(exhibitor, edition["id"], body)
    submit = f"/api/v1/applications/{draft['id']}/submit"

    refused = exhibitor.post(submit, json={})

    problem = assert_problem(refused, 403, "email_not_verified")
    assert "Confirm your email address" in problem["title"]
    ja = exhibitor.post(submit, json={}, headers={"Accept-Language": "ja"})
    assert assert_problem(ja, 403)["title"].startswith("まずメールアドレスの確認")
    assert exhibitor.get(f"/api/v1/applications/{draft['id']}").json["status"] == "draft"

    anonymous = Api(client)
    age_links(app, "new@example.jp", timedelta(minutes=6))
    anonymous.post(RESEND, json={"email": "new@example.jp"})
    verify_by_mail(client, "new@example.jp")

    assert exhibitor.post(submit, json={}).json["status"] == "submitted"
