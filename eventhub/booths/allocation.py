"""Giving booths to approved applications: by hand, and by the automatic proposal.

Two rules hold under concurrent requests. A booth is given once: booth_allocations.booth_id is
unique, so the database refuses the loser of a race. An application never holds more units
than it requested: its row is locked before its units are summed, so two allocations to it
run one after the other.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from eventhub.accounts.models import User
from eventhub.applications import service as applications
from eventhub.applications.models import Application, ApplicationStatus
from eventhub.booths import proposal, service
from eventhub.booths.models import Booth, BoothAllocation
from eventhub.errors import DomainError, field_error, not_found
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.locking import lock_rows


def _locked_application(application_id: int) -> Application:
    """The application, locked and read again: its status and booths are now settled."""
    lock_rows(Application, [application_id])
    application = db.session.get(Application, application_id, populate_existing=True)
    if application is None:
        raise not_found("application")
    return application


def _held_units(application_id: int) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Booth.units), 0))
            .join(BoothAllocation, BoothAllocation.booth_id == Booth.id)
            .where(BoothAllocation.application_id == application_id)
        )
        or 0
    )


def _booth_taken(booth_id: int, holder: int | None) -> DomainError:
    return DomainError(
        "booth_taken",
        booth_id=booth_id,
        application_id=holder,
    )


def _flush_allocations(booth_ids: list[int]) -> None:
    """Flush new allocations; a booth given meanwhile by another request is a 409."""
    try:
        db.session.flush()
    except sa.exc.IntegrityError as exc:
        db.session.rollback()
        for booth_id in booth_ids:
            holder = service.holder_of(booth_id)
            if holder is not None:
                raise _booth_taken(booth_id, holder) from exc
        raise


def allocate(application_id: int, booth_id: int, user: User) -> BoothAllocation:
    application = _locked_application(application_id)
    if application.status != ApplicationStatus.APPROVED:
        raise DomainError("not_approved", "booths_need_approval", current_status=application.status)
    service.check_editable(application.edition)
    lock_rows(Booth, [booth_id])
    booth = db.session.get(Booth, booth_id, populate_existing=True)
    if booth is None or booth.edition_id != application.edition_id:
        raise field_error("booth_id", "unknown_booth")
    holder = service.holder_of(booth.id)
    if holder is not None:
        raise _booth_taken(booth.id, holder)
    requested = application.booth_units or 0
    held = _held_units(application.id)
    if held + booth.units > requested:
        raise DomainError(
            "over_requested_size",
            params={"booth": booth.code},
            requested_units=requested,
            allocated_units=held,
            booth_units=booth.units,
        )
    allocation = BoothAllocation(booth=booth, application=application, allocated_by_id=user.id)
    db.session.add(allocation)
    _flush_allocations([booth.id])
    return allocation


def unallocate(application: Application, booth_id: int) -> None:
    service.check_editable(application.edition)
    allocation = db.session.scalars(
        sa.select(BoothAllocation).where(
            BoothAllocation.application_id == application.id,
            BoothAllocation.booth_id == booth_id,
        )
    ).first()
    if allocation is None:
        raise not_found("booth_allocation")
    db.session.delete(allocation)


def release_all(application: Application) -> None:
    """Take back every booth of ``application``: it gave up its place (it was withdrawn)."""
    db.session.execute(
        sa.delete(BoothAllocation).where(BoothAllocation.application_id == application.id)
    )


# Applications frees an application's place without knowing booths: booths depends on it.
applications.PLACE_RELEASED.append(release_all)


def allocations_of(application: Application) -> list[BoothAllocation]:
    return list(
        db.session.scalars(
            sa.select(BoothAllocation)
            .join(BoothAllocation.booth)
            .where(BoothAllocation.application_id == application.id)
            .order_by(Booth.zone, Booth.code, Booth.id)
        )
    )


# Automatic proposal ------------------------------------------------------------------------


def _group(application: Application, group_by: str) -> str:
    if group_by == "prefecture":
        return f"{application.organisation.prefecture_code:02d}"
    return application.industry_category or "unspecified"


def _unplaced_applications(edition: Edition) -> list[int]:
    """Approved applications of the edition that hold no booth yet."""
    holds = sa.exists().where(BoothAllocation.application_id == Application.id)
    return list(
        db.session.scalars(
            sa.select(Application.id).where(
                Application.edition_id == edition.id,
                Application.status == ApplicationStatus.APPROVED,
                ~holds,
            )
        )
    )


def propose(edition: Edition, group_by: str, *, apply: bool, user: User) -> dict[str, Any]:
    """Propose booths for the approved applications that have none; with ``apply``, allocate
    them all in this transaction.

    When applying, the applications and booths are locked before they are read, so the
    proposal is made on data no other request can change until it is written.
    """
    ids = _unplaced_applications(edition)
    locked: set[int] | None = None
    if apply:
        service.check_editable(edition)
        lock_rows(Application, ids)
        locked = set(db.session.scalars(sa.select(Booth.id).where(Booth.edition_id == edition.id)))
        lock_rows(Booth, locked)
        # Read again: some may have got booths meanwhile. Rows approved or created since the
        # locks were taken are left for the next proposal: only locked rows are safe to use.
        before = set(ids)
        ids = [i for i in _unplaced_applications(edition) if i in before]
    applications = {
        a.id: a
        for a in db.session.scalars(
            sa.select(Application)
            .where(Application.id.in_(ids))
            .execution_options(populate_existing=True)
        )
    }
    booths = {
        b.id: b
        for b in db.session.scalars(
            sa.select(Booth)
            .where(Booth.edition_id == edition.id)
            .execution_options(populate_existing=True)
        )
        if locked is None or b.id in locked
    }
    taken = set(
        db.session.scalars(
            sa.select(BoothAllocation.booth_id).where(BoothAllocation.booth_id.in_(booths))
        )
    )
    result = proposal.propose(
        [
            proposal.Applicant(a.id, _group(a, group_by), a.booth_units)
            for a in applications.values()
        ],
        [
            proposal.BoothSlot(b.id, b.code, b.zone, b.units, b.id not in taken)
            for b in booths.values()
        ],
    )
    if apply:
        for placement in result.placements:
            for booth_id in placement.booth_ids:
                db.session.add(
                    BoothAllocation(
                        booth_id=booth_id,
                        application_id=placement.application_id,
                        allocated_by_id=user.id,
                    )
                )
        _flush_allocations([b for p in result.placements for b in p.booth_ids])

    def name(application_id: int) -> str:
        return str(applications[application_id].organisation.name)

    return {
        "group_by": group_by,
        "applied": apply,
        "placements": [
            {
                "application_id": p.application_id,
                "organisation_name": name(p.application_id),
                "group": p.group,
                "requested_units": p.requested_units,
                "units": p.units,
                "short_by": p.short_by,
                "booths": [booths[b] for b in p.booth_ids],
            }
            for p in result.placements
        ],
        "unplaced": [
            {
                "application_id": u.application_id,
                "organisation_name": name(u.application_id),
                "group": u.group,
                "requested_units": u.requested_units,
                "reason": u.reason,
            }
            for u in result.unplaced
        ],
    }
