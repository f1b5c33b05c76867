"""Rate limits of the entry points anyone can call without an account, per client address.

Each group below has one setting (``EVENTHUB_RATE_LIMIT_*``, eventhub.config) and one budget
that the API and the page of the same entry point share. Links and pairing codes are secrets
that a caller might guess: only a failed attempt (an answer of 400 or more) counts against
them, so a calendar application polling a good feed link, or a pass holder opening their pass,
is never held back. A request with a valid API token is exempt where an organiser's
integration legitimately calls the entry point often (registrations, pass links).

The count lives in Redis in service mode, so every process shares it, and in the process's
memory on the embedded default. A refused request answers 429 ``too_many_requests`` with
``Retry-After`` and ``retry_after_seconds``: problem+json on the API, an error page on pages.

The client's address is ``request.remote_addr``; behind reverse proxies,
``EVENTHUB_TRUSTED_PROXIES`` (how many) makes werkzeug's ProxyFix take it from
``X-Forwarded-For``. Without it, that header is ignored: any client can write it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from eventhub.errors import DomainError

if TYPE_CHECKING:
    from flask.typing import RouteCallable

_EXTENSION = "eventhub_rate_limits"
_UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Group:
    """Entry points that share one budget per client address."""

    setting: str
    endpoints: tuple[str, ...]
    #: The methods that count; None for all.
    methods: tuple[str, ...] | None = _UNSAFE
    #: Only failed attempts count (guessing a secret), not every request.
    failures_only: bool = False
    #: A request with a valid API token is not limited.
    token_exempt: bool = False


GROUPS: dict[str, Group] = {
    "login": Group("EVENTHUB_RATE_LIMIT_LOGIN", ("accounts.login", "accounts_pages.login")),
    "sign_up": Group("EVENTHUB_RATE_LIMIT_SIGN_UP", ("accounts.sign_up", "accounts_pages.signup")),
    "registration": Group(
        "EVENTHUB_RATE_LIMIT_REGISTRATION",
        ("passes.register", "pass_pages.register"),
        token_exempt=True,
    ),
    # Each of these mails someone: a budget against flooding mailboxes from one address.
    "password_reset": Group(
        "EVENTHUB_RATE_LIMIT_PASSWORD_RESET",
        (
            "accounts.request_password_reset",
            "accounts_pages.forgot_password",
            "accounts.resend_verification",
            "accounts_pages.resend_verification",
        ),
    ),
    "links": Group(
        "EVENTHUB_RATE_LIMIT_LINKS",
        (
            # A pass opened with the key from its mail, and what hangs off it.
            "passes.get_pass",
            "passes.qr_png",
            "passes.qr_svg",
            "passes.print_pass",
            "passes.pass_pdf",
            "pass_pages.pass_page",
            "pass_pages.print_pass",
            "pass_pages.calendar_link",
            "bookings.book",
            "bookings.my_bookings",
            "bookings.cancel_mine",
            "booking_pages.index",
            "booking_pages.cancel",
            "calendars.attendee_link",
            "calendars.renew_attendee_link",
            "calendars.revoke_attendee_link",
            "calendars.private_feed",
            # The account links mailed to a user.
            "accounts.verify_email",
            "accounts.reset_password",
            "accounts.confirm_email_change",
            "accounts.unlock_login",
            "accounts_pages.verify_email",
            "accounts_pages.reset_password",
            "accounts_pages.confirm_email_change",
            "accounts_pages.unlock_login",
        ),
        methods=None,
        failures_only=True,
        token_exempt=True,
    ),
    "pairing": Group("EVENTHUB_RATE_LIMIT_PAIRING", ("gates.pair",), failures_only=True),
}


def _failed(response: Response) -> bool:
    return response.status_code >= 400


def _has_valid_token() -> bool:
    """Whether the request carries an API token that is valid: a wrong one earns nothing."""
    from eventhub.accounts.auth import token_from_request

    if not request.headers.get("Authorization"):
        return False
    try:
        return token_from_request() is not None
    except DomainError:
        return False


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


def init_app(app: Flask) -> None:
    """Trust the configured proxies, and limit every group's endpoints (all registered by now)."""
    proxies = app.config["EVENTHUB_TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    # A Redis outage must not turn every limited request into a 500: each process then
    # counts in its own memory until Redis answers again.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    # One limiter per app, not a module-level one: an extension instance keeps its storage,
    # and two apps in one process (tests) must not count in each other's.
    limiter = Limiter(key_func=get_remote_address, app=app)
    app.extensions[_EXTENSION] = limiter
    for name, group in GROUPS.items():
        decorate = limiter.shared_limit(
            _setting(group.setting),
            scope=name,
            methods=list(group.methods) if group.methods else None,
            deduct_when=_failed if group.failures_only else None,
            exempt_when=_has_valid_token if group.token_exempt else None,
        )
        for endpoint in group.endpoints:
            # Every view here is synchronous; the decorator's type allows coroutines too.
            limited = cast("RouteCallable", decorate(app.view_functions[endpoint]))
            app.view_functions[endpoint] = limited
    app.register_error_handler(RateLimitExceeded, _refused)


def limiter_of(app: Flask) -> Limiter:
    limiter: Limiter = app.extensions[_EXTENSION]
    return limiter


def retry_after_seconds() -> int:
    """Seconds until the limit this request broke lets the client in again."""
    limit = limiter_of(current_app).current_limit
    if limit is None:
        return 1
    reset_at = limit.window[0]  # RequestLimit.reset_at rounds a second up
    return max(1, math.ceil(reset_at - time.time()))


def _refused(error: RateLimitExceeded) -> Response:
    from eventhub.web import errors

    seconds = retry_after_seconds()
    refusal = DomainError("too_many_requests", detail="retry_after", retry_after_seconds=seconds)
    response = errors.handle_domain_error(refusal)
    response.headers["Retry-After"] = str(seconds)
    return response
