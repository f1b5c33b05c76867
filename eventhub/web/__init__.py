"""The web pages' shared machinery: sessions, CSRF, the reader's language, layout and errors.

Each area keeps its pages in ``<area>/pages.py`` beside its ``api.py`` and calls the same
services; this package only binds them to the app (``init_app``) with what every page needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Flask, Response, request
from flask_babel import get_locale
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException

from eventhub.errors import DomainError
from eventhub.web import errors, formatting, sessions
from eventhub.web.navigation import edition_tabs, has_endpoint, navigation

csrf = CSRFProtect()

#: What a page may load: only this site's own files (no inline script or style, no CDN).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _check_csrf() -> None:
    # Every page form is protected; the API is bearer-only, so no cookie can speak for it.
    if request.method in _UNSAFE_METHODS and errors.is_page_request():
        csrf.protect()


def _page_headers(response: Response) -> Response:
    if errors.is_page_request() and response.mimetype == "text/html":
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
        # Pass pages carry their key in the URL: it must never leave in a Referer.
        headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _template_context() -> dict[str, Any]:
    locale = str(get_locale() or "ja")
    user = sessions.current_user() if errors.is_page_request() else None
    return {
        "current_user": user,
        "locale": locale,
        "other_locale": "en" if locale == "ja" else "ja",
        "nav_items": navigation(user) if errors.is_page_request() else [],
        "has_endpoint": has_endpoint,
        "edition_tabs": edition_tabs,
        "prefecture_choices": formatting.prefecture_choices,
    }


def init_app(app: Flask, pages: Iterable[Blueprint]) -> None:
    """Bind the page machinery and register every area's ``pages`` blueprint."""
    sessions.configure(app)
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # checked by _check_csrf
    # The token lives as long as the session: a form left open over lunch still sends.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.config.setdefault("WTF_CSRF_SSL_STRICT", True)
    csrf.init_app(app)
    app.before_request(_check_csrf)
    app.after_request(_page_headers)
    app.context_processor(_template_context)
    app.jinja_env.autoescape = True
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    formatting.register(app)
    # After flask-smorest's: pages answer HTML, the API problem+json.
    app.register_error_handler(DomainError, errors.handle_domain_error)
    app.register_error_handler(HTTPException, errors.handle_http_exception)
    for blueprint in pages:
        app.register_blueprint(blueprint)
