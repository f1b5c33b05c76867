"""Editions, registrations and passes for the passes API tests, made through the API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from eventhub.extensions import db
from eventhub.notifications.models import OutgoingMail
from eventhub.passes.models import Pass
from tests.booths.helpers import open_edition, problem
from tests.conftest import Api
from tests.events.helpers import EDITIONS

__all__ = ["EDITIONS", "open_edition", "problem"]

PASSES = "/api/v1/passes"


def registrations_url(edition_id: int) -> str:
    return f"{EDITIONS}/{edition_id}/registrations"


def settings_url(edition_id: int) -> str:
    return f"{EDITIONS}/{edition_id}/pass-settings"


def pass_url(pass_id: int, action: str = "") -> str:
    return f"{PASSES}/{pass_id}" + (f"/{action}" if action else "")


def registration_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "佐藤 花子",
        "name_kana": "サトウ ハナコ",
        "email": "hanako@example.jp",
        "organisation_name": "株式会社木の家",
        "prefecture_code": 20,
        "attendee_type": "buyer",
        "accept_terms": True,
        "shares_contact": True,
        "locale": "ja",
    }
    body.update(overrides)
    return body


def register(api: Api, edition_id: int, **overrides: Any) -> dict[str, Any]:
    response = api.post(registrations_url(edition_id), json=registration_body(**overrides))
    assert response.status_code == 201, response.json
    return dict(response.json)


def put_settings(organiser: Api, edition_id: int, **settings: Any) -> dict[str, Any]:
    response = organiser.put(settings_url(edition_id), json=settings)
    assert response.status_code == 200, response.json
    return dict(response.json)


def get_pass(organiser: Api, pass_id: int) -> dict[str, Any]:
    response = organiser.get(pass_url(pass_id))
    assert response.status_code == 200, response.json
    return dict(response.json)


def path_of(link: str) -> str:
    """An absolute private link as the test client requests it (path and query)."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def load_pass(app: Flask, pass_id: int) -> Pass:
    with app.app_context():
        pass_ = db.session.get_one(Pass, pass_id)
        db.session.expunge(pass_)
        return pass_


def mails_to(app: Flask, address: str) -> list[OutgoingMail]:
    with app.app_context():
        mails = list(
            db.session.scalars(
                db.select(OutgoingMail)
                .where(OutgoingMail.to_address == address)
                .order_by(OutgoingMail.id)
            )
        )
        db.session.expunge_all()
        return mails
