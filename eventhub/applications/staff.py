"""Exhibitor staff: people an approved exhibitor brings, up to a quota per booth unit."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.accounts.models import email_key, normalise_email
from eventhub.applications.models import Application, ApplicationStatus, StaffMember
from eventhub.errors import DomainError, not_found
from eventhub.extensions import db
from eventhub.locking import lock_rows
from eventhub.passes import service as passes


def quota(application: Application) -> int:
    return (application.booth_units or 0) * application.edition.staff_per_unit


def staff_of(application: Application) -> list[StaffMember]:
    return list(
        db.session.scalars(
            sa.select(StaffMember)
            .where(StaffMember.application_id == application.id)
            .order_by(StaffMember.id)
        )
    )


def add(application: Application, name: str, name_kana: str | None, email: str) -> StaffMember:
    if application.status != ApplicationStatus.APPROVED:
        raise DomainError("not_approved", "staff_need_approval")
    # Lock the application so two registrations at once cannot both take the last slot.
    lock_rows(Application, [application.id])
    members = staff_of(application)
    key = email_key(email)
    if any(m.email_key == key for m in members):
        raise DomainError("staff_exists")
    if len(members) >= quota(application):
        raise DomainError(
            "staff_quota_reached",
            quota=quota(application),
        )
    member = StaffMember(
        application_id=application.id,
        name=name,
        name_kana=name_kana,
        email=normalise_email(email),
        email_key=key,
    )
    db.session.add(member)
    db.session.flush()
    passes.create_staff_pass(member)
    return member


def remove(application: Application, member_id: int) -> None:
    member = db.session.get(StaffMember, member_id)
    if member is None or member.application_id != application.id:
        raise not_found("staff_member")
    # Revoke first: the revocation outlives the pass, which goes with the member.
    passes.revoke_staff_pass(member.id)
    db.session.delete(member)
