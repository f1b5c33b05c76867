"""Gates, devices and issued passes for the gate API tests.

Passes are inserted and signed here directly, so these tests do not depend on the
registration and issuing code.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask

from eventhub.checkin import device_auth
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.japan import normalise
from eventhub.passes import signing
from eventhub.passes.models import AttendeeType, Pass, PassState, Registration
from eventhub.passes.tokens import PassKind, TokenClaims
from tests.applications.helpers import open_edition
from tests.conftest import Api

EDITIONS = "/api/v1/editions"
SCANS = "/api/v1/device/scans"
#: open_edition's days: 2027-08-07 10:00 to 2027-08-09 17:00, Tokyo.
FIRST_DAY, LAST_DAY = date(2027, 8, 7), date(2027, 8, 9)
DAY1_MORNING = "2027-08-07T10:15:00+09:00"

_KINDS = {
    AttendeeType.GENERAL: PassKind.ATTENDEE,
    AttendeeType.BUYER: PassKind.BUYER,
    AttendeeType.PRESS: PassKind.PRESS,
    AttendeeType.EXHIBITOR_STAFF: PassKind.EXHIBITOR_STAFF,
    AttendeeType.VIP: PassKind.VIP,
}
_nonces = itertools.count(1)
_people = itertools.count(1)


@pytest.fixture(autouse=True)
def fresh_caches() -> None:
    # Ids restart between tests, so a ring or device cached by an earlier test is stale.
    signing.forget()
    device_auth.forget()


@dataclass(frozen=True)
class IssuedPass:
    id: int
    token: str


def edition(organiser: Api) -> dict[str, Any]:
    return open_edition(organiser)


def make_gate(organiser: Api, edition_id: int, name_ja: str = "東1ホール入口") -> dict[str, Any]:
    response = organiser.post(
        f"{EDITIONS}/{edition_id}/gates", json={"name_ja": name_ja, "name_en": "East Hall 1"}
    )
    assert response.status_code == 201, response.json
    return dict(response.json)


def make_device(organiser: Api, edition_id: int, gate_id: int | None = None) -> Api:
    """A device registered through the API, as an Api client carrying its token."""
    response = organiser.post(
        f"{EDITIONS}/{edition_id}/devices", json={"name": "iPad 1", "gate_id": gate_id}
    )
    assert response.status_code == 201, response.json
    device = Api(organiser.client, response.json["token"])
    device.user_id = response.json["id"]  # the device's id, for tests that revoke it
    return device


def issue_pass(
    app: Flask,
    edition_id: int,
    *,
    name: str = "山田 太郎",
    kana: str | None = "ヤマダ タロウ",
    email: str | None = None,
    kind: AttendeeType = AttendeeType.GENERAL,
    valid_days: list[str] | None = None,
    serial: int = 1,
    token_serial: int | None = None,
    state: PassState = PassState.ISSUED,
) -> IssuedPass:
    """A registration and its issued pass, with a token signed by the edition's key."""
    email = email or f"visitor{next(_people)}@example.jp"
    with app.app_context():
        registration = Registration(
            edition_id=edition_id,
            name=name,
            name_kana=kana,
            email=email,
            email_key=normalise(email).casefold(),
            attendee_type=kind,
            terms_accepted_at=utcnow(),
        )
        db.session.add(registration)
        db.session.flush()
        pass_ = Pass(
            edition_id=edition_id,
            kind=kind,
            registration_id=registration.id,
            holder_name=name,
            holder_email=email,
            valid_days=valid_days,
            serial=serial,
            state=state,
            issued_at=utcnow(),
        )
        db.session.add(pass_)
        db.session.flush()
        key = signing.ensure_key(edition_id)
        signing.forget(edition_id)
        claims = TokenClaims(
            pass_id=pass_.id,
            edition_id=edition_id,
            kind=_KINDS[kind],
            valid_from=FIRST_DAY,
            valid_until=LAST_DAY,
            day_mask=None,
            serial=serial if token_serial is None else token_serial,
        )
        pass_.token = signing.keyring(edition_id).sign(claims)
        pass_.key_id = key.key_id
        db.session.commit()
        return IssuedPass(pass_.id, pass_.token)


def sign_for(app: Flask, edition_id: int, pass_id: int) -> str:
    """A genuine token of the edition for any pass id, existing or not."""
    with app.app_context():
        signing.ensure_key(edition_id)
        db.session.commit()
        signing.forget(edition_id)
        claims = TokenClaims(pass_id, edition_id, PassKind.ATTENDEE, FIRST_DAY, LAST_DAY, None, 1)
        return signing.keyring(edition_id).sign(claims)


def nonce() -> str:
    return f"n-{next(_nonces)}"


def scan(
    device: Api,
    token: str,
    direction: str = "entry",
    at: str | None = DAY1_MORNING,
    nonce_: str | None = None,
) -> Any:
    body: dict[str, Any] = {"token": token, "direction": direction, "nonce": nonce_ or nonce()}
    if at is not None:
        body["scanned_at"] = at
    return device.post(SCANS, json=body)


def result(response: Any) -> str:
    assert response.status_code == 200, response.json
    return str(response.json["result"])
