"""Problem details (RFC 9457) for every error the API returns.

Each error carries a stable machine-readable ``code``; validation errors list each field with
its location and message. Domain errors (``eventhub.errors``) get their status from
``eventhub.statuses`` and their ``title`` and ``detail`` from the ja/en catalogue, in the
language of Accept-Language (English unless Japanese is preferred); werkzeug's own HTTP
errors (unknown route, 405, 413, 415, webargs' 422) get their title from it too. Field
messages stay in English, as the schema validators write theirs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import marshmallow as ma
from flask import Response, json
from flask_babel import gettext
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from eventhub.errors import DomainError, FieldError, database_unavailable
from eventhub.fields import TOKYO
from eventhub.i18n import fill, translate
from eventhub.messages import MESSAGES
from eventhub.statuses import CODE_OF_STATUS, STATUS

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class FieldErrorSchema(ma.Schema):
    """One wrong field; an imported file's entries also say where (``row``, ``column``)."""

    class Meta:
        unknown = ma.INCLUDE

    field = ma.fields.String(metadata={"description": "Dotted path of the field"})
    location = ma.fields.String(
        metadata={"description": "json, query, headers, path, form or files"}
    )
    message = ma.fields.String()
    row = ma.fields.Integer(
        allow_none=True, metadata={"description": "Row of an imported file, from 1"}
    )
    column = ma.fields.String(
        allow_none=True, metadata={"description": "Column of an imported file"}
    )


class ProblemSchema(ma.Schema):
    """Documents the problem+json payload; responses are built by ``problem_response``.

    Besides the RFC 9457 members, an error may carry facts that clients read, named after
    them (``retry_after_seconds``, ``existing_id``, ``error_count``…): the schema allows them.
    """

    class Meta:
        unknown = ma.INCLUDE

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    code = ma.fields.String(metadata={"description": "Stable machine-readable error code"})
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema))
    retry_after_seconds = ma.fields.Integer(
        metadata={"description": "When to try again; also sent as Retry-After"}
    )
    existing_id = ma.fields.Integer(
        metadata={"description": "The row that already exists (a duplicate)"}
    )


def _flatten(messages: Any, location: str, prefix: str = "") -> list[dict[str, str]]:
    """Turn marshmallow's nested message dicts into one entry per field."""
    out: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                name = prefix or "_schema"
            out.extend(_flatten(value, location, name))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        # A message about the whole body (such as invalid JSON) names no field.
        where = {"field": prefix, "location": location} if prefix else {"location": location}
        out.extend({**where, "message": m} for m in messages)
    elif isinstance(messages, list):
        for item in messages:
            out.extend(_flatten(item, location, prefix))
    else:
        out.append({"field": prefix, "location": location, "message": str(messages)})
    return out


def field_entry(error: FieldError | Mapping[str, Any]) -> dict[str, Any]:
    """One entry of ``errors``: where, and the message in English."""
    if not isinstance(error, FieldError):
        return dict(error)
    where = {"field": error.field} if error.field is not None else {}
    message = translate(MESSAGES[error.message], "en", **error.params)
    return {**where, "location": error.location, "message": message}


def title_in(error: DomainError, locale: str) -> str:
    """The error's title in ``locale``, outside a request (the CLI)."""
    return translate(MESSAGES[error.message], locale, **{**error.extras, **error.params})


def _text(key: str, values: Mapping[str, Any]) -> str:
    """The text of ``key`` in the request's language, its placeholders filled."""
    return fill(MESSAGES[key], values)


def domain_body(error: DomainError) -> tuple[int, dict[str, Any]]:
    status = STATUS.get(error.code)
    if status is None:
        log.error("error code %s has no HTTP status", error.code)
        status = 500
    values = {**error.extras, **error.params}
    body: dict[str, Any] = {"type": "about:blank", "status": status, "code": error.code}
    body["title"] = _text(error.message, values)
    if error.detail:
        body["detail"] = _text(error.detail, values)
    if error.errors:
        body["errors"] = [field_entry(e) for e in error.errors]
    body.update({name: _shown(value) for name, value in error.extras.items()})
    return status, body


def _shown(value: Any) -> Any:
    """A time in an error body as in every other answer: ISO 8601 in Tokyo time (+09:00)."""
    if isinstance(value, datetime):
        return value.astimezone(TOKYO).isoformat()
    return value


def _http_body(error: HTTPException) -> tuple[int, dict[str, Any], dict[str, str]]:
    status = error.code or 500
    code = CODE_OF_STATUS.get(status)
    body: dict[str, Any] = {"type": "about:blank", "status": status}
    body["code"] = code or f"http_{status}"
    body["title"] = gettext(MESSAGES[code]) if code else error.name
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    if messages:
        # webargs nests messages by location: {"json": {"field": ["message"]}}.
        errors: list[dict[str, str]] = []
        for location, fields in messages.items():
            errors.extend(_flatten(fields, location))
        body["errors"] = errors
    elif status < 500 and error.description and error.description != type(error).description:
        body["detail"] = error.description
    # The exception's own headers (a 405's Allow), less the HTML content type it would send.
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    return status, body, headers


def problem_response(error: HTTPException | DomainError) -> Response:
    headers: dict[str, str] = {}
    if isinstance(error, DomainError):
        status, body = domain_body(error)
    else:
        status, body, headers = _http_body(error)
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="eventhub"')
    if "retry_after_seconds" in body:
        headers.setdefault("Retry-After", str(body["retry_after_seconds"]))
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    response.headers.update(headers)
    return response


def handle_domain_error(error: DomainError) -> Response:
    return problem_response(error)


def handle_http_exception(error: HTTPException) -> Response:
    if isinstance(error, InternalServerError) and error.original_exception is not None:
        log.error("unhandled error", exc_info=error.original_exception)
    return problem_response(error)


def handle_database_error(error: DBAPIError) -> Response:
    """A connection found dead (the database restarted) is a retryable 503, not a 500.

    SQLAlchemy has already renewed the pool when it says the connection was invalidated, so
    the retry gets a fresh connection. Every other database error stays a 500.
    """
    if not error.connection_invalidated:
        raise error
    log.warning("database connection lost; the pool is renewed", exc_info=error)
    return problem_response(database_unavailable())
