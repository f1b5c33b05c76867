"""A booking: one registration holds seats in one timetable session."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import UTCDateTime, enum_check, utcnow
from eventhub.events.models import TimetableSession
from eventhub.extensions import Model
from eventhub.passes.models import Registration


class BookingStatus(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class Booking(Model):
    """An attendee's seat(s) in a hands-on slot (体験) or a business meeting (商談)."""

    __tablename__ = "bookings"
    __table_args__ = (
        enum_check("status", BookingStatus),
        sa.CheckConstraint("seats > 0", name="seats_positive"),
        sa.CheckConstraint(
            "(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancelled_at_iff_cancelled"
        ),
        # One live booking per attendee and session; cancelled ones stay as history.
        sa.Index(
            "uq_bookings_live_per_registration",
            "session_id",
            "registration_id",
            unique=True,
            postgresql_where=sa.text("status = 'booked'"),
            sqlite_where=sa.text("status = 'booked'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Denormalised from the session, so tallies per edition need no join.
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("timetable_sessions.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    seats: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(sa.String(16), default=BookingStatus.BOOKED)
    #: When the slot or meeting actually took place with this attendee (marked by the exhibitor
    #: or an organiser); a held business meeting counts as a 商談 in the results report.
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[TimetableSession] = relationship()
    registration: Mapped[Registration] = relationship()
