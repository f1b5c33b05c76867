"""The figures that do not come from scans: exhibitors, booths, registrations, meetings, deals.

Their tables hold hundreds or thousands of rows per edition, not millions, so every run
counts them afresh with aggregate queries: a late approval or a deal recorded weeks after
the edition shows at the next run without any bookkeeping.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from eventhub.accounts.models import Organisation, OrganisationKind
from eventhub.applications.models import Application, ApplicationStatus, StaffMember
from eventhub.bookings.models import Booking, BookingStatus
from eventhub.booths.models import Booth, BoothAllocation
from eventhub.checkin.models import Lead
from eventhub.db import utcnow
from eventhub.events.models import EditionFormat, SessionKind, TimetableSession
from eventhub.extensions import db
from eventhub.passes.models import Pass, Registration
from eventhub.tallies import sql
from eventhub.tallies.models import (
    Deal,
    Dimension,
    OnlineParticipation,
    TallyBreakdown,
    TallyPass,
)

STATIC_DIMENSIONS = (
    Dimension.ORGANISATION_KIND,
    Dimension.EXHIBITOR_PREFECTURE,
    Dimension.REGISTRATION_TYPE,
)
breakdowns = TallyBreakdown.__table__


def _scalar(query: sa.Select[Any]) -> sa.ScalarSelect[Any]:
    return query.scalar_subquery()


def _held_bookings(edition_id: int, kind: SessionKind) -> sa.Select[Any]:
    return (
        sa.select(sa.func.count(Booking.id))
        .join(TimetableSession, TimetableSession.id == Booking.session_id)
        .where(
            Booking.edition_id == edition_id,
            Booking.status == BookingStatus.BOOKED,
            Booking.attended_at.isnot(None),
            TimetableSession.kind == kind,
        )
    )


def _breakdown_sum(edition_id: int, dimension: Dimension) -> sa.ScalarSelect[Any]:
    return _scalar(
        sa.select(sa.func.coalesce(sa.func.sum(breakdowns.c.value), 0)).where(
            breakdowns.c.edition_id == edition_id, breakdowns.c.dimension == dimension.value
        )
    )


def refresh(edition_id: int, edition_format: str) -> dict[str, Any]:
    """Count the non-scan figures and their breakdowns; returns the columns to store."""
    edition = sa.literal_column(str(int(edition_id)), sa.Integer).label("edition_id")
    approved = sa.and_(
        Application.edition_id == edition_id, Application.status == ApplicationStatus.APPROVED
    )
    db.session.execute(
        sa.delete(breakdowns).where(
            breakdowns.c.edition_id == edition_id,
            breakdowns.c.dimension.in_([d.value for d in STATIC_DIMENSIONS]),
        )
    )
    n = sa.func.count()
    prefecture = sql.prefecture_key(Organisation.prefecture_code)

    def dimension(value: Dimension) -> sa.ColumnElement[str]:
        return sa.literal(value.value, sa.String).label("dimension")

    rows = sa.union_all(
        sa.select(edition, dimension(Dimension.ORGANISATION_KIND), Organisation.kind, n)
        .select_from(Application)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(approved)
        .group_by(Organisation.kind),
        sa.select(edition, dimension(Dimension.EXHIBITOR_PREFECTURE), prefecture, n)
        .select_from(Application)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(approved)
        .group_by(prefecture),
        sa.select(edition, dimension(Dimension.REGISTRATION_TYPE), Registration.attendee_type, n)
        .where(Registration.edition_id == edition_id)
        .group_by(Registration.attendee_type),
    ).subquery()
    db.session.execute(
        sa.insert(breakdowns).from_select(["edition_id", "dimension", "key", "value"], rows)
    )

    allocated_units = (
        sa.select(sa.func.sum(Booth.units))
        .join(BoothAllocation, BoothAllocation.booth_id == Booth.id)
        .where(BoothAllocation.application_id == Application.id)
        .scalar_subquery()
    )
    # From the few approved exhibitors to their staff's passes and sets by primary key, so the
    # visitors' hundreds of thousands of rows in tally_passes are never read.
    staff_in = (
        sa.select(StaffMember.id)
        .join(Pass, Pass.staff_member_id == StaffMember.id)
        .join(TallyPass, sa.and_(TallyPass.edition_id == edition_id, TallyPass.pass_id == Pass.id))
        .where(StaffMember.application_id == Application.id, TallyPass.staff, TallyPass.entries > 0)
    )
    present = sa.select(sa.func.count(Application.id)).where(approved, staff_in.exists())
    online: Any = None
    if edition_format != EditionFormat.IN_PERSON:
        online = _scalar(
            sa.select(sa.func.count(sa.distinct(OnlineParticipation.registration_id))).where(
                OnlineParticipation.edition_id == edition_id
            )
        )
    leads = (
        sa.select(sa.func.count(Lead.id))
        .join(Application, Application.id == Lead.application_id)
        .where(Application.edition_id == edition_id)
    )
    seats = (
        sa.select(sa.func.coalesce(sa.func.sum(Booking.seats), 0))
        .join(TimetableSession, TimetableSession.id == Booking.session_id)
        .where(
            Booking.edition_id == edition_id,
            Booking.status == BookingStatus.BOOKED,
            Booking.attended_at.isnot(None),
            TimetableSession.kind == SessionKind.HANDS_ON,
        )
    )

    return {
        "exhibitors": _scalar(sa.select(sa.func.count(Application.id)).where(approved)),
        "municipalities": _scalar(
            sa.select(sa.func.count(Application.id))
            .join(Organisation, Organisation.id == Application.organisation_id)
            .where(approved, Organisation.kind == OrganisationKind.MUNICIPALITY)
        ),
        "booth_units": _scalar(
            # Booths given are what counts; an exhibitor without one yet counts what it asked.
            sa.select(
                sa.func.coalesce(
                    sa.func.sum(sa.func.coalesce(allocated_units, Application.booth_units, 0)), 0
                )
            ).where(approved)
        ),
        # The sum of the per-type counts just stored: the registrations are read once a run
        # (an index-only scan of ix_registrations_edition_id_attendee_type), not twice.
        "registrations": _breakdown_sum(edition_id, Dimension.REGISTRATION_TYPE),
        "exhibitors_present": _scalar(present),
        "online_participants": online,
        "business_meetings": _scalar(
            sa.select(
                _scalar(_held_bookings(edition_id, SessionKind.BUSINESS_MEETING)) + _scalar(leads)
            )
        ),
        "deals": _scalar(
            sa.select(sa.func.nullif(sa.func.count(Deal.id), 0)).where(
                Deal.edition_id == edition_id
            )
        ),
        "hands_on_seats_used": _scalar(seats),
        "visitors": _breakdown_sum(edition_id, Dimension.VISITORS),
        "entries": _breakdown_sum(edition_id, Dimension.ENTRIES),
        "computed_at": utcnow(),
    }
