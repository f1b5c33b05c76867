"""An edition's figures for organisers: the live tallies and a full recount, and the results
report of a fiscal year built in a worker with its progress, then its files.

A recount and a report build start as the API starts them (``POST .../tallies/recompute``,
``POST /reports/builds``); the status section refreshes itself (``data-refresh``) while
either is under way, and works as a plain page without JavaScript.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext

from eventhub import japan
from eventhub.accounts.models import Role
from eventhub.errors import DomainError
from eventhub.events import service as events
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.reports import schemas as report_schemas
from eventhub.reports import service as reports
from eventhub.reports.models import ACTIVE_BUILD_STATUSES, BuildStatus
from eventhub.statuses import STATUS
from eventhub.tallies import service
from eventhub.web.auth import page_login_required, signed_in_user
from eventhub.web.forms import Form

bp = Blueprint("tally_pages", __name__)

#: Builds of the fiscal year listed on the page, newest first.
BUILDS_SHOWN = 5
#: Shown in the browser; the rest download (as the API serves them).
_INLINE = ("text/html", "image/")


def _edition(edition_id: int) -> Edition:
    return events.get_edition(edition_id, signed_in_user())


def _render(edition: Edition, build_form: Form | None = None, status: int = 200) -> Any:
    live = service.live(edition)
    db.session.commit()  # the tally row is created on first read
    builds = list(db.session.scalars(reports.builds_query(edition.fiscal_year).limit(BUILDS_SHOWN)))
    files = {b.id: reports.list_outputs(b.id) for b in builds if b.status == BuildStatus.DONE}
    busy = live["full_requested_at"] is not None or any(
        b.status in ACTIVE_BUILD_STATUSES for b in builds
    )
    return (
        render_template(
            "organiser/tallies_index.html",
            edition=edition,
            live=live,
            figures=live["figures"],
            builds=builds,
            files=files,
            busy=busy,
            fiscal_year_label=japan.fiscal_year_label,
            build_form=build_form
            or Form(report_schemas.BuildRequestSchema(), {"fiscal_year": edition.fiscal_year}),
        ),
        status,
    )


@bp.get("/organiser/editions/<int:edition_id>/figures")
@page_login_required(Role.ORGANISER)
def index(edition_id: int) -> Any:
    return _render(_edition(edition_id))


@bp.post("/organiser/editions/<int:edition_id>/figures/recount")
@page_login_required(Role.ORGANISER)
def recount(edition_id: int) -> Any:
    """Count every scan afresh in a worker (POST /editions/{id}/tallies/recompute)."""
    edition = _edition(edition_id)
    service.request_full(edition)
    db.session.commit()
    flash(gettext("A full recount is started."), "success")
    return redirect(url_for(".index", edition_id=edition.id))


@bp.post("/organiser/editions/<int:edition_id>/figures/builds")
@page_login_required(Role.ORGANISER)
def start_build(edition_id: int) -> Any:
    """Build a fiscal year's results report (POST /reports/builds); while one of that year is
    under way, that one is followed instead."""
    edition = _edition(edition_id)
    form = Form(report_schemas.BuildRequestSchema())
    if form.validate():
        try:
            _, created = reports.request_build(form.data["fiscal_year"], signed_in_user().id)
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
            return _render(edition, form, STATUS.get(error.code, 422))
        label = japan.fiscal_year_label(form.data["fiscal_year"])
        if created:
            flash(gettext("The report of %(year)s is being built.", year=label), "success")
        else:
            flash(gettext("The report of %(year)s is already being built.", year=label), "info")
        return redirect(url_for(".index", edition_id=edition.id) + "#builds")
    return _render(edition, form, 422)


@bp.post("/organiser/editions/<int:edition_id>/figures/builds/<int:build_id>/publish")
@page_login_required(Role.ORGANISER)
def publish_build(edition_id: int, build_id: int) -> Any:
    """Publish a finished build (POST /reports/builds/{id}/publish): its report goes public."""
    edition = _edition(edition_id)
    try:
        build = reports.publish(reports.get_build(build_id), signed_in_user().id)
    except DomainError as error:
        db.session.rollback()
        flash(gettext("The report could not be published."), "error")
        return _render(edition, status=STATUS.get(error.code, 422))
    db.session.commit()
    label = japan.fiscal_year_label(build.fiscal_year)
    flash(gettext("The report of %(year)s is published.", year=label), "success")
    return redirect(url_for(".index", edition_id=edition.id) + "#builds")


@bp.get("/organiser/editions/<int:edition_id>/figures/builds/<int:build_id>/files/<name>")
@page_login_required(Role.ORGANISER)
def build_file(edition_id: int, build_id: int, name: str) -> Response:
    """One file of a finished build, served as ``GET /reports/builds/{id}/files/{name}``."""
    _edition(edition_id)
    build = reports.get_build(build_id)
    output = reports.get_output(build.id, name)
    filename = f"eventhub-report-FY{build.fiscal_year}-{output.name}"
    disposition = "inline" if output.content_type.startswith(_INLINE) else "attachment"
    response = Response(output.content, content_type=output.content_type)
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    )
    # Report files are data: nothing in them may run scripts or load anything from elsewhere.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
