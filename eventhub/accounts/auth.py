"""Bearer-token authentication and the role checks every endpoint declares."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from flask import g, request
from flask_smorest import Blueprint

from eventhub.accounts.models import ApiToken, Role, TokenScope, User
from eventhub.db import utcnow
from eventhub.errors import DomainError, forbidden, unauthenticated
from eventhub.extensions import db

F = TypeVar("F", bound=Callable[..., Any])

SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def hash_token(token: str) -> str:
    # Tokens are 256 random bits: a fast hash is enough, unlike for passwords.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _unauthenticated(detail: str) -> DomainError:
    return unauthenticated(detail)


def token_from_request() -> ApiToken | None:
    """The valid token of this request, or None when the request carries none.

    A token that is present but wrong, expired or revoked is an error, not anonymity: a
    client with a stale token must learn that, not silently see only public data.
    """
    if "token" in g:
        return cast(ApiToken | None, g.token)
    header = request.headers.get("Authorization", "")
    if not header:
        g.token = None
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise _unauthenticated("token_header")
    token = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.token_hash == hash_token(value.strip()))
    ).first()
    if token is None or token.revoked_at is not None:
        raise _unauthenticated("api_token_unknown")
    if token.expires_at <= utcnow():
        raise _unauthenticated("token_expired")
    if not token.user.is_active:
        raise _unauthenticated("account_disabled")
    g.token = token
    return token


def current_user() -> User | None:
    token = token_from_request()
    return token.user if token else None


def require_user() -> User:
    user = current_user()
    if user is None:
        raise _unauthenticated("bearer_needed")
    return user


def _check_scope(token: ApiToken, scope: TokenScope | None) -> None:
    needed = scope or (TokenScope.WRITE if request.method in _UNSAFE_METHODS else TokenScope.READ)
    if needed not in token.scope_set:
        raise forbidden("scope_missing", scope=needed)


def login_required(*roles: Role, scope: TokenScope | None = None) -> Callable[[F], F]:
    """Require a valid token and one of ``roles`` if given.

    The token needs the ``write`` scope for unsafe methods and ``read`` otherwise, unless
    ``scope`` says which.
    """

    def decorator(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = require_user()
            token = token_from_request()
            assert token is not None  # require_user() guarantees it
            _check_scope(token, scope)
            if roles and not user.has_role(*roles):
                names = ", ".join(roles)
                raise forbidden("role_missing", roles=names)
            return func(*args, **kwargs)

        documented = Blueprint.doc(security=SECURITY)(wrapper)
        return cast(F, documented)

    return decorator


def optional_login(func: F) -> F:
    """Anonymous callers are welcome; a token, when sent, must still be valid."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token_from_request()
        return func(*args, **kwargs)

    documented = Blueprint.doc(security=[*SECURITY, {}])(wrapper)
    return cast(F, documented)


def is_organiser(user: User | None) -> bool:
    return user is not None and user.has_role(Role.ORGANISER)
