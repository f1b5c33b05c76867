"""How the review pages name statuses, industries and attendee types, in the reader's language."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from eventhub.messages import N_
from eventhub.notifications.templates import STATUS_LABELS
from eventhub.web.formatting import bilingual

INDUSTRIES: dict[str, str] = {
    "manufacturing": N_("Manufacturing"),
    "crafts": N_("Crafts"),
    "food": N_("Food"),
    "timber": N_("Timber"),
    "it": N_("IT"),
    "medical": N_("Medical and welfare"),
    "environment": N_("Environment and energy"),
    "services": N_("Services"),
    "other": N_("Other"),
}
ATTENDEE_TYPES: dict[str, str] = {
    "general": N_("General visitors"),
    "buyer": N_("Buyers"),
    "press": N_("Press"),
    "exhibitor_staff": N_("Exhibitor staff"),
    "vip": N_("Guests"),
}
DECISIONS: list[tuple[str, str]] = [
    ("approved", N_("Approve")),
    ("waitlisted", N_("Waitlist")),
    ("rejected", N_("Reject")),
]
SORTS: list[tuple[str, str]] = [
    ("submitted_at", N_("Submitted, oldest first")),
    ("-submitted_at", N_("Submitted, newest first")),
    ("-updated_at", N_("Updated, newest first")),
    ("updated_at", N_("Updated, oldest first")),
]


def status_label(status: str | None) -> str:
    if status is None:
        return ""
    ja, en = STATUS_LABELS.get(status, (status, status))
    return bilingual(ja, en)


def industry_label(code: str | None) -> str:
    return gettext(INDUSTRIES[code]) if code in INDUSTRIES else (code or "")


def attendee_type_label(code: str) -> str:
    return gettext(ATTENDEE_TYPES[code]) if code in ATTENDEE_TYPES else code


def choices(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(value, gettext(text)) for value, text in pairs]


def labels_of(pairs: list[tuple[Any, str]]) -> dict[str, str]:
    """(value, text) choices as a lookup by value (as a string)."""
    return {str(value): text for value, text in pairs}


#: What the review and prefecture templates get.
LABELS: dict[str, Any] = {
    "status_label": status_label,
    "industry_label": industry_label,
    "attendee_type_label": attendee_type_label,
    "status_choices": lambda: [(s, status_label(s)) for s in STATUS_LABELS],
    "industry_choices": lambda: [(k, gettext(v)) for k, v in INDUSTRIES.items()],
    "decision_choices": lambda: choices(DECISIONS),
    "sort_choices": lambda: choices(SORTS),
    "labels_of": labels_of,
}
