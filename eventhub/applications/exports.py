"""Applications as CSV or Excel for organisers: every field of the form, the series' own
included, headed and written in the reader's words (the labels the pages use), in the locale
the caller sets (``force_locale``)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask_babel import gettext
from openpyxl import Workbook

from eventhub import spreadsheets
from eventhub.accounts.organisation_pages import KIND_LABELS
from eventhub.applications import review_labels as labels
from eventhub.applications.models import Application
from eventhub.messages import N_
from eventhub.web.formatting import prefecture


def _yes_no(value: bool | None) -> str:
    return gettext("Yes") if value else gettext("No")


def _kind(code: str) -> str:
    return gettext(KIND_LABELS[code]) if code in KIND_LABELS else code


def _text(value: str | None) -> str:
    return value or ""


#: Column key → (header, the application's value). Times stay datetimes: the CSV writes them
#: as Tokyo time, the workbook as date cells.
Column = tuple[str, Callable[[Application], Any]]

COMMON: dict[str, Column] = {
    "id": (N_("Application ID"), lambda a: a.id),
    "status": (N_("Status"), lambda a: labels.status_label(a.status)),
    "organisation": (N_("Exhibitor name"), lambda a: a.organisation.name),
    "organisation_kana": (
        N_("Exhibitor name (furigana)"),
        lambda a: _text(a.organisation.name_kana),
    ),
    "kind": (N_("Kind of organisation"), lambda a: _kind(a.organisation.kind)),
    "corporate_number": (N_("Corporate number"), lambda a: _text(a.organisation.corporate_number)),
    "prefecture": (N_("Prefecture"), lambda a: prefecture(a.organisation.prefecture_code)),
    "recommending_prefecture": (
        N_("Recommending prefecture"),
        lambda a: prefecture(a.recommending_prefecture_code),
    ),
    "endorsed": (N_("Endorsed"), lambda a: _yes_no(a.endorsed_at is not None)),
    "contact_name": (N_("Contact person"), lambda a: _text(a.contact_name)),
    "contact_name_kana": (N_("Contact person (furigana)"), lambda a: _text(a.contact_name_kana)),
    "contact_title": (N_("Job title"), lambda a: _text(a.contact_title)),
    "contact_email": (N_("Email address"), lambda a: _text(a.contact_email)),
    "contact_phone": (N_("Phone number"), lambda a: _text(a.contact_phone)),
    "industry_category": (N_("Industry"), lambda a: labels.industry_label(a.industry_category)),
    "booth_type": (N_("Booth type"), lambda a: labels.booth_type_label(a.booth_type)),
    "booth_units": (N_("Booth units"), lambda a: a.booth_units if a.booth_units else ""),
    "summary_ja": (N_("Summary in Japanese"), lambda a: _text(a.summary_ja)),
    "summary_en": (N_("Summary in English"), lambda a: _text(a.summary_en)),
    "products": (N_("Products exhibited"), lambda a: _text(a.products)),
    "co_exhibitors": (N_("Co-exhibitors"), lambda a: ", ".join(a.co_exhibitors or [])),
    "will_sell": (N_("Sells at the booth"), lambda a: _yes_no(a.will_sell)),
    "needs_electricity": (N_("Needs electricity"), lambda a: _yes_no(a.needs_electricity)),
    "heavy_items": (N_("Heavy items"), lambda a: _yes_no(a.heavy_items)),
    "submitted_at": (N_("Submitted"), lambda a: a.submitted_at),
    "decided_at": (N_("Decided"), lambda a: a.decided_at),
    "decision_reason": (N_("Reason for the decision"), lambda a: _text(a.decision_reason)),
}


def _series_column(key: str) -> Column:
    return (
        labels.SERIES_FIELDS[key],
        lambda a: labels.series_field_text(key, (a.series_fields or {}).get(key)),
    )


#: The series' own fields; the recommending prefecture is already a common column.
SERIES: dict[str, Column] = {
    key: _series_column(key)
    for key in labels.SERIES_FIELDS
    if key != "recommending_prefecture_code"
}
COLUMNS: dict[str, Column] = {**COMMON, **SERIES}


def columns_of(series_fields: Iterable[str]) -> list[str]:
    """Every column an edition's export can have: the common ones, then its series' fields."""
    return [*COMMON, *(key for key in series_fields if key in SERIES)]


def header(key: str) -> str:
    return gettext(COLUMNS[key][0])


def _rows(applications: Iterable[Application], columns: Sequence[str]) -> Iterable[list[Any]]:
    yield [header(c) for c in columns]
    for application in applications:
        yield [COLUMNS[c][1](application) for c in columns]


def to_csv(applications: Iterable[Application], columns: Sequence[str]) -> bytes:
    return spreadsheets.to_csv(_rows(applications, columns))


def to_xlsx(applications: Iterable[Application], columns: Sequence[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = gettext("Applications")[:31]  # Excel's limit for a sheet name
    for row in _rows(applications, columns):
        spreadsheets.append_row(sheet, row)
    sheet.freeze_panes = "A2"
    spreadsheets.fit_columns(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
