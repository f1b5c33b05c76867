"""Errors on pages: the same domain errors and HTTP errors as the API, as an HTML page.

The API answers problem+json (``eventhub.problems``); a page answers the same status with the
layout, the error's title and detail in the reader's language, and a way on. A page that needs
a signed-in reader sends an anonymous one to the login page instead of a bare 401.
"""

from __future__ import annotations

import logging

from flask import Response, make_response, redirect, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from eventhub import problems
from eventhub.errors import DomainError
from eventhub.i18n import fill
from eventhub.messages import MESSAGES
from eventhub.statuses import CODE_OF_STATUS, STATUS
from eventhub.web.forms import error_text
from eventhub.web.sessions import is_api_path

log = logging.getLogger(__name__)


def is_page_request() -> bool:
    return not is_api_path(request.path)


def _page(status: int, title: str, detail: str | None) -> Response:
    html = render_template("errors/problem.html", status=status, title=title, detail=detail)
    return make_response(html, status)


def handle_domain_error(error: DomainError) -> Response:
    if not is_page_request():
        return problems.handle_domain_error(error)
    status = STATUS.get(error.code, 500)
    if status == 401:
        from eventhub.web.auth import login_url

        return make_response(redirect(login_url()))
    values = {**error.extras, **error.params}
    title = fill(MESSAGES[error.message], values)
    detail = error_text(error) if error.detail else None
    if detail and detail.startswith(title):
        detail = detail[len(title) :].strip() or None
    return _page(status, title, detail)


def handle_http_exception(error: HTTPException) -> Response:
    if not is_page_request():
        return problems.handle_http_exception(error)
    if isinstance(error, InternalServerError) and error.original_exception is not None:
        log.error("unhandled error", exc_info=error.original_exception)
    status = error.code or 500
    if isinstance(error, CSRFError):
        return _page(
            400,
            gettext("This form has expired"),
            gettext("Reload the page and send the form again."),
        )
    code = CODE_OF_STATUS.get(status)
    title = gettext(MESSAGES[code]) if code else (error.name or str(status))
    response = _page(status, title, None)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response
