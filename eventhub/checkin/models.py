"""Gates, gate devices, where each pass is (presences), every scan, and exhibitors' leads."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.db import UTCDateTime, enum_check, utcnow
from eventhub.extensions import Model


class Direction(enum.StrEnum):
    ENTRY = "entry"
    EXIT = "exit"


class ScanResult(enum.StrEnum):
    ADMITTED = "admitted"
    REENTRY_ADMITTED = "reentry_admitted"
    ALREADY_INSIDE = "already_inside"
    EXITED = "exited"
    NOT_INSIDE = "not_inside"
    NOT_VALID_TODAY = "not_valid_today"
    REVOKED = "revoked"
    WRONG_EDITION = "wrong_edition"
    REENTRY_REFUSED = "reentry_refused"
    UNKNOWN = "unknown"
    FORGED = "forged"
    #: The device dated the scan in the future, or (a time the server's clock does not vouch
    #: for) outside the edition's days: its clock is wrong, or the scan is forged.
    TIME_OUT_OF_RANGE = "time_out_of_range"


class OfflinePolicy(enum.StrEnum):
    """When a device may decide scans alone, which trades exactly-once for a moving queue."""

    AUTO = "auto"  # when the server does not answer in time
    MANUAL = "manual"  # only when gate staff switch the scanner to offline
    NEVER = "never"  # never: without the server the scanner refuses to decide


class Gate(Model):
    __tablename__ = "gates"
    __table_args__ = (sa.UniqueConstraint("edition_id", "name_ja"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    name_ja: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str | None] = mapped_column(sa.String(100))


class GateDevice(Model):
    """A scanner, authenticated by its own token, scoped to an edition and optionally a gate."""

    __tablename__ = "gate_devices"
    __table_args__ = (enum_check("offline_policy", OfflinePolicy),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    gate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("gates.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(100))
    #: SHA-256 of the device token; the token is shown once.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offline_policy: Mapped[str] = mapped_column(
        sa.String(8), default=OfflinePolicy.AUTO, server_default=OfflinePolicy.AUTO.value
    )
    #: SHA-256 of the one-time pairing code the scanner exchanges for a token; None once used.
    pairing_code_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    pairing_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the scanner last exchanged a pairing code for its token.
    paired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Presence(Model):
    """Where a pass is now. Scans change it with one conditional UPDATE, so a pass is admitted
    once however many scans race."""

    __tablename__ = "presences"

    pass_id: Mapped[int] = mapped_column(
        sa.ForeignKey("passes.id", ondelete="CASCADE"), primary_key=True
    )
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    inside: Mapped[bool] = mapped_column(default=False)
    entries: Mapped[int] = mapped_column(default=0)
    first_entry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_change_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Scan(Model):
    """Every scan, admitted or not; a device's nonce makes a retried request count once."""

    __tablename__ = "scans"
    __table_args__ = (
        sa.UniqueConstraint("device_id", "nonce"),
        enum_check("direction", Direction),
        enum_check("result", ScanResult),
        sa.CheckConstraint(
            "offline_result IS NULL OR offline_result IN ("
            + ", ".join(f"'{r.value}'" for r in ScanResult)
            + ")",
            name="offline_result_valid",
        ),
        sa.Index("ix_scans_edition_id_id", "edition_id", "id"),
        sa.Index("ix_scans_pass_id_scanned_at", "pass_id", "scanned_at"),
    )

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id", ondelete="CASCADE"))
    pass_id: Mapped[int | None] = mapped_column(sa.ForeignKey("passes.id", ondelete="SET NULL"))
    device_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("gate_devices.id", ondelete="SET NULL")
    )
    gate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("gates.id", ondelete="SET NULL"))
    #: Gate staff who undid or checked in by hand, when a person (not a device) acted.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    direction: Mapped[str] = mapped_column(sa.String(8))
    result: Mapped[str] = mapped_column(sa.String(20))
    #: When the device saw the code (offline scans arrive later).
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    nonce: Mapped[str | None] = mapped_column(sa.String(64))
    #: "manual" for a check-in by name search, "undo" for an undone scan's reversal.
    method: Mapped[str] = mapped_column(sa.String(10), default="qr")
    #: The scan this one undoes.
    undoes_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("scans.id", ondelete="SET NULL"), unique=True
    )
    #: The device decided this scan alone, offline, and uploaded it later.
    decided_offline: Mapped[bool] = mapped_column(server_default=sa.false())
    #: What the device showed when it decided alone; ``result`` is what the server made of it.
    offline_result: Mapped[str | None] = mapped_column(sa.String(20))


class Lead(Model):
    """An exhibitor's staff scanned a consenting attendee: counts as 商談 in the report."""

    __tablename__ = "leads"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "registration_id"),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE")
    )
    scanned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    notes: Mapped[str | None] = mapped_column(sa.Text)
    rating: Mapped[int | None]
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
