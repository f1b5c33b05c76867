from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from eventhub.db import UTCDateTime, utcnow
from eventhub.extensions import Model, db


class WorkerHeartbeat(Model):
    """A round trip through the task queue: written by the web, completed by a worker."""

    __tablename__ = "worker_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Host name and process id of the worker that ran the task.
    worker_host: Mapped[str | None] = mapped_column(db.String(255))
    worker_pid: Mapped[int | None]
