"""Attendee registrations, passes, their signing keys and revocations, and pass settings."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import UTCDateTime, enum_check, utcnow
from eventhub.extensions import Model


class AttendeeType(enum.StrEnum):
    GENERAL = "general"
    BUYER = "buyer"
    PRESS = "press"
    EXHIBITOR_STAFF = "exhibitor_staff"
    VIP = "vip"


class PassState(enum.StrEnum):
    PENDING = "pending"
    ISSUED = "issued"
    REVOKED = "revoked"


class Registration(Model):
    """来場事前登録: one person registered for one edition."""

    __tablename__ = "registrations"
    __table_args__ = (
        sa.UniqueConstraint("edition_id", "email_key"),
        enum_check("attendee_type", AttendeeType),
        sa.CheckConstraint(
            "prefecture_code IS NULL OR prefecture_code BETWEEN 1 AND 47",
            name="prefecture_code_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    #: Furigana in katakana.
    name_kana: Mapped[str | None] = mapped_column(sa.String(100))
    email: Mapped[str] = mapped_column(sa.String(254))
    #: NFKC + casefold of the email: one registration per person and edition.
    email_key: Mapped[str] = mapped_column(sa.String(254))
    organisation_name: Mapped[str | None] = mapped_column(sa.String(200))
    #: Prefecture of residence or work, for the results report.
    prefecture_code: Mapped[int | None]
    attendee_type: Mapped[str] = mapped_column(sa.String(20), default=AttendeeType.GENERAL)
    terms_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Consent to share contact details with exhibitors who scan the pass (lead scanning).
    shares_contact: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(sa.String(2), default="ja")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the person's data was erased (eventhub.privacy); what is counted stays.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Pass(Model):
    """A QR pass for an attendee or an exhibitor's staff member."""

    __tablename__ = "passes"
    __table_args__ = (
        enum_check("state", PassState),
        enum_check("kind", AttendeeType),
        # A pass belongs to exactly one holder: a registration or a staff member.
        sa.CheckConstraint(
            "(registration_id IS NULL) <> (staff_member_id IS NULL)", name="one_holder"
        ),
        sa.Index("ix_passes_state_queued_at", "state", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    staff_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_members.id", ondelete="CASCADE"), unique=True
    )
    holder_name: Mapped[str] = mapped_column(sa.String(100))
    holder_email: Mapped[str] = mapped_column(sa.String(254))
    #: Local dates the pass admits on; None means every day of the edition.
    valid_days: Mapped[list[str] | None] = mapped_column(sa.JSON)
    state: Mapped[str] = mapped_column(sa.String(16), default=PassState.PENDING)
    #: Bumped whenever the token must change (kind, days, re-issue); older serials are revoked.
    serial: Mapped[int] = mapped_column(default=1)
    #: The signed token in the QR code, once issued.
    token: Mapped[str | None] = mapped_column(sa.String(200))
    key_id: Mapped[str | None] = mapped_column(sa.String(16))
    qr_png: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    qr_svg: Mapped[str | None] = mapped_column(sa.Text)
    #: When the issuing task was last queued; the reconciler re-queues stale pending passes.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Times the reconciler queued it again since it was last queued; sets its back-off.
    redrives: Mapped[int] = mapped_column(default=0, server_default="0")
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration | None] = relationship()

    def valid_dates(self) -> set[date] | None:
        return None if self.valid_days is None else {date.fromisoformat(d) for d in self.valid_days}


class SigningKey(Model):
    """An Ed25519 key of an edition: the newest signs, older ones verify until retired."""

    __tablename__ = "signing_keys"
    __table_args__ = (sa.UniqueConstraint("edition_id", "key_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    #: Hex of the 4-byte key id carried in every token it signs.
    key_id: Mapped[str] = mapped_column(sa.String(16))
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    #: Encrypted with a key derived from SECRET_KEY: a database dump alone cannot sign.
    private_key_encrypted: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RevokedToken(Model):
    """A (pass, serial) that no longer admits: served to gate devices for offline checks."""

    __tablename__ = "revoked_tokens"
    __table_args__ = (sa.UniqueConstraint("pass_id", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    #: No foreign key: the revocation outlives a deleted pass, which offline scanners still know.
    pass_id: Mapped[int]
    serial: Mapped[int]
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PassSettings(Model):
    """An edition's rules for registration and the gates; defaults apply when there is no row."""

    __tablename__ = "pass_settings"
    __table_args__ = (
        sa.CheckConstraint(
            "registration_capacity IS NULL OR registration_capacity >= 0",
            name="registration_capacity_positive",
        ),
    )

    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True
    )
    #: Registrations accepted in all; None means no limit.
    registration_capacity: Mapped[int | None]
    #: Per attendee type, e.g. {"press": 50}; types not named have no limit of their own.
    capacity_by_type: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    reentry_allowed: Mapped[bool] = mapped_column(default=True)
    #: Everyone inside is marked as exited at closing time, so "inside now" starts at zero.
    auto_exit_at_close: Mapped[bool] = mapped_column(default=True)
