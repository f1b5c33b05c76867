"""How the review pages name statuses, industries and attendee types, in the reader's language."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale, gettext

from eventhub.applications import series
from eventhub.applications.series import TIMBER_PRODUCT_LABELS
from eventhub.i18n import is_english
from eventhub.messages import N_
from eventhub.notifications.templates import STATUS_LABELS
from eventhub.web.formatting import bilingual, prefecture

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
BOOTH_TYPES: dict[str, str] = {
    "standard": N_("Standard booth"),
    "corner": N_("Corner booth"),
    "table": N_("Table"),
    "online": N_("Online"),
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
#: The series' own fields, as the application page names them (declared with the fields).
SERIES_FIELDS: dict[str, str] = series.labels()
#: Fields holding prefecture codes, shown as the prefectures' names.
PREFECTURE_FIELDS = frozenset({"recommending_prefecture_code", "origin_prefecture_codes"})
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


def booth_type_label(code: str | None) -> str:
    return gettext(BOOTH_TYPES[code]) if code in BOOTH_TYPES else (code or "")


def attendee_type_label(code: str) -> str:
    return gettext(ATTENDEE_TYPES[code]) if code in ATTENDEE_TYPES else code


def series_field_rows(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value as text) of an application's series fields, in the reader's language."""
    rows = []
    for key, value in fields.items():
        label = gettext(SERIES_FIELDS[key]) if key in SERIES_FIELDS else key
        rows.append((label, series_field_text(key, value)))
    return rows


def series_field_text(key: str, value: Any) -> str:
    """One series field's value as the reader reads it: prefectures by name, products and
    yes/no in words, a contact or a list as one line."""
    if key == "product_categories" and isinstance(value, list):
        return ", ".join(_label(TIMBER_PRODUCT_LABELS, str(v)) for v in value)
    if key == "certifications" and isinstance(value, list):
        return ", ".join(gettext("Other") if v == "other" else str(v) for v in value)
    if key in PREFECTURE_FIELDS:
        codes = value if isinstance(value, list) else [value]
        comma = ", " if is_english(get_locale()) else "、"
        return comma.join(prefecture(c) for c in codes if isinstance(c, int))
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if v not in (None, ""))
    if isinstance(value, list):
        return ", ".join(str(v.get("title", v)) if isinstance(v, dict) else str(v) for v in value)
    return "" if value is None else str(value)


def _label(labels: dict[str, str], code: str) -> str:
    return gettext(labels[code]) if code in labels else code


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
    "booth_type_label": booth_type_label,
    "status_choices": lambda: [(s, status_label(s)) for s in STATUS_LABELS],
    "industry_choices": lambda: [(k, gettext(v)) for k, v in INDUSTRIES.items()],
    "decision_choices": lambda: choices(DECISIONS),
    "sort_choices": lambda: choices(SORTS),
    "labels_of": labels_of,
    "series_field_rows": series_field_rows,
}
