"""Logging in, bearer tokens and their scopes, through the HTTP API."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from eventhub.accounts.models import ApiToken, User
from eventhub.db import utcnow
from eventhub.extensions import db
from tests.accounts.helpers import LOGIN, assert_invalid, assert_problem, login
from tests.conftest import PASSWORD, Api

TOKENS = "/api/v1/auth/tokens"
ME = "/api/v1/users/me"


@pytest.fixture
def alice(make_user):
    return make_user(email="alice@example.jp")


def _expire_tokens(app, user_id: int) -> None:
    with app.app_context():
        db.session.execute(
            sa.update(ApiToken)
            .where(ApiToken.user_id == user_id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()


# Login ------------------------------------------------------------------------------------


def test_login_returns_a_read_write_token_for_thirty_days(client, alice):
    response = login(client, "alice@example.jp")

    assert response.status_code == 201, response.json
    body = response.json
    assert body["token"].startswith("eh_")
    assert set(body["scopes"]) == {"read", "write"}
    assert body["revoked_at"] is None
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert expires_at.utcoffset() == timedelta(hours=9)
    assert abs(expires_at - (utcnow() + timedelta(days=30))) < timedelta(minutes=1)
    assert body["user"]["id"] == alice.user_id
    assert body["user"]["email"] == "alice@example.jp"


def test_login_token_works_as_bearer(client, alice):
    token = login(client, "alice@example.jp").json["token"]

    response = Api(client, token).get(ME)

    assert response.status_code == 200
    assert response.json["id"] == alice.user_id


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("alice@example.jp", "wrong password here"),
        ("nobody@example.jp", PASSWORD),
    ],
    ids=["wrong-password", "unknown-email"],
)
def test_login_with_bad_credentials_is_401(client, alice, email, password):
    response = login(client, email, password)

    assert_problem(response, 401, "invalid_credentials")
    assert "token" not in response.json


def test_login_email_is_case_insensitive(client, alice):
    response = login(client, "ALICE@Example.JP")

    assert response.status_code == 201
    assert response.json["user"]["id"] == alice.user_id


def test_login_without_password_names_the_field(client, alice):
    response = client.post(LOGIN, json={"email": "alice@example.jp"})

    assert_invalid(response, "password", "json")


def test_login_with_a_malformed_email_is_422(client):
    response = client.post(LOGIN, json={"email": "not-an-email", "password": PASSWORD})

    assert_invalid(response, "email")


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("email=alice%40example.jp&password=x", "application/x-www-form-urlencoded"),
        ('{"email": "alice@example.jp", "password": "x"}', "text/plain"),
        ('{"email": "alice@example.jp",', "application/json"),
        ("[1, 2]", "application/json"),
        ("null", "application/json"),
        ('"alice"', "application/json"),
        ("", None),
    ],
    ids=["form", "text-plain", "broken-json", "json-list", "json-null", "json-string", "empty"],
)
def test_login_with_a_body_that_is_not_a_json_object_is_a_client_error(
    client, alice, data, content_type
):
    response = client.post(LOGIN, data=data, content_type=content_type)

    assert 400 <= response.status_code < 500
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == response.status_code


def test_login_never_echoes_the_password(client, alice):
    wrong = client.post(LOGIN, json={"email": "alice@example.jp", "password": "s3cret-guess!"})
    right = login(client, "alice@example.jp")

    assert "s3cret-guess!" not in wrong.get_data(as_text=True)
    assert PASSWORD not in right.get_data(as_text=True)
    assert "password" not in right.json["user"]


def test_login_can_name_its_token(client, alice):
    login(client, "alice@example.jp", token_name="laptop")

    names = [t["name"] for t in alice.get(TOKENS).json]

    assert "laptop" in names


# Using a token ----------------------------------------------------------------------------


def test_no_authorization_header_is_401_with_bearer_challenge(anonymous):
    response = anonymous.get(ME)

    assert_problem(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Token abc", "Bearer ", "Bearer", "Basic YWxpY2U6cGFzc3dvcmQ=", "eh_abc"],
)
def test_malformed_authorization_header_is_401(anonymous, header):
    response = anonymous.get(ME, headers={"Authorization": header})

    assert_problem(response, 401, "unauthenticated")
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_bearer_scheme_is_case_insensitive(client, alice):
    response = client.get(ME, headers={"Authorization": f"bearer {alice.token}"})

    assert response.status_code == 200


def test_unknown_token_is_401(client, alice):
    response = Api(client, "eh_" + "x" * 43).get(ME)

    assert_problem(response, 401, "unauthenticated")


def test_logout_revokes_the_token(alice):
    assert alice.post("/api/v1/auth/logout").status_code == 204

    assert_problem(alice.get(ME), 401, "unauthenticated")


def test_logout_leaves_the_users_other_tokens_alone(client, alice):
    other = Api(client, login(client, "alice@example.jp").json["token"])

    alice.post("/api/v1/auth/logout")

    assert other.get(ME).status_code == 200


def test_logout_without_token_is_401(anonymous):
    assert_problem(anonymous.post("/api/v1/auth/logout"), 401, "unauthenticated")


def test_expired_token_is_401(app, alice):
    _expire_tokens(app, alice.user_id)

    assert_problem(alice.get(ME), 401, "unauthenticated")


def test_deactivated_account_cannot_log_in_or_use_its_tokens(app, client, alice):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == alice.user_id).values(is_active=False))
        db.session.commit()

    assert_problem(login(client, "alice@example.jp"), 401, "invalid_credentials")
    assert_problem(alice.get(ME), 401, "unauthenticated")


def test_401_title_follows_accept_language(anonymous):
    ja = anonymous.get(ME, headers={"Accept-Language": "ja"})
    en = anonymous.get(ME, headers={"Accept-Language": "en"})

    assert ja.json["title"] == "認証が必要です。"
    assert en.json["title"] == "Authentication is required."
    assert ja.json["code"] == en.json["code"] == "unauthenticated"


def test_invalid_credentials_title_in_japanese(client, alice):
    response = client.post(
        LOGIN,
        json={"email": "alice@example.jp", "password": "wrong password"},
        headers={"Accept-Language": "ja,en;q=0.5"},
    )

    body = assert_problem(response, 401, "invalid_credentials")
    assert body["title"] == "メールアドレスまたはパスワードが正しくありません。"


# Named tokens and scopes ------------------------------------------------------------------


def _new_token(api: Api, **body) -> Api:
    response = api.post(TOKENS, json={"name": "script", **body})
    assert response.status_code == 201, response.json
    return Api(api.client, response.json["token"], api.user_id)


def test_create_token_defaults_to_read_only(alice):
    response = alice.post(TOKENS, json={"name": "ci"})

    assert response.status_code == 201
    assert response.json["token"].startswith("eh_")
    assert response.json["scopes"] == ["read"]
    assert response.json["name"] == "ci"


def test_create_token_honours_days(alice):
    response = alice.post(TOKENS, json={"name": "short", "days": 1})

    expires_at = datetime.fromisoformat(response.json["expires_at"])
    assert abs(expires_at - (utcnow() + timedelta(days=1))) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "x", "scopes": ["admin"]}, "scopes.0"),
        ({"name": "x", "days": 0}, "days"),
        ({"name": "x", "days": 367}, "days"),
    ],
)
def test_create_token_validates_its_fields(alice, body, field):
    assert_invalid(alice.post(TOKENS, json=body), field)


def test_read_only_token_can_read_but_not_write(alice):
    reader = _new_token(alice, scopes=["read"])

    assert reader.get(ME).status_code == 200
    response = reader.patch(ME, json={"display_name": "Reader"})

    assert_problem(response, 403, "forbidden")
    assert alice.get(ME).json["display_name"] != "Reader"


def test_read_only_token_cannot_mint_a_write_token(alice):
    reader = _new_token(alice, scopes=["read"])

    response = reader.post(TOKENS, json={"name": "escalate", "scopes": ["read", "write"]})

    assert_problem(response, 403, "forbidden")


def test_write_only_token_cannot_read(alice):
    writer = _new_token(alice, scopes=["write"])

    assert_problem(writer.get(ME), 403, "forbidden")


def test_tokens_list_shows_only_own_tokens_without_secrets(app, client, alice, make_user):
    bob = make_user(email="bob@example.jp")
    _new_token(alice, name="alice-script")

    response = alice.get(TOKENS)

    assert response.status_code == 200
    names = {t["name"] for t in response.json}
    assert names == {"login", "alice-script"}
    bobs = {t["id"] for t in bob.get(TOKENS).json}
    assert bobs.isdisjoint(t["id"] for t in response.json)
    with app.app_context():
        hashes = list(db.session.scalars(sa.select(ApiToken.token_hash)))
    text = response.get_data(as_text=True)
    assert alice.token not in text
    assert not any(h in text for h in hashes)
    for token in response.json:
        assert set(token) == {"id", "name", "scopes", "created_at", "expires_at", "revoked_at"}


def test_tokens_list_is_newest_first(alice):
    _new_token(alice, name="second")
    _new_token(alice, name="third")

    names = [t["name"] for t in alice.get(TOKENS).json]

    assert names == ["third", "second", "login"]


def test_revoke_own_token_by_id(alice):
    script = _new_token(alice, name="script")
    token_id = next(t["id"] for t in alice.get(TOKENS).json if t["name"] == "script")

    assert alice.delete(f"{TOKENS}/{token_id}").status_code == 204

    assert_problem(script.get(ME), 401, "unauthenticated")
    listed = next(t for t in alice.get(TOKENS).json if t["id"] == token_id)
    assert listed["revoked_at"] is not None


def test_revoking_another_users_token_is_404(alice, make_user):
    bob = make_user(email="bob@example.jp")
    bob_token_id = bob.get(TOKENS).json[0]["id"]

    response = alice.delete(f"{TOKENS}/{bob_token_id}")

    assert_problem(response, 404, "not_found")
    assert bob.get(ME).status_code == 200


def test_revoking_an_unknown_token_id_is_404(alice):
    assert_problem(alice.delete(f"{TOKENS}/999999"), 404, "not_found")
