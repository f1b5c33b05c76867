"""An edition's exports for organisers and reviewers: the applications as CSV or Excel with
the API's options (``GET /editions/{id}/applications/export``), validated by its schema."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import get_locale, gettext

from eventhub import spreadsheets
from eventhub.accounts.models import Role
from eventhub.applications import export_service, exports, schemas
from eventhub.applications.models import ApplicationStatus
from eventhub.applications.review_labels import status_label
from eventhub.errors import DomainError
from eventhub.events import service as events
from eventhub.statuses import http_status
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
            columns=[(key, exports.header(key)) for key in export_service.columns(edition)],
            statuses=[(s.value, status_label(s.value)) for s in ApplicationStatus],
        ),
        status,
    )


@bp.get("/organiser/editions/<int:edition_id>/exports")
@page_login_required(Role.ORGANISER, Role.REVIEWER)
def index(edition_id: int) -> Any:
    edition = events.get_edition(edition_id, signed_in_user())
    initial = {"format": "csv", "fields": export_service.columns(edition)}
    return _render(edition_id, Form(schemas.ExportArgs(), initial))


@bp.post("/organiser/editions/<int:edition_id>/exports/applications")
@page_login_required(Role.ORGANISER, Role.REVIEWER)
def applications(edition_id: int) -> Any:
    """The applications file in the page's language; the fields are ticked boxes, sent to the
    API's schema as its comma-separated list."""
    form = Form(schemas.ExportArgs())
    chosen = [c for c in request.form.getlist("fields") if c.strip()]
    if not chosen:
        form.validate(extra={"fields": "id"})  # to check the other fields too
        form.add_error("fields", gettext("Choose at least one column."))
        return _render(edition_id, form, 422)
    if not form.validate(extra={"fields": ",".join(chosen)}):
        return _render(edition_id, form, 422)
    edition = events.get_edition(edition_id, signed_in_user())
    args = {k: v for k, v in form.data.items() if k != "lang"}
    lang = str(get_locale() or "ja")
    try:
        body, content_type, name = export_service.export(signed_in_user(), edition, args, lang)
    except DomainError as error:
        form.fail(error)
        return _render(edition_id, form, http_status(error.code))
    return spreadsheets.download(body, content_type, name)
