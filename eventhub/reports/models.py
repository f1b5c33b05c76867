"""Entered figures of past editions, report builds and their stored outputs."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin, UTCDateTime, enum_check, utcnow
from eventhub.events.models import EditionFormat, Series
from eventhub.extensions import Model


class PastStatus(enum.StrEnum):
    HELD = "held"
    CANCELLED = "cancelled"


class BuildStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


#: Builds that still hold their fiscal year's single active slot.
ACTIVE_BUILD_STATUSES = (BuildStatus.QUEUED, BuildStatus.RUNNING)
_ACTIVE_SQL = "status IN ('queued', 'running')"


class PastEditionFigures(TimestampMixin, Model):
    """What an edition held before eventhub is known to have achieved, as entered by hand.

    The report uses these only for years that have no edition in eventhub's own data.
    """

    __tablename__ = "past_edition_figures"
    __table_args__ = (
        enum_check("format", EditionFormat),
        enum_check("status", PastStatus),
        sa.UniqueConstraint("series_id", "fiscal_year", "edition_no"),
        sa.CheckConstraint("edition_no >= 1", name="edition_no_positive"),
        sa.CheckConstraint(
            "held_until IS NULL OR (held_from IS NOT NULL AND held_until >= held_from)",
            name="held_until_after_from",
        ),
        sa.CheckConstraint(
            "status <> 'cancelled' OR cancellation_reason_ja IS NOT NULL",
            name="cancelled_has_reason",
        ),
        sa.CheckConstraint(
            "prefecture_codes IS NULL OR prefectures_printed IS NULL", name="one_prefecture_form"
        ),
        sa.CheckConstraint(
            "(exhibitors IS NULL OR exhibitors >= 0) AND (visitors IS NULL OR visitors >= 0)"
            " AND (online_participants IS NULL OR online_participants >= 0)"
            " AND (business_meetings IS NULL OR business_meetings >= 0)",
            name="counts_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("series.id"))
    fiscal_year: Mapped[int]
    #: Which edition of the fiscal year: 1 unless the series held (or planned) two that year.
    edition_no: Mapped[int] = mapped_column(default=1)
    #: First and last month held (the first of the month); None when only the year is known.
    held_from: Mapped[date | None]
    held_until: Mapped[date | None]
    venue_ja: Mapped[str | None] = mapped_column(sa.String(200))
    venue_en: Mapped[str | None] = mapped_column(sa.String(200))
    format: Mapped[str] = mapped_column(sa.String(16), default=EditionFormat.IN_PERSON)
    status: Mapped[str] = mapped_column(sa.String(16), default=PastStatus.HELD)
    #: Written to be followed by 「ため」 or already ending in it, e.g. 「台風接近のため」.
    cancellation_reason_ja: Mapped[str | None] = mapped_column(sa.Text)
    cancellation_reason_en: Mapped[str | None] = mapped_column(sa.Text)
    exhibitors: Mapped[int | None]
    #: The prefectures by JIS code, when they are known one by one.
    prefecture_codes: Mapped[list[int] | None] = mapped_column(sa.JSON(none_as_null=True))
    #: Only the printed figure, e.g. "33都道府県", for years whose list is lost.
    prefectures_printed: Mapped[str | None] = mapped_column(sa.String(20))
    #: Participating municipalities as printed, e.g. "6市" or "2市1町".
    municipalities_ja: Mapped[str | None] = mapped_column(sa.String(40))
    visitors: Mapped[int | None]
    #: The visitor count was published as an approximation (約).
    visitors_approximate: Mapped[bool] = mapped_column(default=False)
    online_participants: Mapped[int | None]
    online_participants_approximate: Mapped[bool] = mapped_column(default=False)
    business_meetings: Mapped[int | None]
    #: Years sharing a note are listed together under it (※), as the report does.
    note_ja: Mapped[str | None] = mapped_column(sa.Text)
    note_en: Mapped[str | None] = mapped_column(sa.Text)

    series: Mapped[Series] = relationship(lazy="joined")


class ReportBuild(Model):
    """One build of a fiscal year's results report, done by a worker with progress."""

    __tablename__ = "report_builds"
    __table_args__ = (
        enum_check("status", BuildStatus),
        sa.CheckConstraint(
            "progress_done >= 0 AND progress_total >= 0 AND progress_done <= progress_total",
            name="progress_in_range",
        ),
        # One queued or running build per fiscal year: a second request joins the first.
        sa.Index(
            "ix_report_builds_active_fiscal_year",
            "fiscal_year",
            unique=True,
            postgresql_where=sa.text(_ACTIVE_SQL),
            sqlite_where=sa.text(_ACTIVE_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(16), default=BuildStatus.QUEUED)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the build task was last queued; the reconciler re-queues one left queued too long.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Times the reconciler queued it again; sets its back-off.
    redrives: Mapped[int] = mapped_column(default=0, server_default="0")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Touched with every step while running: a build whose worker died stops touching it.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Bumped by every claim, so that a worker taken over by another cannot store its result.
    attempt: Mapped[int] = mapped_column(default=0)
    #: Editions of the fiscal year the report leaves out, each with why (for organisers).
    omitted: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON(none_as_null=True))
    #: Set when an organiser publishes the build: its report and files become public. The
    #: fiscal year's public report is its build published last.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    outputs: Mapped[list[ReportOutput]] = relationship(
        back_populates="build", order_by="ReportOutput.id", cascade="all, delete-orphan"
    )


class ReportOutput(Model):
    """One file of a finished build; all of a build's files are stored in one transaction."""

    __tablename__ = "report_outputs"
    __table_args__ = (sa.UniqueConstraint("build_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    build_id: Mapped[int] = mapped_column(sa.ForeignKey("report_builds.id", ondelete="CASCADE"))
    #: File name within the build, e.g. "report-ja.html" or "charts/12-visitors-per-day.svg".
    name: Mapped[str] = mapped_column(sa.String(120))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))

    build: Mapped[ReportBuild] = relationship(back_populates="outputs")
