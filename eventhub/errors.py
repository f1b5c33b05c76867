"""Problem details (RFC 9457) for every error the API returns.

Each error carries a stable machine-readable ``code``; validation errors list each field with
its location and message. Titles are given in English or Japanese following Accept-Language.
"""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask import Response, json, request
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

#: Stable codes for the generic HTTP errors, and their titles in both languages.
_HTTP_CODES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "The request could not be read.", "リクエストを読み取れません。"),
    401: ("unauthenticated", "Authentication is required.", "認証が必要です。"),
    403: ("forbidden", "You may not do this.", "この操作は許可されていません。"),
    404: ("not_found", "Not found.", "見つかりません。"),
    405: ("method_not_allowed", "Method not allowed.", "このメソッドは使用できません。"),
    409: ("conflict", "The resource changed meanwhile.", "データが他の操作で更新されました。"),
    412: ("precondition_failed", "Precondition failed.", "前提条件を満たしていません。"),
    413: ("payload_too_large", "The request is too large.", "リクエストが大きすぎます。"),
    415: ("unsupported_media_type", "Send JSON.", "JSON で送信してください。"),
    422: ("validation_failed", "Some fields are invalid.", "入力内容に誤りがあります。"),
    429: ("too_many_requests", "Too many requests.", "リクエストが多すぎます。"),
    500: ("internal_error", "Internal server error.", "サーバー内部エラーが発生しました。"),
    503: ("unavailable", "Service unavailable.", "サービスを利用できません。"),
}


class ApiError(HTTPException):
    """An error the API answers on purpose, with a stable code and titles in both languages."""

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        title_ja: str | None = None,
        *,
        detail: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(description=detail or title)
        self.code = status
        self.error_code = code
        self.title = title
        self.title_ja = title_ja or title
        self.detail = detail
        self.extra = extra


def not_found(what: str, what_ja: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} not found.", f"{what_ja}が見つかりません。")


def field_error(field: str, message: str, location: str = "json") -> ApiError:
    """A 422 for a rule that the schema cannot check by itself (it spans rows or fields)."""
    return ApiError(
        422,
        "validation_failed",
        "Some fields are invalid.",
        "入力内容に誤りがあります。",
        errors=[{"field": field, "location": location, "message": message}],
    )


class FieldErrorSchema(ma.Schema):
    field = ma.fields.String(metadata={"description": "Dotted path of the field"})
    location = ma.fields.String(metadata={"description": "json, query, headers or path"})
    message = ma.fields.String()


class ProblemSchema(ma.Schema):
    """Documents the problem+json payload; responses are built by ``problem_response``."""

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    code = ma.fields.String(metadata={"description": "Stable machine-readable error code"})
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema))


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


def _prefers_japanese() -> bool:
    return request.accept_languages.best_match(["en", "ja"]) == "ja"


def problem_response(error: HTTPException) -> Response:
    status = error.code or 500
    default_code, title_en, title_ja = _HTTP_CODES.get(
        status, (f"http_{status}", error.name, error.name)
    )
    body: dict[str, Any] = {"type": "about:blank", "status": status}
    headers: dict[str, str] = {}
    if isinstance(error, ApiError):
        body["code"] = error.error_code
        body["title"] = error.title_ja if _prefers_japanese() else error.title
        if error.detail:
            body["detail"] = error.detail
        body.update(error.extra)
    else:
        body["code"] = default_code
        body["title"] = title_ja if _prefers_japanese() else title_en
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
        headers.update(data.get("headers") or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="eventhub"')
    if "retry_after_seconds" in body:
        headers.setdefault("Retry-After", str(body["retry_after_seconds"]))
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    response.headers.update(headers)
    return response


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
    return problem_response(DATABASE_UNAVAILABLE)


DATABASE_UNAVAILABLE = ApiError(
    503,
    "database_unavailable",
    "The database connection was lost; send the request again.",
    "データベースとの接続が切れました。もう一度送信してください。",
    retry_after_seconds=1,
)
