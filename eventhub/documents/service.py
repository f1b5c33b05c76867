"""Documents of an application: who may add, read and delete them, and what files are taken.

The type of a file is decided by its first bytes, never by the name or the Content-Type the
client sent. The row and the file never disagree: the file is stored first and the row
committed after it (a failed commit removes the file); a deletion commits first and removes
the file after (a failed removal leaves an orphan file, never a row without its file).
"""

from __future__ import annotations

import logging
import unicodedata
from typing import IO, Any, Protocol

import sqlalchemy as sa

from eventhub.accounts.models import Role, User
from eventhub.accounts.service import is_member
from eventhub.applications import service as applications
from eventhub.applications.models import EDITABLE_STATUSES, Application
from eventhub.db import utcnow
from eventhub.documents import storage
from eventhub.documents.models import Document, DocumentKind
from eventhub.errors import DomainError, FieldError, forbidden, not_found
from eventhub.extensions import db

log = logging.getLogger(__name__)

#: Live (not deleted) documents one application may hold.
MAX_DOCUMENTS = 10
#: Enough leading bytes to tell every accepted type apart (WebP needs 12).
SNIFF_BYTES = 12
MAX_FILENAME_CHARS = 255

PDF, JPEG, PNG, WEBP = "application/pdf", "image/jpeg", "image/png", "image/webp"
#: Names of the accepted types, for messages, and the file name extensions that fit each.
TYPE_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", WEBP: "WebP"}
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",), WEBP: (".webp",)}
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    DocumentKind.CATALOGUE: (PDF,),
    DocumentKind.PHOTO: (JPEG, PNG, WEBP),
    DocumentKind.OTHER: (PDF, JPEG, PNG, WEBP),
}
#: Characters that are unsafe or invalid in a file name on some system, or in a header.
_UNSAFE_IN_NAMES = frozenset('/\\:*?"<>|')


