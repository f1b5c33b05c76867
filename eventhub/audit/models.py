"""The audit log's one table, append-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.db import UTCDateTime, utcnow
from eventhub.extensions import Model


class AuditEvent(Model):
    """One consequential action. No foreign keys: the log outlives the users, devices and
    editions it names, and says who acted as they were at the time."""

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_edition_id_created_at", "edition_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: The acting user; None for the system (CLI, workers) or a gate device acting alone.
    actor_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    #: The actor's address when they acted (it may change or be erased later).
    actor_email: Mapped[str | None] = mapped_column(sa.String(254))
    #: A dotted code, area first: ``application.decided``, ``role.granted`` …
    action: Mapped[str] = mapped_column(sa.String(60))
    target_type: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[int | None] = mapped_column(sa.Integer)
    edition_id: Mapped[int | None] = mapped_column(sa.Integer)
    #: A small JSON object: decision from→to, role granted, device name, export format …
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: The client address the request came from (as the WSGI server saw it); None off-request.
    client_address: Mapped[str | None] = mapped_column(sa.String(45))
