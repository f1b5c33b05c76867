"""Built feeds, per-day schedule items of an edition, and private feed tokens."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.db import TimestampMixin, UTCDateTime, enum_check, utcnow
from eventhub.extensions import Model


class FeedKind(enum.StrEnum):
    EDITION = "edition"
    SERIES = "series"
    PROGRAMME = "programme"
    EXHIBITOR = "exhibitor"
    ATTENDEE = "attendee"


class FeedLang(enum.StrEnum):
    JA = "ja"
    EN = "en"


class ScheduleKind(enum.StrEnum):
    OPENING = "opening"  # 開場時間
    SETUP = "setup"  # 搬入・設営
    TEARDOWN = "teardown"  # 搬出・撤去


class CalendarFeed(Model):
    """One feed's finished body, and whether what it shows has changed since it was built.

    Every change to what a feed shows bumps ``generation`` in the changing transaction; a
    build records the generation it read (``built_generation``). Stale means the two differ.
    """

    __tablename__ = "calendar_feeds"
    __table_args__ = (
        enum_check("kind", FeedKind),
        enum_check("lang", FeedLang),
        sa.CheckConstraint("built_generation <= generation", name="built_not_ahead"),
        sa.Index("ix_calendar_feeds_kind_edition_id", "kind", "edition_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the feed is, e.g. "edition:12:ja:hands_on,seminar": the one key requests look up.
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    lang: Mapped[str] = mapped_column(sa.String(2))
    # The subject, one of these per kind; deleting it deletes its feeds.
    edition_id: Mapped[int | None] = mapped_column(sa.ForeignKey("editions.id", ondelete="CASCADE"))
    series_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("series.id", ondelete="CASCADE"), index=True
    )
    fiscal_year: Mapped[int | None] = mapped_column(index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    #: Session kinds an edition feed is limited to, comma-separated and sorted; None: all.
    session_kinds: Mapped[str | None] = mapped_column(sa.String(80))
    #: Deferred: bookkeeping reads the row without pulling megabytes of feed with it.
    body: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    #: The same body gzip-compressed once at build time, for clients that accept it.
    body_gzip: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    #: Strong validator: a hash of the body; kept when a rebuild yields the same bytes.
    etag: Mapped[str | None] = mapped_column(sa.String(64))
    #: When the body last changed (not merely rebuilt): the Last-Modified header.
    last_modified: Mapped[datetime | None] = mapped_column(UTCDateTime)
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    event_count: Mapped[int] = mapped_column(default=0)
    #: Builds so far, for operators (and for tests that count rebuilds).
    build_count: Mapped[int] = mapped_column(default=0)
    generation: Mapped[int] = mapped_column(default=1)
    built_generation: Mapped[int] = mapped_column(default=0)
    #: First change not yet built, and the latest: the debounce waits for a quiet moment,
    #: but never much longer than a short while after the first change.
    stale_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When a rebuild task was queued; None when none is; the beat re-drives old ones.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Times the reconciler queued a rebuild again since the feed was last built; its back-off.
    redrives: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_stale(self) -> bool:
        return self.etag is None or self.built_generation < self.generation


class ScheduleItem(TimestampMixin, Model):
    """Opening hours of one day, or the exhibitors' set-up (搬入) or tear-down (搬出) time."""

    __tablename__ = "edition_schedule_items"
    __table_args__ = (
        enum_check("kind", ScheduleKind),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_edition_schedule_items_edition_id_starts_at", "edition_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Shown beside the kind, e.g. "最終日は16時閉場" or the loading dock to use.
    note_ja: Mapped[str | None] = mapped_column(sa.String(200))
    note_en: Mapped[str | None] = mapped_column(sa.String(200))
    #: Optimistic lock, and the iCalendar SEQUENCE of the item's event.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class FeedToken(Model):
    """The secret in a private feed's URL: an exhibitor's or an attendee's."""

    __tablename__ = "calendar_feed_tokens"
    __table_args__ = (
        enum_check("lang", FeedLang),
        sa.CheckConstraint(
            "(organisation_id IS NULL) <> (registration_id IS NULL)", name="one_subject"
        ),
        # One live link per subject: renewing revokes the old one in the same transaction.
        sa.Index(
            "uq_calendar_feed_tokens_live_organisation",
            "organisation_id",
            unique=True,
            postgresql_where=sa.text("revoked_at IS NULL AND organisation_id IS NOT NULL"),
            sqlite_where=sa.text("revoked_at IS NULL AND organisation_id IS NOT NULL"),
        ),
        sa.Index(
            "uq_calendar_feed_tokens_live_registration",
            "registration_id",
            unique=True,
            postgresql_where=sa.text("revoked_at IS NULL AND registration_id IS NOT NULL"),
            sqlite_where=sa.text("revoked_at IS NULL AND registration_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE")
    )
    #: The feed's language, chosen when the link is made.
    lang: Mapped[str] = mapped_column(sa.String(2), default=FeedLang.JA)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
