"""Assertions and payloads the accounts API tests share."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from eventhub.accounts.models import AccountLink, User
from eventhub.extensions import db
from eventhub.notifications.models import OutgoingMail
from tests.conftest import PASSWORD

PROBLEM_JSON = "application/problem+json"
LOGIN = "/api/v1/auth/login"
VALID_CORPORATE_NUMBER = "7000012050002"


def assert_problem(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is a problem+json error with ``status`` (and ``code`` when given)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    body: dict[str, Any] = response.get_json(force=True)
    assert body["status"] == status
    assert body["type"]
    assert body["title"]
    if code is not None:
        assert body["code"] == code, body
    return body


def assert_invalid(response: Any, field: str, location: str = "json") -> dict[str, Any]:
    """A 422 whose ``errors`` name ``field`` at ``location``."""
    body = assert_problem(response, 422, "validation_failed")
    named = {(e.get("field"), e["location"]) for e in body["errors"]}
    assert (field, location) in named, body["errors"]
    return body


def login(client: Any, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN, json={"email": email, "password": password, **extra})


def organisation_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": "株式会社テスト工芸",
        "name_kana": "カブシキガイシャテストコウゲイ",
        "kind": "company",
        "prefecture_code": 13,
        "postal_code": "100-0001",
        "address": "東京都千代田区千代田1-1",
        "phone": "03-1234-5678",
    }
    payload.update(overrides)
    return payload


def mails_to(app: Any, address: str) -> list[Any]:
    """The mails queued for ``address``, oldest first, as (subject, body) pairs."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(OutgoingMail.subject, OutgoingMail.body_text)
            .where(OutgoingMail.to_address == address)
            .order_by(OutgoingMail.id)
        ).all()
    return [(subject, body) for subject, body in rows]


def mailed_token(app: Any, address: str, page: str) -> str:
    """The token of the newest link to ``page`` (such as "/account/verify/") mailed to
    ``address``; fails when there is none."""
    base = app.config["EVENTHUB_BASE_URL"].rstrip("/")
    pattern = re.compile(re.escape(base + page) + r"([A-Za-z0-9_-]+)")
    for _, body in reversed(mails_to(app, address)):
        if found := pattern.search(body):
            return found.group(1)
    raise AssertionError(f"no link to {page} was mailed to {address}")


def verify_by_mail(client: Any, address: str) -> None:
    """Open the verification link mailed to ``address``, as its owner would."""
    token = mailed_token(client.application, address, "/account/verify/")
    response = client.post("/api/v1/auth/verify-email", json={"token": token})
    assert response.status_code == 204, response.get_data(as_text=True)


def age_links(app: Any, email: str, by: timedelta) -> None:
    """Move the links mailed to the account of ``email`` into the past, as if made ``by`` ago."""
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        for link in db.session.scalars(
            sa.select(AccountLink).where(AccountLink.user_id == user_id)
        ):
            link.created_at -= by
            link.expires_at -= by
        db.session.commit()


def join(member: Any, invitee: Any, organisation_id: int, email: str) -> dict[str, Any]:
    """Make ``invitee`` (an Api) a member the only way there is: ``member`` invites the
    address ``email``, and the invitee accepts. The new membership."""
    invited = member.post(
        f"/api/v1/organisations/{organisation_id}/invitations", json={"email": email}
    )
    assert invited.status_code == 201, invited.get_data(as_text=True)
    accepted = invitee.post(f"/api/v1/users/me/invitations/{invited.json['id']}/accept")
    assert accepted.status_code == 201, accepted.get_data(as_text=True)
    body: dict[str, Any] = accepted.json
    return body
