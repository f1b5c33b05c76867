"""Who may open a page: the page counterpart of ``eventhub.accounts.auth.login_required``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import redirect, request, url_for

from eventhub.accounts.models import Role, User
from eventhub.errors import forbidden
from eventhub.web.sessions import current_user

F = TypeVar("F", bound=Callable[..., Any])


def login_url() -> str:
    """The login page, coming back to this page afterwards."""
    target = request.full_path if request.query_string else request.path
    return url_for("accounts_pages.login", next=target)


def page_login_required(*roles: Role) -> Callable[[F], F]:
    """A signed-in user with one of ``roles`` if given; anonymous readers go to the login page.

    A missing role answers 403 with the page layout, as the API answers ``role_missing``.
    """

    def decorator(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(login_url())
            if roles and not user.has_role(*roles):
                raise forbidden("role_missing", roles=", ".join(roles))
            return func(*args, **kwargs)

        return cast(F, wrapper)

    return decorator


def signed_in_user() -> User:
    """The user of a view behind ``page_login_required``."""
    user = current_user()
    assert user is not None  # page_login_required has redirected anonymous readers
    return user


def safe_next(target: str | None, default: str) -> str:
    """A same-site path to go on to after a form, never another site (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
