"""Stored attendance tallies of an edition, the passes seen entering they are kept
incrementally with, and the two facts no other table records: online participation and
closed deals.

``tally_passes`` carries no foreign keys on purpose: a full recompute inserts hundreds of
thousands of rows at once, and a referential check per row would cost more than the whole
tally. Only the tallies write it, always under the lock of the edition's ``edition_tallies``
row.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.checkin.models import Scan
from eventhub.db import UTCDateTime, enum_check, utcnow
from eventhub.extensions import Model
from eventhub.passes.models import Registration

BigId = sa.BigInteger().with_variant(sa.Integer, "sqlite")


class Dimension(enum.StrEnum):
    """What a breakdown row counts, and what its key is."""

    #: Unique visitors in all (key "all"); kept incrementally from the scans.
    VISITORS = "visitors"
    #: Admitted entries of visitors including re-entries (key "all").
    ENTRIES = "entries"
    #: Unique visitors per local day, key "YYYY-MM-DD".
    VISITOR_DAY = "visitor_day"
    #: Entries per local hour, key "YYYY-MM-DDTHH".
    ENTRY_HOUR = "entry_hour"
    #: Unique visitors per gate, key the gate id ("0": no gate, e.g. a manual check-in).
    VISITOR_GATE = "visitor_gate"
    #: Unique visitors per attendee type of their registration.
    VISITOR_TYPE = "visitor_type"
    #: Unique visitors per prefecture of residence, key "01".."47" or "unknown".
    VISITOR_PREFECTURE = "visitor_prefecture"
    # Counted afresh at every run, from tables that are small (applications, registrations).
    #: Approved exhibitors per organisation kind.
    ORGANISATION_KIND = "organisation_kind"
    #: Approved exhibitors per prefecture of their organisation, key "01".."47".
    EXHIBITOR_PREFECTURE = "exhibitor_prefecture"
    #: Registrations per attendee type.
    REGISTRATION_TYPE = "registration_type"


#: Dimensions kept incrementally from the scans; the others are counted afresh every run.
SCAN_DIMENSIONS = frozenset(
    {
        Dimension.VISITORS,
        Dimension.ENTRIES,
        Dimension.VISITOR_DAY,
        Dimension.ENTRY_HOUR,
        Dimension.VISITOR_GATE,
        Dimension.VISITOR_TYPE,
        Dimension.VISITOR_PREFECTURE,
    }
)


class EditionTally(Model):
    """An edition's tallies as last computed. Its row is the lock every recompute takes."""

    __tablename__ = "edition_tallies"

    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True
    )
    #: Every scan of the edition with an id up to this one is counted, and none above it.
    watermark: Mapped[int] = mapped_column(BigId, default=0)
    exhibitors: Mapped[int] = mapped_column(default=0)
    exhibitors_present: Mapped[int] = mapped_column(default=0)
    municipalities: Mapped[int] = mapped_column(default=0)
    booth_units: Mapped[int] = mapped_column(default=0)
    registrations: Mapped[int] = mapped_column(default=0)
    visitors: Mapped[int] = mapped_column(default=0)
    entries: Mapped[int] = mapped_column(default=0)
    #: None for in-person editions.
    online_participants: Mapped[int | None]
    business_meetings: Mapped[int] = mapped_column(default=0)
    #: None while no deal has been recorded.
    deals: Mapped[int | None]
    hands_on_seats_used: Mapped[int] = mapped_column(default=0)
    #: None until the first computation.
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    full_computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Outbox: a full recompute was asked for and has not run since; the reconciler re-queues it.
    full_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class TallyBreakdown(Model):
    """One count of an edition's tallies along a dimension, e.g. visitors on 2027-08-07."""

    __tablename__ = "tally_breakdowns"
    __table_args__ = (enum_check("dimension", Dimension),)

    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition_tallies.edition_id", ondelete="CASCADE"), primary_key=True
    )
    dimension: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[int]


class TallyPass(Model):
    """A pass seen entering: its admitted entries not undone, and what it is counted under."""

    __tablename__ = "tally_passes"

    edition_id: Mapped[int] = mapped_column(primary_key=True)
    pass_id: Mapped[int] = mapped_column(primary_key=True)
    #: An exhibitor's staff pass: counts its exhibitor as present, not as a visitor.
    staff: Mapped[bool]
    #: The registration's type and prefecture when the pass first entered.
    attendee_type: Mapped[str | None] = mapped_column(sa.String(20))
    prefecture_code: Mapped[int | None]
    entries: Mapped[int]


# Undo scans are found by their own index, so a batch of new scans finds its undos without
# reading the other scans (an index on the existing table, its columns untouched).
sa.Index(
    "ix_scans_edition_id_undo",
    Scan.__table__.c.edition_id,
    Scan.__table__.c.id,
    postgresql_where=Scan.__table__.c.undoes_id.isnot(None),
    sqlite_where=Scan.__table__.c.undoes_id.isnot(None),
)
# Registrations per attendee type are counted at every run: an index-only scan of this index
# reads a fraction of the table's pages.
sa.Index(
    "ix_registrations_edition_id_attendee_type",
    Registration.__table__.c.edition_id,
    Registration.__table__.c.attendee_type,
)


class ParticipationSource(enum.StrEnum):
    ORGANISER = "organiser"
    PLATFORM = "platform"


class OnlineParticipation(Model):
    """A registered attendee took part online on one day (recorded by the organiser, or the
    streaming platform's export); one row per attendee and day, however often it is sent."""

    __tablename__ = "online_participations"
    __table_args__ = (
        sa.UniqueConstraint("registration_id", "day"),
        enum_check("source", ParticipationSource),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE")
    )
    #: Local day of the edition.
    day: Mapped[date]
    source: Mapped[str] = mapped_column(sa.String(16))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Deal(Model):
    """成約: a deal closed from a lead or a held business meeting; counted once each."""

    __tablename__ = "deals"
    __table_args__ = (
        sa.CheckConstraint("(lead_id IS NULL) <> (booking_id IS NULL)", name="one_origin"),
        sa.CheckConstraint("amount_yen IS NULL OR amount_yen >= 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    lead_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("leads.id", ondelete="CASCADE"), unique=True
    )
    booking_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bookings.id", ondelete="CASCADE"), unique=True
    )
    amount_yen: Mapped[int | None] = mapped_column(sa.BigInteger)
    note: Mapped[str | None] = mapped_column(sa.Text)
    closed_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
