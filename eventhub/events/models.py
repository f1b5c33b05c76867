from __future__ import annotations

import enum
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin, UTCDateTime, enum_check
from eventhub.extensions import Model


class EditionFormat(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class EditionStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    HELD = "held"
    CANCELLED = "cancelled"


#: Where an edition may go from each status; cancelling is possible until it is held.
EDITION_TRANSITIONS: dict[EditionStatus, frozenset[EditionStatus]] = {
    EditionStatus.DRAFT: frozenset({EditionStatus.OPEN, EditionStatus.CANCELLED}),
    EditionStatus.OPEN: frozenset({EditionStatus.CLOSED, EditionStatus.CANCELLED}),
    EditionStatus.CLOSED: frozenset(
        {EditionStatus.OPEN, EditionStatus.HELD, EditionStatus.CANCELLED}
    ),
    EditionStatus.HELD: frozenset(),
    EditionStatus.CANCELLED: frozenset(),
}

#: Statuses the public can see; a draft is the organisers' own.
PUBLISHED_STATUSES = frozenset(EditionStatus) - {EditionStatus.DRAFT}


class SessionKind(enum.StrEnum):
    DEMONSTRATION = "demonstration"  # 実演
    HANDS_ON = "hands_on"  # 体験
    SEMINAR = "seminar"  # セミナー
    BUSINESS_MEETING = "business_meeting"  # 商談


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    #: Kept, not deleted, so calendars can show the cancellation.
    CANCELLED = "cancelled"


class Series(Model):
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_ja: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))

    editions: Mapped[list[Edition]] = relationship(back_populates="series")


def gate_closes_at(ends_at: datetime, timezone: str) -> datetime:
    """When an edition's gates close for good: the end of the day after its last day, at its
    venue. Scans dated until then count (an exit past midnight), and gate staff work the
    edition until then; their grant ends with it."""
    zone = ZoneInfo(timezone)
    last_day = ends_at.astimezone(zone).date()
    return datetime.combine(last_day + timedelta(days=2), time(0), tzinfo=zone)


class Edition(TimestampMixin, Model):
    __tablename__ = "editions"
    __table_args__ = (
        enum_check("format", EditionFormat),
        enum_check("status", EditionStatus),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint(
            "applications_close_at IS NULL OR applications_open_at IS NULL "
            "OR applications_close_at > applications_open_at",
            name="application_window_order",
        ),
        sa.CheckConstraint("booth_capacity IS NULL OR booth_capacity >= 0", name="capacity"),
        sa.CheckConstraint("waitlist_offer_hours > 0", name="waitlist_offer_hours_positive"),
        sa.CheckConstraint("staff_per_unit >= 0", name="staff_per_unit_positive"),
        sa.Index("ix_editions_series_id_fiscal_year", "series_id", "fiscal_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("series.id"))
    #: 年度 (April–March) of the first day, in Tokyo time.
    fiscal_year: Mapped[int]
    title_ja: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    venue_ja: Mapped[str | None] = mapped_column(sa.String(200))
    venue_en: Mapped[str | None] = mapped_column(sa.String(200))
    venue_address: Mapped[str | None] = mapped_column(sa.String(300))
    #: Opening of the first day and closing of the last day.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: IANA zone the edition's times are shown in.
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Tokyo")
    format: Mapped[str] = mapped_column(sa.String(16))
    applications_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    applications_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Booth units (小間) available; None while not yet decided.
    booth_capacity: Mapped[int | None]
    status: Mapped[str] = mapped_column(sa.String(16), default=EditionStatus.DRAFT, index=True)
    #: Hours a waitlisted exhibitor has to accept a freed place before it moves on.
    waitlist_offer_hours: Mapped[int] = mapped_column(default=72)
    #: When the booth capacity is taken: waitlist new submissions (True) or refuse them.
    waitlist_when_full: Mapped[bool] = mapped_column(default=True)
    #: Staff members an approved exhibitor may register per booth unit (小間).
    staff_per_unit: Mapped[int] = mapped_column(default=3)
    #: Why a cancelled edition was cancelled, for the results report.
    cancellation_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: Optimistic lock: a write carrying an older version is refused with 409.
    version: Mapped[int] = mapped_column(default=1)

    series: Mapped[Series] = relationship(back_populates="editions", lazy="joined")
    sessions: Mapped[list[TimetableSession]] = relationship(
        back_populates="edition", order_by="TimetableSession.starts_at"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def is_published(self) -> bool:
        return self.status in PUBLISHED_STATUSES

    @property
    def gate_closes_at(self) -> datetime:
        return gate_closes_at(self.ends_at, self.timezone)


class TimetableSession(TimestampMixin, Model):
    """A slot of an edition's timetable: a demonstration, hands-on slot, seminar or meeting."""

    __tablename__ = "timetable_sessions"
    __table_args__ = (
        enum_check("kind", SessionKind),
        enum_check("status", SessionStatus),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("seats IS NULL OR seats > 0", name="seats_positive"),
        sa.Index("ix_timetable_sessions_edition_id_starts_at", "edition_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    title_ja: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    description_ja: Mapped[str | None] = mapped_column(sa.Text)
    description_en: Mapped[str | None] = mapped_column(sa.Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Room, stage or booth, as shown to visitors.
    place: Mapped[str | None] = mapped_column(sa.String(200))
    #: None means unlimited.
    seats: Mapped[int | None]
    #: The exhibiting organisation it belongs to, if any.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(16), default=SessionStatus.SCHEDULED)
    #: Optimistic lock, and the iCalendar SEQUENCE of the session's event.
    version: Mapped[int] = mapped_column(default=1)

    edition: Mapped[Edition] = relationship(back_populates="sessions")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
