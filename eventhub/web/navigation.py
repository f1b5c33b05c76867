"""The site's main menu and where each reader lands after logging in."""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for
from flask_babel import gettext

from eventhub.accounts.models import Role, User
from eventhub.messages import N_

#: The site's main menu: (endpoint, label, who sees it). ``None``: everyone; ``()``: anyone
#: signed in; roles: those holding one. An entry whose area has no pages yet is left out.
NAVIGATION: list[tuple[str, str, tuple[Role, ...] | None]] = [
    ("public_pages.home", N_("Exhibitions"), None),
    ("exhibitor_pages.dashboard", N_("My applications"), ()),
    ("prefecture_pages.index", N_("Prefecture"), (Role.PREFECTURE_CONTACT,)),
    ("organiser_pages.index", N_("Organiser"), (Role.ORGANISER, Role.REVIEWER)),
]


def has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def _visible(who: tuple[Role, ...] | None, user: User | None) -> bool:
    if who is None:
        return True
    return user is not None and (not who or user.has_role(*who))


def navigation(user: User | None) -> list[dict[str, Any]]:
    items = []
    for endpoint, label, who in NAVIGATION:
        if has_endpoint(endpoint) and _visible(who, user):
            url = url_for(endpoint)
            current = request.endpoint == endpoint
            items.append({"url": url, "label": gettext(label), "current": current})
    return items


def landing_url(user: User) -> str:
    """Where a reader goes after logging in: the first page of their role that exists."""
    for endpoint, _label, who in reversed(NAVIGATION):
        if who is not None and has_endpoint(endpoint) and _visible(who, user):
            return url_for(endpoint)
    return "/"
