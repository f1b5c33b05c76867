"""An edition's settings and timetable for organisers, and creating an edition.

Each form is validated by the events API's own schema and written by the same service, so a
page accepts exactly what ``POST /editions``, ``PATCH /editions/{id}`` and the sessions
endpoints accept. A session is never deleted (the API has no delete): it is cancelled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext

from eventhub.accounts.models import Role
from eventhub.errors import DomainError
from eventhub.events import schemas, service
from eventhub.events.models import (
    Edition,
    EditionFormat,
    EditionStatus,
    SessionKind,
    SessionStatus,
    TimetableSession,
)
from eventhub.extensions import db
from eventhub.japan import TOKYO
from eventhub.locking import commit_versioned
from eventhub.messages import N_
from eventhub.statuses import STATUS
from eventhub.web.auth import page_login_required, signed_in_user
from eventhub.web.forms import Form

bp = Blueprint("event_pages", __name__)

FORMATS = {
    EditionFormat.IN_PERSON: N_("In person"),
    EditionFormat.ONLINE: N_("Online"),
    EditionFormat.HYBRID: N_("Hybrid"),
}
KINDS = {
    SessionKind.DEMONSTRATION: N_("Demonstration"),
    SessionKind.HANDS_ON: N_("Hands-on"),
    SessionKind.SEMINAR: N_("Seminar"),
    SessionKind.BUSINESS_MEETING: N_("Business meeting"),
}
EDITION_STATUSES = {
    EditionStatus.DRAFT: N_("Draft"),
    EditionStatus.OPEN: N_("Open for applications"),
    EditionStatus.CLOSED: N_("Applications closed"),
    EditionStatus.HELD: N_("Held"),
    EditionStatus.CANCELLED: N_("Cancelled"),
}
SESSION_STATUSES = {
    SessionStatus.SCHEDULED: N_("Scheduled"),
    SessionStatus.CANCELLED: N_("Cancelled"),
}

_EDITION_FIELDS = (
    "fiscal_year",
    "title_ja",
    "title_en",
    "venue_ja",
    "venue_en",
    "venue_address",
    "starts_at",
    "ends_at",
    "format",
    "applications_open_at",
    "applications_close_at",
    "booth_capacity",
    "waitlist_offer_hours",
    "waitlist_when_full",
    "staff_per_unit",
    "version",
)
_SESSION_FIELDS = (
    "kind",
    "title_ja",
    "title_en",
    "description_ja",
    "description_en",
    "starts_at",
    "ends_at",
    "place",
    "seats",
    "organisation_id",
    "status",
    "version",
)


def local_input(value: datetime | None) -> str | None:
    """A stored time as a ``datetime-local`` input shows it: Tokyo wall clock, no offset."""
    return value.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M") if value else None


def _values(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    values = {}
    for name in names:
        value = getattr(obj, name)
        values[name] = local_input(value) if isinstance(value, datetime) else value
    return values


def _status_of(error: DomainError) -> int:
    return STATUS.get(error.code, 422)


def _choices(texts: dict[Any, str]) -> list[tuple[str, str]]:
    return [(str(key), gettext(text)) for key, text in texts.items()]


def _edition(edition_id: int) -> Edition:
    return service.get_edition(edition_id, signed_in_user())


def _render(
    edition: Edition,
    *,
    status: int = 200,
    settings_form: Form | None = None,
    status_form: Form | None = None,
    session_form: Form | None = None,
) -> Any:
    sessions = list(db.session.scalars(service.sessions_query(edition, {})))
    return (
        render_template(
            "organiser/event_timetable.html",
            edition=edition,
            sessions=sessions,
            can_edit=signed_in_user().has_role(Role.ORGANISER),
            settings_form=settings_form
            or Form(schemas.EditionUpdateSchema(), _values(edition, _EDITION_FIELDS)),
            status_form=status_form
            or Form(schemas.EditionStatusSchema(), {"version": edition.version}),
            session_form=session_form or Form(schemas.SessionSchema()),
            formats=_choices(FORMATS),
            kinds=_choices(KINDS),
            kind_names=KINDS,
            edition_statuses=_choices(EDITION_STATUSES),
            edition_status_names=EDITION_STATUSES,
            session_status_names=SESSION_STATUSES,
        ),
        status,
    )


def _submit(
    edition: Edition, form: Form, name: str, change: Callable[[], object], done: str
) -> Any:
    """One of the timetable page's forms: validate, change and commit (a lost race on the
    edition's version is the API's 409), then back to the page, or the page with the form's
    errors."""
    if form.validate():
        try:
            change()
            commit_versioned(edition)
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
            return _render(edition, status=_status_of(error), **{name: form})
        flash(done, "success")
        return redirect(url_for(".timetable", edition_id=edition.id))
    return _render(edition, status=422, **{name: form})


@bp.get("/organiser/editions/<int:edition_id>/timetable")
@page_login_required(Role.ORGANISER, Role.REVIEWER)
def timetable(edition_id: int) -> Any:
    return _render(_edition(edition_id))


@bp.post("/organiser/editions/<int:edition_id>/settings")
@page_login_required(Role.ORGANISER)
def settings(edition_id: int) -> Any:
    """The edition's settings (PATCH /editions/{id})."""
    edition = _edition(edition_id)
    form = Form(schemas.EditionUpdateSchema(partial=True))
    return _submit(
        edition,
        form,
        "settings_form",
        lambda: service.update_edition(edition, form.data),
        gettext("The edition's settings are saved."),
    )