def sniff(head: bytes) -> str | None:
    """The content type that the file's magic bytes show, if it is one we accept."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def clean_filename(raw: str | None, content_type: str, kind: str) -> str:
    """The uploader's file name made safe to show and to offer as a download name.

    Only the last path segment is kept (browsers may send ``C:\\fakepath\\…``); control and
    format characters (such as a right-to-left override that disguises ``exe`` as ``png``)
    are dropped; the text is NFC-normalised, because macOS sends decomposed kana. The
    extension is made to match the content, so the file opens in the right program.
    """
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        "_" if ch in _UNSAFE_IN_NAMES else ch
        for ch in name
        if not unicodedata.category(ch).startswith("C")
    )
    name = " ".join(name.split()).strip(" .")
    extensions = EXTENSIONS[content_type]
    stem, dot, extension = name.rpartition(".")
    if not (dot and stem and f".{extension.lower()}" in extensions):
        stem, extension = name, extensions[0].lstrip(".")
    stem = (stem or kind)[: MAX_FILENAME_CHARS - len(extension) - 1].rstrip(" .") or kind
    return f"{stem}.{extension}"


class Upload(Protocol):
    """An uploaded file, as the web layer hands it over (Flask's request.files holds such)."""

    @property
    def stream(self) -> IO[bytes]: ...

    @property
    def filename(self) -> str | None: ...


def _file_error(
    message: str,
    code: str = "validation_failed",
    title: str | None = None,
    params: dict[str, Any] | None = None,
    **extra: Any,
) -> DomainError:
    errors = [FieldError("file", message, params or {}, "multipart")]
    return DomainError(code, title, errors=errors, **extra)


def _checked_type(kind: str, head: bytes) -> str:
    """The sniffed content type, if ``kind`` takes it; otherwise 422 naming the file."""
    if not head:
        raise _file_error("file_empty")
    allowed = ALLOWED_TYPES[kind]
    names = [TYPE_NAMES[t] for t in allowed]
    expected = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    content_type = sniff(head)
    if content_type not in allowed:
        params = {"kind": kind, "expected": expected}
        if content_type is None:
            raise _file_error("document_type_unknown", params=params, allowed_types=list(allowed))
        params["found"] = TYPE_NAMES[content_type]
        raise _file_error("document_type_wrong", params=params, allowed_types=list(allowed))
    return content_type


def _not_editable(status: str) -> DomainError:
    return DomainError("not_editable", "documents_not_editable", params={"status": status})


def _lock_editable(application: Application) -> None:
    """Lock the application for the rest of the transaction, and check it is still editable.

    Uploads and deletions of one application then take turns, and the status is read under
    the lock (applications takes it), so a review that started meanwhile is seen.
    """
    status = applications.lock_status(application.id)
    if status not in EDITABLE_STATUSES:
        raise _not_editable(str(status))


def _check_room(application: Application) -> None:
    # Under the lock, so two uploads at once cannot both take the last place.
    count = db.session.scalar(
        sa.select(sa.func.count(Document.id)).where(
            Document.application_id == application.id, Document.deleted_at.is_(None)
        )
    )
    if (count or 0) >= MAX_DOCUMENTS:
        raise DomainError("too_many_documents", limit=MAX_DOCUMENTS)


def upload(
    application: Application, user: User, kind: str, file: Upload, max_bytes: int
) -> Document:
    """Store ``file`` as a new document of ``application`` and commit it.

    This commits (unlike most service functions) because the file and the row must be
    settled together: the file is removed again when the commit fails.
    """
    if not is_member(user, application.organisation):
        raise forbidden("documents_add_forbidden")
    _lock_editable(application)
    _check_room(application)
    head = file.stream.read(SNIFF_BYTES)
    content_type = _checked_type(kind, head)
    try:
        stored = storage.save(file.stream, max_bytes, head=head)
    except storage.FileTooLargeError as exc:
        raise _file_error(
            "file_over_limit",
            "payload_too_large",
            "file_too_large",
            {"limit": f"{max_bytes:,}"},
            max_bytes=max_bytes,
        ) from exc
    document = Document(
        application_id=application.id,
        kind=kind,
        filename=clean_filename(file.filename, content_type, kind),
        content_type=content_type,
        size_bytes=stored.size,
        sha256=stored.sha256,
        storage_key=stored.key,
        uploaded_by_id=user.id,
    )
    db.session.add(document)
    try:
        db.session.commit()
    except BaseException:
        # No row, so no file: otherwise the file would be an orphan nobody can reach.
        db.session.rollback()
        _remove_file(stored.key, None)
        raise
    log.info(
        "document uploaded",
        extra={"application_id": application.id, "document_id": document.id, "kind": kind},
    )
    return document


def _remove_file(key: str, document_id: int | None) -> None:
    """Remove a file that no live row points to; failing to is logged, not raised.

    The row is already settled (deleted, or never committed) and nothing serves the file, so
    a file left behind only takes space until a sweep removes it.
    """
    try:
        storage.remove(key)
    except OSError:
        log.exception("document file not removed", extra={"document_id": document_id})


def documents_query(application: Application, kind: str | None) -> sa.Select[Document]:
    query = sa.select(Document).where(
        Document.application_id == application.id, Document.deleted_at.is_(None)
    )
    if kind is not None:
        query = query.where(Document.kind == kind)
    return query.order_by(Document.uploaded_at, Document.id)


def get(application: Application, document_id: int) -> Document:
    """A live document of ``application``; another application's or a deleted one is 404."""
    document = db.session.get(Document, document_id)
    if document is None or document.application_id != application.id or document.deleted_at:
        raise not_found("document")
    return document


def delete(application: Application, user: User, document: Document) -> None:
    """Members delete while the application is editable; organisers at any time."""
    if not user.has_role(Role.ORGANISER):
        if not is_member(user, application.organisation):
            raise forbidden("documents_delete_forbidden")
        _lock_editable(application)
    document.deleted_at = utcnow()
    db.session.commit()
    _remove_file(document.storage_key, document.id)
    log.info(
        "document deleted",
        extra={"application_id": application.id, "document_id": document.id},
    )
