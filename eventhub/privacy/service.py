"""Personal data (個人情報保護法): a person's own data to download, an attendee's erasure, and
the purge of attendees' data a set time after their edition.

Exhibitors' staff members are erased by the retention purge too: their name and address, on
the staff list and on their pass, while the pass and its scans stay counted.

Erasure replaces what names a person (name, furigana, address, organisation, the pass's
holder, mails sent to them, exhibitors' notes from scanning them) and keeps what is counted:
the registration's edition, attendee type and prefecture, the pass and its scans, presences,
bookings, leads and deals. The tallies and the results report are therefore the same after
an erasure as before. The erased passes are revoked, and an account that is only an
attendee's is anonymised. Erasing twice changes nothing more.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from eventhub.accounts import service as accounts
from eventhub.accounts.models import Membership, Organisation, User, email_key
from eventhub.applications.models import Application, StaffMember
from eventhub.audit import service as audit
from eventhub.audit.actions import Action
from eventhub.bookings.models import Booking
from eventhub.calendars import tokens as calendar_links
from eventhub.checkin.models import Gate, Lead, Scan
from eventhub.db import utcnow
from eventhub.errors import not_found
from eventhub.events.models import Edition, TimetableSession
from eventhub.extensions import db
from eventhub.fields import TOKYO
from eventhub.locking import lock_rows
from eventhub.notifications import service as notifications
from eventhub.passes import issuing
from eventhub.passes.models import Pass, Registration

log = logging.getLogger(__name__)

#: What an erased name reads as, on lists, at the gate and in exports.
ERASED_NAME = "（削除済み）"
#: The purge erases at most this many people (registrations, then staff) per run; the next
#: run goes on.
PURGE_BATCH = 500
PURGE_TASK = "eventhub.privacy.purge_expired"


def erased_address(kind: str, row_id: int) -> str:
    """A unique address that names nobody (``.invalid`` is never delivered, RFC 2606)."""
    return f"erased-{kind}-{row_id}@erased.invalid"


# Download ----------------------------------------------------------------------------------------


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(TOKYO).isoformat()


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "locale": user.locale,
        "email_verified_at": _time(user.email_verified_at),
        "created_at": _time(user.created_at),
        "roles": [
            {"role": grant.role, "prefecture_code": grant.prefecture_code} for grant in user.roles
        ],
    }


def _organisations(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        sa.select(Membership, Organisation)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user.id)
        .order_by(Organisation.id)
    )
    return [
        {
            "id": organisation.id,
            "name": organisation.name,
            "name_kana": organisation.name_kana,
            "corporate_number": organisation.corporate_number,
            "kind": organisation.kind,
            "prefecture_code": organisation.prefecture_code,
            "postal_code": organisation.postal_code,
            "address": organisation.address,
            "phone": organisation.phone,
            "website": organisation.website,
            "joined_at": _time(membership.joined_at),
        }
        for membership, organisation in rows
    ]


def _scans(pass_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        sa.select(Scan, Gate.name_ja, Gate.name_en)
        .outerjoin(Gate, Gate.id == Scan.gate_id)
        .where(Scan.pass_id == pass_id)
        .order_by(Scan.scanned_at, Scan.id)
    )
    return [
        {
            "scanned_at": _time(scan.scanned_at),
            "direction": scan.direction,
            "result": scan.result,
            "gate": name_ja,
            "gate_en": name_en,
        }
        for scan, name_ja, name_en in rows
    ]


def _bookings(registration_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        sa.select(Booking, TimetableSession.title_ja, TimetableSession.starts_at)
        .join(TimetableSession, TimetableSession.id == Booking.session_id)
        .where(Booking.registration_id == registration_id)
        .order_by(Booking.id)
    )
    return [
        {
            "id": booking.id,
            "session": title,
            "session_starts_at": _time(starts_at),
            "seats": booking.seats,
            "status": booking.status,
            "attended_at": _time(booking.attended_at),
            "created_at": _time(booking.created_at),
            "cancelled_at": _time(booking.cancelled_at),
        }
        for booking, title, starts_at in rows
    ]


def _registration(registration: Registration, edition: Edition) -> dict[str, Any]:
    passes = db.session.scalars(
        sa.select(Pass).where(Pass.registration_id == registration.id).order_by(Pass.id)
    )
    return {
        "id": registration.id,
        "edition": {"id": edition.id, "title": edition.title_ja, "title_en": edition.title_en},
        "name": registration.name,
        "name_kana": registration.name_kana,
        "email": registration.email,
        "organisation_name": registration.organisation_name,
        "prefecture_code": registration.prefecture_code,
        "attendee_type": registration.attendee_type,
        "shares_contact": registration.shares_contact,
        "locale": registration.locale,
        "terms_accepted_at": _time(registration.terms_accepted_at),
        "created_at": _time(registration.created_at),
        "passes": [
            {
                "id": pass_.id,
                "kind": pass_.kind,
                "state": pass_.state,
                "holder_name": pass_.holder_name,
                "holder_email": pass_.holder_email,
                "valid_days": pass_.valid_days,
                "issued_at": _time(pass_.issued_at),
                "revoked_at": _time(pass_.revoked_at),
                "scans": _scans(pass_.id),
            }
            for pass_ in passes
        ],
        "bookings": _bookings(registration.id),
    }


def personal_data(user: User) -> dict[str, Any]:
    """Everything eventhub holds on the signed-in person: the account, the organisations they
    belong to, and the registrations made with their address, with passes, scans and
    bookings."""
    registrations = db.session.execute(
        sa.select(Registration, Edition)
        .join(Edition, Edition.id == Registration.edition_id)
        .where(Registration.email_key == user.email_key, Registration.erased_at.is_(None))
        .order_by(Registration.id)
    )
    return {
        "exported_at": _time(utcnow()),
        "account": _account(user),
        "organisations": _organisations(user),
        "registrations": [_registration(r, e) for r, e in registrations],
    }


# Erasure -----------------------------------------------------------------------------------------


def _only_an_attendee(user: User) -> bool:
    """An account with no role and no organisation is there only for attending; any other
    holds data others rely on (applications, reviews) and is left for its owner to close."""
    if user.roles:
        return False
    return not db.session.scalar(sa.select(sa.exists().where(Membership.user_id == user.id)))


def _erase_pass(pass_id: int, placeholder: str) -> None:
    """Revoke the pass and take the holder's name, address and QR images off it."""
    pass_ = issuing.revoke(pass_id)
    pass_.holder_name = ERASED_NAME
    pass_.holder_email = placeholder
    pass_.qr_png = None
    pass_.qr_svg = None


