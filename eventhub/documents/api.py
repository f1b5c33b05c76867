"""Exhibitors attach catalogues and photos to their applications; organisers read them."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import quote

import flask
import marshmallow as ma
from flask import Response, current_app, send_file
from flask_smorest import Blueprint
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.http import dump_options_header

from eventhub.accounts.auth import login_required, require_user
from eventhub.applications import service as applications
from eventhub.bounds import BoundedParser
from eventhub.config import MULTIPART_OVERHEAD_BYTES
from eventhub.documents import schemas, service, storage
from eventhub.documents.models import Document
from eventhub.errors import DomainError
from eventhub.openapi import answers, operation_id
from eventhub.pagination import page_of, paginate
from eventhub.problems import PROBLEM_JSON, ProblemSchema

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


class MultipartParser(BoundedParser):
    """Adds the ``multipart`` location: the file parts and the text fields of one form; the
    integers bounded as in every other operation (``eventhub.bounds``).

    flask-smorest documents one request body per operation; with separate ``files`` and
    ``form`` arguments the form fields would be left out of the OpenAPI description, so one
    schema holds both and is documented as one ``multipart/form-data`` body.
    """

    __location_map__ = {**BoundedParser.__location_map__, "multipart": "load_multipart"}  # noqa: RUF012

    def load_multipart(self, req: flask.Request, schema: ma.Schema) -> Any:
        # Files first: a text field named like a file part must not hide the file.
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


class UploadBlueprint(Blueprint):
    ARGUMENTS_PARSER = MultipartParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {  # noqa: RUF012
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }


blp = UploadBlueprint(
    "documents",
    __name__,
    url_prefix="/api/v1",
    description="Documents attached to applications: catalogues, product photos",
)

DOWNLOAD_DOC = {
    "description": "The file, with the type found from its content; ETag is its SHA-256",
    "content": {
        # No schema: the body is the file's bytes, not a JSON string (OpenAPI 3.1).
        content_type: {}
        for content_type in service.TYPE_NAMES
    },
}


def upload_size_limit(func: F) -> F:
    """Limit this request's body to one file of the configured size and its envelope.

    Set per request, before the body is parsed, so the limit follows the current setting;
    a bigger body is refused with 413 before it is read.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        limit = int(current_app.config["EVENTHUB_UPLOAD_MAX_BYTES"])
        flask.request.max_content_length = limit + MULTIPART_OVERHEAD_BYTES
        return func(*args, **kwargs)

    return cast(F, wrapper)


@blp.get("/applications/<int:application_id>/documents")
@operation_id("list_application_documents")
@login_required()
@blp.arguments(schemas.DocumentListArgs, location="query")
@blp.response(200, page_of(schemas.DocumentSchema))
def list_documents(args: dict[str, Any], application_id: int) -> dict[str, Any]:
    """The application's documents, oldest first.

    For its members, and for organisers and reviewers once it is submitted.
    """
    application = applications.visible(require_user(), application_id)
    return paginate(service.documents_query(application, args.get("kind")), args)


@blp.post("/applications/<int:application_id>/documents")
@login_required()
@upload_size_limit
@blp.arguments(schemas.UploadSchema, location="multipart")
@blp.response(201, schemas.DocumentSchema)
@blp.alt_response(
    409,
    schema=ProblemSchema,
    content_type=PROBLEM_JSON,
    description="not_editable: the review has started; too_many_documents: 10 already",
)
@blp.alt_response(
    413,
    schema=ProblemSchema,
    content_type=PROBLEM_JSON,
    description="payload_too_large: the file is over the limit",
)
def upload_document(data: dict[str, Any], application_id: int) -> Document:
    """Attach a file while the application is a draft or submitted (members only).

    A catalogue must be a PDF; a photo a JPEG, PNG or WebP; the type is read from the file's
    content. At most EVENTHUB_UPLOAD_MAX_BYTES per file (10 MiB unless configured) and 10
    documents per application.
    """
    user = require_user()
    application = applications.visible(user, application_id)
    limit = int(current_app.config["EVENTHUB_UPLOAD_MAX_BYTES"])
    return service.upload(application, user, data["kind"], data["file"], limit)


def _content_disposition(document: Document) -> str:
    """``attachment`` with the UTF-8 name (RFC 6266, RFC 5987) and an ASCII fallback name.

    Every client today reads ``filename*``; the fallback is for the few that do not, which
    would otherwise get a name with the Japanese stripped out, such as ``.pdf``.
    """
    stem, _, extension = document.filename.rpartition(".")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    if not ascii_stem.strip(" ._-"):
        ascii_stem = f"{document.kind}-{document.id}"
    # RFC 5987 attr-char is kept as it is; everything else is percent-encoded UTF-8.
    encoded = quote(document.filename, safe="!#$&+-.^_`|~")
    return dump_options_header(
        "attachment", {"filename": f"{ascii_stem}.{extension}", "filename*": f"UTF-8''{encoded}"}
    )


@blp.get("/applications/<int:application_id>/documents/<int:document_id>")
@login_required()
@blp.doc(responses={"200": DOWNLOAD_DOC})
@answers(304)
def download_document(application_id: int, document_id: int) -> Response:
    """Download a document's file.

    For whoever may see the application. Send If-None-Match with the ETag to get 304 when it
    has not changed.
    """
    application = applications.visible(require_user(), application_id)
    return send_document(service.get(application, document_id))


def send_document(document: Document) -> Response:
    """The file as a download: as sniffed, never rendered inline; the API's and the pages'."""
    try:
        response = send_file(
            storage.path_of(document.storage_key),
            mimetype=document.content_type,
            etag=document.sha256,
            conditional=True,
            max_age=0,
        )
    except FileNotFoundError as exc:
        # The row says the file exists: a missing file is our fault, not the client's.
        log.error(
            "document file missing",
            extra={"document_id": document.id, "storage_key": document.storage_key},
        )
        raise DomainError("document_file_missing") from exc
    response.headers["Content-Disposition"] = _content_disposition(document)
    # Served as what we sniffed, never as what a browser guesses, and never rendered inline.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.cache_control.private = True
    return response


@blp.delete("/applications/<int:application_id>/documents/<int:document_id>")
@login_required()
@blp.response(204)
def delete_document(application_id: int, document_id: int) -> None:
    """Delete a document.

    Members delete while the application is a draft or submitted; organisers at any time.
    The file is removed; the record of the upload stays.
    """
    user = require_user()
    application = applications.visible(user, application_id)
    service.delete(application, user, service.get(application, document_id))