@bp.post("/organiser/editions/<int:edition_id>/status")
@page_login_required(Role.ORGANISER)
def change_status(edition_id: int) -> Any:
    """Open, close, mark held or cancel the edition (POST /editions/{id}/status)."""
    edition = _edition(edition_id)
    form = Form(schemas.EditionStatusSchema())
    return _submit(
        edition,
        form,
        "status_form",
        lambda: service.change_edition_status(edition, form.data),
        gettext("The edition's status is changed."),
    )


@bp.post("/organiser/editions/<int:edition_id>/sessions")
@page_login_required(Role.ORGANISER)
def create_session(edition_id: int) -> Any:
    """Add a session to the timetable (POST /editions/{id}/sessions)."""
    edition = _edition(edition_id)
    form = Form(schemas.SessionSchema())
    return _submit(
        edition,
        form,
        "session_form",
        lambda: service.create_session(edition, form.data),
        gettext("The session is added to the timetable."),
    )


def _render_session(
    edition: Edition, session: TimetableSession, form: Form, status: int = 200
) -> Any:
    return (
        render_template(
            "organiser/event_session.html",
            edition=edition,
            session=session,
            form=form,
            kinds=_choices(KINDS),
            session_statuses=_choices(SESSION_STATUSES),
        ),
        status,
    )


@bp.route("/organiser/editions/<int:edition_id>/sessions/<int:session_id>", methods=["GET", "POST"])
@page_login_required(Role.ORGANISER)
def edit_session(edition_id: int, session_id: int) -> Any:
    """Change or cancel a session (PATCH /editions/{id}/sessions/{id})."""
    edition = _edition(edition_id)
    session = service.get_session(edition, session_id)
    form = Form(schemas.SessionUpdateSchema(partial=True), _values(session, _SESSION_FIELDS))
    if form.submitted and form.validate():
        try:
            service.update_session(session, form.data)
            commit_versioned(session)
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
            return _render_session(edition, session, form, _status_of(error))
        flash(gettext("The session is saved."), "success")
        return redirect(url_for(".timetable", edition_id=edition.id))
    return _render_session(edition, session, form, 200 if form.ok else 422)


@bp.route("/organiser/editions/new", methods=["GET", "POST"])
@page_login_required(Role.ORGANISER)
def new_edition() -> Any:
    """Create an edition as a draft (POST /editions)."""
    form = Form(schemas.EditionSchema(), {"timezone": "Asia/Tokyo", "waitlist_offer_hours": 72})
    if form.submitted and form.validate():
        try:
            edition = service.create_edition(form.data)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
        else:
            flash(gettext("The edition is created as a draft."), "success")
            return redirect(url_for(".timetable", edition_id=edition.id))
    return (
        render_template(
            "organiser/event_new.html",
            form=form,
            series=service.all_series(),
            formats=_choices(FORMATS),
        ),
        200 if form.ok else 422,
    )
