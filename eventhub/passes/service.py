"""Attendee registration, pass settings, staff passes, bulk issuing, and passes' lifecycle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from eventhub.accounts.auth import is_organiser
from eventhub.accounts.models import User, email_key, normalise_email
from eventhub.applications.models import Application, ApplicationStatus, StaffMember
from eventhub.db import utcnow
from eventhub.errors import DomainError, forbidden, not_found, unauthenticated
from eventhub.events.models import Edition, EditionStatus
from eventhub.extensions import db
from eventhub.locking import lock_rows
from eventhub.passes import issuing, printable
from eventhub.passes.models import AttendeeType, Pass, PassSettings, PassState, Registration

#: Statuses in which visitors may register: published, and neither held nor cancelled.
REGISTRATION_OPEN = frozenset({EditionStatus.OPEN, EditionStatus.CLOSED})


@dataclass(frozen=True)
class Registered:
    """A registration with its pass (None only before bulk issuing has created it)."""

    registration: Registration
    pass_: Pass | None


# Settings -----------------------------------------------------------------------------------


def settings_of(edition_id: int) -> PassSettings:
    """The edition's settings; an unsaved row with the defaults when there is none."""
    found = db.session.get(PassSettings, edition_id)
    if found is not None:
        return found
    return PassSettings(
        edition_id=edition_id,
        registration_capacity=None,
        capacity_by_type={},
        reentry_allowed=True,
        auto_exit_at_close=True,
    )


def put_settings(edition: Edition, data: dict[str, Any]) -> PassSettings:
    settings = db.session.get(PassSettings, edition.id)
    if settings is None:
        settings = PassSettings(edition_id=edition.id)
        db.session.add(settings)
    for key, value in data.items():
        setattr(settings, key, value)
    return settings


# Registration -------------------------------------------------------------------------------


def _registration_full(attendee_type: str, capacity: int) -> DomainError:
    return DomainError(
        "registration_full",
        attendee_type=attendee_type,
        capacity=capacity,
    )


def _check_capacity(edition_id: int, attendee_type: str) -> None:
    """Refuse past the edition's capacity; the caller holds the edition's lock."""
    settings = db.session.get(PassSettings, edition_id)
    if settings is None:
        return
    per_type = (settings.capacity_by_type or {}).get(attendee_type)
    counts = dict(
        db.session.execute(
            sa.select(Registration.attendee_type, sa.func.count())
            .where(Registration.edition_id == edition_id)
            .group_by(Registration.attendee_type)
        ).all()
    )
    total = settings.registration_capacity
    if total is not None and sum(counts.values()) >= total:
        raise _registration_full(attendee_type, total)
    if per_type is not None and counts.get(attendee_type, 0) >= per_type:
        raise _registration_full(attendee_type, per_type)


def registration_open(edition: Edition) -> bool:
    """Whether visitors may register now: published, not held or cancelled, not yet over."""
    return edition.status in REGISTRATION_OPEN and utcnow() < edition.ends_at


def registered_pass(edition_id: int, email: str) -> Pass | None:
    """The pass of the visitor registered for the edition with this address, if any."""
    return db.session.scalars(
        sa.select(Pass)
        .join(Registration, Pass.registration_id == Registration.id)
        .where(Registration.edition_id == edition_id, Registration.email_key == email_key(email))
    ).first()


def register(edition: Edition, data: dict[str, Any]) -> Registered:
    """Register one visitor and record their pass as pending; issuing is queued for the commit."""
    if not registration_open(edition):
        raise DomainError("registration_closed")
    # Under the edition's lock, counting and inserting are one step: concurrent registrations
    # queue up here, so none can take a place that another has just counted as free.
    lock_rows(Edition, [edition.id])
    key = email_key(data["email"])
    taken = db.session.scalar(
        sa.select(Registration.id).where(
            Registration.edition_id == edition.id, Registration.email_key == key
        )
    )
    if taken is not None:
        raise DomainError("already_registered")
    _check_capacity(edition.id, data["attendee_type"])
    data.pop("accept_terms")
    registration = Registration(
        edition_id=edition.id,
        email_key=key,
        terms_accepted_at=utcnow(),
        **{**data, "email": normalise_email(data["email"])},
    )
    db.session.add(registration)
    db.session.flush()
    pass_ = Pass(
        edition_id=edition.id,
        kind=registration.attendee_type,
        registration_id=registration.id,
        holder_name=registration.name,
        holder_email=registration.email,
        valid_days=None,
        state=PassState.PENDING,
    )
    db.session.add(pass_)
    db.session.flush()
    issuing.queue_issue(pass_)
    return Registered(registration, pass_)


