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
    # Before the organisers' landing page: a reader lands on the last entry they may see.
    ("audit_pages.index", N_("Audit log"), (Role.ORGANISER,)),
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


#: The tabs of an edition's organiser pages: (endpoint taking ``edition_id``, label). A tab
#: whose pages do not exist yet is left out.
EDITION_TABS: list[tuple[str, str]] = [
    ("organiser_pages.edition", N_("Dashboard")),
    ("organiser_pages.applications", N_("Applications")),
    ("booth_pages.floor", N_("Booth map")),
    ("organiser_pages.quotas", N_("Prefecture quotas")),
    ("event_pages.timetable", N_("Edition and timetable")),
    ("gate_pages.devices", N_("Gates and devices")),
    ("export_pages.index", N_("Exports")),
    ("privacy_pages.registrations", N_("Registrations")),
    ("tally_pages.index", N_("Figures and report")),
]


def edition_tabs(edition_id: int) -> list[dict[str, Any]]:
    items = []
    for endpoint, label in EDITION_TABS:
        if has_endpoint(endpoint):
            url = url_for(endpoint, edition_id=edition_id)
            current = request.endpoint == endpoint
            items.append({"url": url, "label": gettext(label), "current": current})
    return items
