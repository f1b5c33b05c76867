"""The applications export of an edition: which columns it may have, and the file."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from eventhub import spreadsheets
from eventhub.accounts.models import User
from eventhub.applications import exports
from eventhub.applications.series import SERIES_FIELDS
from eventhub.applications.service import query
from eventhub.audit import service as audit
from eventhub.audit.actions import Action
from eventhub.errors import field_error
from eventhub.events.models import Edition
from eventhub.extensions import db


def columns(edition: Edition) -> list[str]:
    """Every column of the edition's export: the common ones, then its series' own fields."""
    return exports.columns_of(SERIES_FIELDS[edition.series.slug]().fields)


def export(user: User, edition: Edition, args: dict[str, Any], lang: str) -> tuple[bytes, str, str]:
    """The submitted applications of ``edition`` that ``user`` sees, as loaded by
    ``ExportArgs``, headed and written in ``lang``: the file's body, content type and name."""
    available = columns(edition)
    chosen = args.get("fields") or available
    foreign = [c for c in chosen if c not in available]
    if foreign:
        raise field_error(
            "fields", "export_field_not_in_series", "query", fields=", ".join(foreign)
        )
    filters = {"edition_id": edition.id, "sort": "submitted_at", **args}
    rows = db.session.scalars(query(user, filters)).all()
    with force_locale(lang):
        if args["format"] == "xlsx":
            body, content_type = exports.to_xlsx(rows, chosen), spreadsheets.XLSX
        else:
            body, content_type = exports.to_csv(rows, chosen), spreadsheets.CSV
    name = f"applications-{edition.series.slug}-{edition.fiscal_year}.{args['format']}"
    audit.record_now(
        Action.APPLICATIONS_EXPORTED,
        target=("edition", edition.id),
        edition_id=edition.id,
        details={"format": args["format"], "rows": len(rows), "columns": list(chosen)},
    )
    return body, content_type, name
