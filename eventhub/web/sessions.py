"""Page sessions: a signed cookie that refers to a server-side token row.

The JSON API stays bearer-only and sessionless: requests under ``/api/`` get Flask's null
session, which reads and sets no cookie (opening the signed session, even unread, costs about a
tenth of the CPU of a bare API request). Every other request (the pages) gets Flask's signed
cookie session, HttpOnly and SameSite=Lax, ``Secure`` when served over https. The cookie holds
no authority of its own: it carries the raw value of an ``api_tokens`` row named
``SESSION_TOKEN_NAME``, so logging out, a password change or a revocation ends the session at
once, exactly as it ends a bearer token.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, Request, g, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from eventhub.accounts import service as accounts
from eventhub.accounts.auth import hash_token
from eventhub.accounts.models import ApiToken, User
from eventhub.db import utcnow
from eventhub.extensions import db

SESSION_TOKEN_NAME = "web session"  # noqa: S105  (a name, not a secret)
SESSION_DAYS = 14
_SESSION_KEY = "sid"


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


class PageSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session for pages; no session at all for the API."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if is_api_path(request.path):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        # Behind a TLS proxy the app sees https only through ProxyFix; either way a cookie
        # sent over https is never sent back over plain http.
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def get_cookie_samesite(self, app: Flask) -> str:
        return str(app.config["SESSION_COOKIE_SAMESITE"] or "Lax")


def sign_in(user: User) -> None:
    """Start a page session for ``user``: a new token row, its raw value in the cookie."""
    token, raw = accounts.issue_token(
        user, SESSION_TOKEN_NAME, accounts.login_scopes(), days=SESSION_DAYS
    )
    db.session.commit()
    session.clear()  # a new session id for a new principal: no fixation
    session.permanent = True
    session[_SESSION_KEY] = raw
    session["locale"] = user.locale
    g.token = token


def sign_out() -> None:
    token = session_token()
    if token is not None:
        accounts.revoke_token(token)
        db.session.commit()
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale  # the language chosen stays after logging out
    g.token = None


def session_token() -> ApiToken | None:
    """The valid token of this page session, or None; a dead one clears the cookie."""
    if "token" in g:
        token: ApiToken | None = g.token
        return token
    raw = session.get(_SESSION_KEY) if not is_api_path(request.path) else None
    token = None
    if raw:
        token = db.session.scalars(
            sa.select(ApiToken).where(ApiToken.token_hash == hash_token(str(raw)))
        ).first()
        if (
            token is None
            or token.revoked_at is not None
            or token.expires_at <= utcnow()
            or not token.user.is_active
        ):
            token = None
            session.pop(_SESSION_KEY, None)
    # The same place the API's helpers look: service code that asks "who is this?" works.
    g.token = token
    return token


def current_user() -> User | None:
    token = session_token()
    return token.user if token else None


def configure(app: Flask) -> None:
    app.session_interface = PageSessionInterface()
    app.config["SESSION_COOKIE_NAME"] = "eventhub_session"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(days=SESSION_DAYS))
