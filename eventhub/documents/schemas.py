"""Uploads come in as multipart forms; documents go out as metadata, never as storage paths."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from flask import url_for
from flask_smorest.fields import Upload
from werkzeug.datastructures import FileStorage

from eventhub import fields
from eventhub.applications.schemas import ActorSchema
from eventhub.documents.models import Document, DocumentKind
from eventhub.pagination import PageArgs


class FilePart(Upload):
    """A file part of a multipart form; a plain text field of the same name is refused."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> FileStorage:
        if not isinstance(value, FileStorage):
            raise ma.ValidationError("Send the file as a file part of a multipart/form-data body.")
        return value


class UploadSchema(ma.Schema):
    file = FilePart(
        required=True,
        metadata={
            "description": "PDF, JPEG, PNG or WebP, recognised by its content. A catalogue "
            "must be a PDF; a photo must be a JPEG, PNG or WebP image."
        },
    )
    kind = ma.fields.String(
        required=True,
        validate=fields.one_of(DocumentKind),
        metadata={"description": "catalogue, photo or other"},
    )


class DocumentSchema(ma.Schema):
    id = ma.fields.Integer()
    application_id = ma.fields.Integer()
    kind = ma.fields.String()
    filename = ma.fields.String(metadata={"description": "The uploaded file's name, cleaned"})
    content_type = ma.fields.String(metadata={"description": "Found from the file's content"})
    size_bytes = ma.fields.Integer()
    sha256 = ma.fields.String(metadata={"description": "Hex SHA-256; the download's ETag"})
    uploaded_by = ma.fields.Nested(ActorSchema, allow_none=True)
    uploaded_at = fields.DateTime()
    download_url = ma.fields.Method("_download_url")

    def _download_url(self, document: Document) -> str:
        return url_for(
            "documents.download_document",
            application_id=document.application_id,
            document_id=document.id,
        )


class DocumentListArgs(PageArgs):
    kind = ma.fields.String(validate=fields.one_of(DocumentKind))