def erase_registration(registration_id: int, now: datetime | None = None) -> Registration:
    """Erase one attendee's personal data; see the module's description. Idempotent."""
    lock_rows(Registration, [registration_id])
    registration = db.session.get(Registration, registration_id, populate_existing=True)
    if registration is None:
        raise not_found("registration")
    if registration.erased_at is not None:
        return registration
    address = registration.email
    placeholder = erased_address("registration", registration.id)
    pass_ids = list(
        db.session.scalars(sa.select(Pass.id).where(Pass.registration_id == registration.id))
    )
    for pass_id in pass_ids:
        _erase_pass(pass_id, placeholder)
    calendar_links.revoke(registration_id=registration.id)
    # Exhibitors' notes about the person go; the lead itself is counted (business meetings).
    db.session.execute(
        sa.update(Lead)
        .where(Lead.registration_id == registration.id)
        .values(notes=None, tags=[])
        .execution_options(synchronize_session=False)
    )
    notifications.forget_address(address, placeholder)
    user = accounts.by_email(address)
    if user is not None and user.is_active and _only_an_attendee(user):
        accounts.anonymise(user, erased_address("user", user.id), ERASED_NAME)
    registration.name = ERASED_NAME
    registration.name_kana = None
    registration.email = placeholder
    registration.email_key = email_key(placeholder)
    registration.organisation_name = None
    registration.shares_contact = False
    registration.erased_at = now or utcnow()
    db.session.flush()
    log.info("attendee erased", extra={"registration_id": registration.id, "passes": pass_ids})
    return registration