def registrations_query(edition: Edition, args: dict[str, Any]) -> sa.Select[Any]:
    query = (
        sa.select(Registration)
        .where(Registration.edition_id == edition.id)
        .order_by(Registration.id)
    )
    if "attendee_type" in args:
        query = query.where(Registration.attendee_type == args["attendee_type"])
    if "prefecture_code" in args:
        query = query.where(Registration.prefecture_code == args["prefecture_code"])
    if args.get("q"):
        # Escaped, so that a "%" or "_" typed by the organiser matches itself.
        pattern = "%" + args["q"].replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
        pattern += "%"
        query = query.where(
            sa.or_(
                Registration.name.ilike(pattern, escape="\\"),
                Registration.email.ilike(pattern, escape="\\"),
            )
        )
    return query


def with_passes(registrations: Sequence[Registration]) -> list[Registered]:
    """Each registration with its pass, in one query for the page."""
    ids = [r.id for r in registrations]
    passes = {
        p.registration_id: p
        for p in db.session.scalars(sa.select(Pass).where(Pass.registration_id.in_(ids)))
    }
    return [Registered(r, passes.get(r.id)) for r in registrations]


# Staff passes and bulk issuing ---------------------------------------------------------------


def create_staff_pass(member: StaffMember) -> Pass:
    """The exhibitor_staff pass of a newly registered staff member, queued for issuing.

    Called in the transaction that adds the member, after it is flushed; a second call returns
    the existing pass.
    """
    existing = db.session.scalar(sa.select(Pass).where(Pass.staff_member_id == member.id))
    if existing is not None:
        return existing
    edition_id = db.session.scalar(
        sa.select(Application.edition_id).where(Application.id == member.application_id)
    )
    pass_ = Pass(
        edition_id=edition_id,
        kind=AttendeeType.EXHIBITOR_STAFF,
        staff_member_id=member.id,
        holder_name=member.name,
        holder_email=member.email,
        valid_days=None,
        state=PassState.PENDING,
    )
    db.session.add(pass_)
    db.session.flush()
    issuing.queue_issue(pass_)
    return pass_


def revoke_staff_pass(member_id: int) -> None:
    """Revoke the pass of a staff member about to be removed, if it has one."""
    staff_pass = db.session.scalar(sa.select(Pass.id).where(Pass.staff_member_id == member_id))
    if staff_pass is not None:
        issuing.revoke(staff_pass)


def issue_all(edition: Edition) -> dict[str, int]:
    """Create the passes still missing (registrations, approved exhibitors' staff) and queue
    every pending pass of the edition; the progress endpoint then follows the workers."""
    lock_rows(Edition, [edition.id])
    registrations = db.session.scalars(
        sa.select(Registration)
        .outerjoin(Pass, Pass.registration_id == Registration.id)
        .where(Registration.edition_id == edition.id, Pass.id.is_(None))
    ).all()
    staff = db.session.scalars(
        sa.select(StaffMember)
        .join(Application, Application.id == StaffMember.application_id)
        .outerjoin(Pass, Pass.staff_member_id == StaffMember.id)
        .where(
            Application.edition_id == edition.id,
            Application.status == ApplicationStatus.APPROVED,
            Pass.id.is_(None),
        )
    ).all()
    new = [
        Pass(
            edition_id=edition.id,
            kind=r.attendee_type,
            registration_id=r.id,
            holder_name=r.name,
            holder_email=r.email,
        )
        for r in registrations
    ] + [
        Pass(
            edition_id=edition.id,
            kind=AttendeeType.EXHIBITOR_STAFF,
            staff_member_id=m.id,
            holder_name=m.name,
            holder_email=m.email,
        )
        for m in staff
    ]
    db.session.add_all(new)
    db.session.flush()
    pending = db.session.scalars(
        sa.select(Pass.id)
        .where(Pass.edition_id == edition.id, Pass.state == PassState.PENDING)
        .order_by(Pass.id)
    ).all()
    issuing.queue_issue_all(list(pending))
    return {**progress(edition.id), "created": len(new)}


def progress(edition_id: int) -> dict[str, int]:
    """Passes of the edition by state, counted in SQL: the progress of bulk issuing."""
    counts = dict(
        db.session.execute(
            sa.select(Pass.state, sa.func.count())
            .where(Pass.edition_id == edition_id)
            .group_by(Pass.state)
        ).all()
    )
    out = {state.value: int(counts.get(state, 0)) for state in PassState}
    return {"total": sum(out.values()), **out}


# One pass ------------------------------------------------------------------------------------


def pass_for(pass_id: int, user: User | None, key: str | None) -> Pass:
    """The pass for its holder (with the private key) or an organiser; a wrong key is 404."""
    pass_ = db.session.get(Pass, pass_id)
    if key is not None:
        if pass_ is None or not printable.key_matches(pass_, key):
            raise not_found("pass")
        return pass_
    if user is None:
        raise unauthenticated()
    if not is_organiser(user):
        raise forbidden("pass_forbidden")
    if pass_ is None:
        raise not_found("pass")
    return pass_


def issued(pass_: Pass) -> Pass:
    """The pass, if it has a QR code to show."""
    if pass_.state == PassState.PENDING:
        raise DomainError("pass_not_issued")
    if pass_.state == PassState.REVOKED:
        raise DomainError("pass_revoked")
    return pass_
