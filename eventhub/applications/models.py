from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.accounts.models import Organisation, User
from eventhub.db import TimestampMixin, UTCDateTime, enum_check, utcnow
from eventhub.events.models import Edition
from eventhub.extensions import Model


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    WAITLISTED = "waitlisted"
    #: A waitlisted application offered a freed place, until ``offer_expires_at``.
    OFFERED = "offered"
    WITHDRAWN = "withdrawn"
    #: The offer ran out unanswered; the place moved on to the next on the waitlist.
    OFFER_EXPIRED = "offer_expired"


#: An organisation holds at most one application per edition in these statuses.
ACTIVE_STATUSES = frozenset(ApplicationStatus) - {
    ApplicationStatus.REJECTED,
    ApplicationStatus.WITHDRAWN,
    ApplicationStatus.OFFER_EXPIRED,
}
#: Statuses that hold booth units of the edition's capacity.
HOLDS_PLACE = frozenset({ApplicationStatus.APPROVED, ApplicationStatus.OFFERED})
#: The exhibitor may still change the application's content.
EDITABLE_STATUSES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED})
DECISIONS = frozenset(
    {ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.WAITLISTED}
)
#: What a reviewer may decide from each status; a decision may be revised until the edition.
DECIDABLE_FROM = frozenset(
    {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.WAITLISTED,
    }
)


class Application(TimestampMixin, Model):
    __tablename__ = "applications"
    __table_args__ = (
        enum_check("status", ApplicationStatus),
        sa.CheckConstraint("booth_units IS NULL OR booth_units >= 1", name="booth_units_positive"),
        sa.Index(
            "uq_applications_active_per_organisation",
            "edition_id",
            "organisation_id",
            unique=True,
            postgresql_where=sa.text("status NOT IN ('rejected', 'withdrawn', 'offer_expired')"),
            sqlite_where=sa.text("status NOT IN ('rejected', 'withdrawn', 'offer_expired')"),
        ),
        sa.Index("ix_applications_edition_id_status", "edition_id", "status"),
        sa.CheckConstraint(
            "recommending_prefecture_code IS NULL OR recommending_prefecture_code BETWEEN 1 AND 47",
            name="recommending_prefecture_code_range",
        ),
    )

    # A draft may be incomplete; submitting checks that every required field is there.
    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(16), default=ApplicationStatus.DRAFT)

    contact_name: Mapped[str | None] = mapped_column(sa.String(100))
    #: Furigana of the contact's name, in katakana.
    contact_name_kana: Mapped[str | None] = mapped_column(sa.String(100))
    contact_title: Mapped[str | None] = mapped_column(sa.String(100))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(20))
    summary_ja: Mapped[str | None] = mapped_column(sa.Text)
    summary_en: Mapped[str | None] = mapped_column(sa.Text)
    products: Mapped[str | None] = mapped_column(sa.Text)
    industry_category: Mapped[str | None] = mapped_column(sa.String(40))
    booth_type: Mapped[str | None] = mapped_column(sa.String(20))
    #: 小間: booth units requested.
    booth_units: Mapped[int | None]
    co_exhibitors: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    will_sell: Mapped[bool] = mapped_column(default=False)
    needs_electricity: Mapped[bool] = mapped_column(default=False)
    heavy_items: Mapped[bool] = mapped_column(default=False)
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The series-specific part of the form, validated by the series' schema.
    series_fields: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    #: 都道府県推薦, copied from the national zone's form so it can be filtered and indexed.
    recommending_prefecture_code: Mapped[int | None] = mapped_column(index=True)
    #: The recommending prefecture's contact endorsed the application (within its quota).
    endorsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    endorsed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: Until when a waitlisted application may take the place it was offered.
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: Optimistic lock: two reviewers deciding at once cannot both win.
    version: Mapped[int] = mapped_column(default=1)

    edition: Mapped[Edition] = relationship(lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    transitions: Mapped[list[ApplicationTransition]] = relationship(
        back_populates="application",
        order_by="ApplicationTransition.id",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ApplicationTransition(Model):
    """One step of an application's history: who moved it, when, from where to where, why."""

    __tablename__ = "application_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="transitions")
    actor: Mapped[User | None] = relationship(lazy="joined")


class PrefectureQuota(Model):
    """How many applications a prefecture may endorse for an edition, set by the organiser."""

    __tablename__ = "prefecture_quotas"
    __table_args__ = (
        sa.UniqueConstraint("edition_id", "prefecture_code"),
        sa.CheckConstraint("prefecture_code BETWEEN 1 AND 47", name="prefecture_code_range"),
        sa.CheckConstraint("max_endorsements >= 0", name="max_endorsements_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id", ondelete="CASCADE"))
    prefecture_code: Mapped[int]
    max_endorsements: Mapped[int]


class StaffMember(Model):
    """Someone an approved exhibitor brings to staff its booth; a future pass holder."""

    __tablename__ = "staff_members"
    __table_args__ = (sa.UniqueConstraint("application_id", "email_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    name_kana: Mapped[str | None] = mapped_column(sa.String(100))
    email: Mapped[str] = mapped_column(sa.String(254))
    #: The email as compared, so one person is registered once per application.
    email_key: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the retention purge erased the person's name and address (eventhub.privacy).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