def erase_staff_member(member_id: int, now: datetime | None = None) -> StaffMember:
    """Erase an exhibitor's staff member as ``erase_registration`` erases an attendee: the
    name and address on the staff list and on the pass (revoked), and the mails sent there.
    Idempotent."""
    lock_rows(StaffMember, [member_id])
    member = db.session.get(StaffMember, member_id, populate_existing=True)
    if member is None:
        raise not_found("staff_member")
    if member.erased_at is not None:
        return member
    address = member.email
    placeholder = erased_address("staff", member.id)
    pass_id = db.session.scalar(sa.select(Pass.id).where(Pass.staff_member_id == member.id))
    if pass_id is not None:
        _erase_pass(pass_id, placeholder)
    notifications.forget_address(address, placeholder)
    member.name = ERASED_NAME
    member.name_kana = None
    member.email = placeholder
    member.email_key = email_key(placeholder)
    member.erased_at = now or utcnow()
    db.session.flush()
    log.info("staff member erased", extra={"staff_member_id": member.id, "pass": pass_id})
    return member


def erase_attendee(edition_id: int, registration_id: int) -> Registration:
    """An organiser erases one attendee of the edition (``erase_registration``), recorded in
    the audit log the first time; the caller commits."""
    found = erasable_registration(edition_id, registration_id)
    before = db.session.scalar(sa.select(Registration.erased_at).where(Registration.id == found))
    registration = erase_registration(found)
    if before is None:
        audit.record(
            Action.REGISTRATION_ERASED,
            target=("registration", registration.id),
            edition_id=edition_id,
        )
    return registration


def erasable_registration(edition_id: int, registration_id: int) -> int:
    """The id of the edition's registration, or not found (an id of another edition too)."""
    found = db.session.scalar(
        sa.select(Registration.id).where(
            Registration.id == registration_id, Registration.edition_id == edition_id
        )
    )
    if found is None:
        raise not_found("registration")
    return found


# Retention ---------------------------------------------------------------------------------------


def retention_days() -> int | None:
    days: int | None = current_app.config.get("EVENTHUB_ATTENDEE_RETENTION_DAYS")
    return days


def purge_expired(now: datetime | None = None, batch: int = PURGE_BATCH) -> int:
    """Erase the attendees, then the exhibitors' staff, of editions that ended more than the
    retention period ago, at most ``batch`` people; the number erased. Nothing when no
    retention period is set. Each run takes the next ones, so beat (or cron with the CLI)
    finishes a backlog; the caller commits."""
    days = retention_days()
    if days is None:
        return 0
    now = now or utcnow()
    ended_before = now - timedelta(days=days)
    due = list(
        db.session.scalars(
            sa.select(Registration.id)
            .join(Edition, Edition.id == Registration.edition_id)
            .where(
                Registration.erased_at.is_(None),
                Edition.ends_at < ended_before,
            )
            .order_by(Registration.id)
            .limit(batch)
        )
    )
    for registration_id in due:
        erase_registration(registration_id, now)
    staff_due = list(
        db.session.scalars(
            sa.select(StaffMember.id)
            .join(Application, Application.id == StaffMember.application_id)
            .join(Edition, Edition.id == Application.edition_id)
            .where(StaffMember.erased_at.is_(None), Edition.ends_at < ended_before)
            .order_by(StaffMember.id)
            .limit(batch - len(due))
        )
    )
    for member_id in staff_due:
        erase_staff_member(member_id, now)
    return len(due) + len(staff_due)
