"""The outbox of mail: a row per message, written in the transaction that makes it necessary."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.db import UTCDateTime, enum_check, utcnow
from eventhub.extensions import Model


class MailStatus(enum.StrEnum):
    PENDING = "pending"
    #: Claimed by one worker, which is talking to the SMTP server right now.
    SENDING = "sending"
    SENT = "sent"
    #: Given up after the last attempt; an operator may set it back to pending.
    FAILED = "failed"


class OutgoingMail(Model):
    """One message to one recipient, sent by a worker after the transaction commits."""

    __tablename__ = "outgoing_mails"
    __table_args__ = (
        enum_check("status", MailStatus),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # The reconciler's question: which pending or sending mails are due?
        sa.Index("ix_outgoing_mails_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Why the mail exists, e.g. "application:12:decided:approved:t4": queueing a key that is
    #: already there does nothing, and the Message-ID is derived from it.
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(500))
    body_text: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default=MailStatus.PENDING)
    #: Failed attempts so far (SMTP errors, and claims lost with their worker).
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When a worker claimed it; a claim much older than any SMTP exchange is a lost worker's.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: While pending: when the reconciler queues it again if no task has sent it by then.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
