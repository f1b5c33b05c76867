from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.accounts.models import User
from eventhub.applications.models import Application
from eventhub.db import TimestampMixin, UTCDateTime, utcnow
from eventhub.events.models import Edition
from eventhub.extensions import Model


class Booth(TimestampMixin, Model):
    """A booth (小間) on an edition's floor plan, given to at most one application."""

    __tablename__ = "booths"
    __table_args__ = (
        sa.UniqueConstraint("edition_id", "code"),
        sa.CheckConstraint("units >= 1", name="units_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id", ondelete="CASCADE"))
    #: As printed on the floor plan, e.g. A-12; unique within the edition.
    code: Mapped[str] = mapped_column(sa.String(20))
    #: Hall or area; the automatic proposal keeps a group of exhibitors within one zone.
    zone: Mapped[str] = mapped_column(sa.String(40))
    #: Size in booth units (小間).
    units: Mapped[int]
    #: Open on two sides (角小間).
    is_corner: Mapped[bool] = mapped_column(default=False)
    #: For organisers only; exhibitors never see it.
    note: Mapped[str | None] = mapped_column(sa.Text)
    #: Optimistic lock: a write carrying an older version is refused with 409.
    version: Mapped[int] = mapped_column(default=1)

    edition: Mapped[Edition] = relationship()
    allocation: Mapped[BoothAllocation | None] = relationship(
        back_populates="booth", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class BoothAllocation(Model):
    """A booth given to an approved application; an application may hold several."""

    __tablename__ = "booth_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unique: the database itself refuses to give a booth twice, whoever wins a race.
    booth_id: Mapped[int] = mapped_column(
        sa.ForeignKey("booths.id", ondelete="CASCADE"), unique=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    allocated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    allocated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    booth: Mapped[Booth] = relationship(back_populates="allocation")
    application: Mapped[Application] = relationship(lazy="joined")
    allocated_by: Mapped[User | None] = relationship()

    @property
    def organisation_name(self) -> str:
        return str(self.application.organisation.name)
