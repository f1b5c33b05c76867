"""Attachments of an application; the bytes live in files (storage.py), the facts here."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.accounts.models import User
from eventhub.db import UTCDateTime, enum_check, utcnow
from eventhub.extensions import Model


class DocumentKind(enum.StrEnum):
    CATALOGUE = "catalogue"
    PHOTO = "photo"
    OTHER = "other"


class Document(Model):
    """One uploaded file of an application: a catalogue PDF, a product photo or another file.

    The row is written only after its file is safely in place, and a deleted document keeps
    its row (who uploaded what, and when it was removed) while its file is removed.
    """

    __tablename__ = "documents"
    __table_args__ = (
        enum_check("kind", DocumentKind),
        sa.CheckConstraint("size_bytes > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(16))
    #: The uploader's file name, cleaned for display and downloads; never used as a path.
    filename: Mapped[str] = mapped_column(sa.String(255))
    #: The type found in the file's first bytes, not the one the client claimed.
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    #: Hex SHA-256 of the content; also the download's ETag.
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: Random name of the file under the upload folder (see storage.py).
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the document is deleted; its file is gone from then on.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    uploaded_by: Mapped[User | None] = relationship(lazy="joined")
