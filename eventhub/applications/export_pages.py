"""An edition's exports for organisers and reviewers: the applications as CSV or Excel with
the API's options (``GET /editions/{id}/applications/export``), validated by its schema."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext

from eventhub import spreadsheets
from eventhub.accounts.models import Role
from eventhub.applications import exports, schemas, service
from eventhub.applications.models import ApplicationStatus
from eventhub.events import service as events
from eventhub.web.auth import page_login_required, signed_in_user
from eventhub.web.forms import Form

bp = Blueprint("export_pages", __name__)


def _render(edition_id: int, form: Form, status: int = 200) -> Any:
    edition = events.get_edition(edition_id, signed_in_user())
    return (
        render_template(
            "organiser/exports_index.html",
            edition=edition,
            form=form,
            columns=[(key, header) for key, (header, _) in exports.COLUMNS.items()],
            statuses=[(s.value, exports.STATUS_JA[s.value]) for s in ApplicationStatus],
        ),
        status,
    )


@bp.get("/organiser/editions/<int:edition_id>/exports")
@page_login_required(Role.ORGANISER, Role.REVIEWER)
def index(edition_id: int) -> Any:
    initial = {"format": "csv", "columns": list(exports.DEFAULT_COLUMNS)}
    return _render(edition_id, Form(schemas.ExportArgs(), initial))


@bp.post("/organiser/editions/<int:edition_id>/exports/applications")
@page_login_required(Role.ORGANISER, Role.REVIEWER)
def applications(edition_id: int) -> Any:
    """The applications file; the columns are ticked boxes, sent to the API's schema as its
    comma-separated list."""
    form = Form(schemas.ExportArgs())
    columns = [c for c in request.form.getlist("columns") if c.strip()]
    if not columns:
        form.validate(extra={"columns": ",".join(exports.DEFAULT_COLUMNS)})
        form.add_error("columns", gettext("Choose at least one column."))
        return _render(edition_id, form, 422)
    if not form.validate(extra={"columns": ",".join(columns)}):
        return _render(edition_id, form, 422)
    edition = events.get_edition(edition_id, signed_in_user())
    body, content_type, name = service.export(signed_in_user(), edition, form.data)
    return spreadsheets.download(body, content_type, name)
