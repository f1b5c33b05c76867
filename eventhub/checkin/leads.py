"""Lead scanning: an approved exhibitor scans a consenting visitor's pass (商談 in the report)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub import japan, spreadsheets
from eventhub.accounts.models import User
from eventhub.applications.models import Application, ApplicationStatus
from eventhub.checkin.models import Lead
from eventhub.db import utcnow
from eventhub.errors import DomainError, FieldError
from eventhub.extensions import db
from eventhub.locking import lock_rows
from eventhub.passes import signing
from eventhub.passes.models import Pass, Registration
from eventhub.passes.printable import KIND_LABELS
from eventhub.passes.tokens import ForgedToken

#: CSV columns: Japanese headers, for the exhibitor's own spreadsheet.
CSV_HEADERS = (
    "氏名",
    "フリガナ",
    "所属",
    "メールアドレス",
    "都道府県",
    "来場者区分",
    "評価",
    "タグ",
    "メモ",
    "読取日時",
)


@dataclass(frozen=True)
class ScannedLead:
    lead: Lead
    registration: Registration


def _invalid_token(message: str, **params: str) -> DomainError:
    return DomainError("invalid_token", errors=[FieldError("token", message, params)])


def _scanned_registration(application: Application, token: str) -> Registration:
    try:
        claims = signing.keyring(application.edition_id).verify(token)
    except ForgedToken as exc:
        # Another edition's token fails here too: the ring only trusts this edition's keys.
        raise _invalid_token("token_not_of_edition", reason=exc.reason) from exc
    pass_ = db.session.get(Pass, claims.pass_id)
    if pass_ is None or pass_.edition_id != application.edition_id or pass_.serial != claims.serial:
        raise _invalid_token("pass_token_unknown")
    if pass_.registration_id is None:
        raise _invalid_token("token_of_staff")
    registration = db.session.get_one(Registration, pass_.registration_id)
    if not registration.shares_contact:
        raise DomainError("no_consent")
    return registration


def record(application: Application, user: User, data: dict[str, Any]) -> ScannedLead:
    """One lead per exhibitor and visitor: scanning again updates the notes, rating and tags."""
    if application.status != ApplicationStatus.APPROVED:
        raise DomainError("not_approved", "leads_need_approval")
    registration = _scanned_registration(application, data["token"])
    # The application's lock serialises two staff scanning the same visitor at once, so the
    # second updates the first's lead instead of failing on the unique constraint.
    lock_rows(Application, [application.id])
    lead = db.session.scalar(
        sa.select(Lead).where(
            Lead.application_id == application.id, Lead.registration_id == registration.id
        )
    )
    if lead is None:
        lead = Lead(
            application_id=application.id,
            registration_id=registration.id,
            scanned_by_id=user.id,
            scanned_at=utcnow(),
        )
        db.session.add(lead)
    for key in ("notes", "rating", "tags"):
        if key in data:
            setattr(lead, key, data[key])
    db.session.flush()
    return ScannedLead(lead, registration)


def leads_of(application: Application) -> list[ScannedLead]:
    rows = db.session.execute(
        sa.select(Lead, Registration)
        .join(Registration, Registration.id == Lead.registration_id)
        .where(Lead.application_id == application.id)
        .order_by(Lead.scanned_at, Lead.id)
    ).all()
    return [ScannedLead(lead, registration) for lead, registration in rows]


def to_csv(rows: list[ScannedLead], zone: str) -> bytes:
    table: list[list[Any]] = [list(CSV_HEADERS)]
    for row in rows:
        lead, registration = row.lead, row.registration
        code = registration.prefecture_code
        table.append(
            [
                registration.name,
                registration.name_kana or "",
                registration.organisation_name or "",
                registration.email,
                japan.prefecture(code).name if code else "",
                KIND_LABELS.get(registration.attendee_type, (registration.attendee_type,))[0],
                lead.rating or "",
                " ".join(lead.tags or []),
                lead.notes or "",
                lead.scanned_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return spreadsheets.to_csv(table)
