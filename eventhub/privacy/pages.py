"""Personal data as pages: one's own data to download (the API's ``/users/me/data``), and for
organisers an edition's registrations, where an attendee's personal data is erased after a
confirmation (the API's ``POST /editions/{id}/registrations/{rid}/erase``)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from eventhub.accounts.models import Role
from eventhub.events import service as events
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.pagination import paginate
from eventhub.passes import service as passes
from eventhub.passes.models import Registration
from eventhub.privacy import service
from eventhub.privacy.api import download
from eventhub.web.auth import page_login_required, signed_in_user
from eventhub.web.forms import Form, translate_message

bp = Blueprint("privacy_pages", __name__)


@bp.get("/account/data")
@page_login_required()
def my_data() -> Response:
    return download(service.personal_data(signed_in_user()))


class RegistrationPageArgs(ma.Schema):
    """The list's search (name or email) and paging, as ``GET /editions/{id}/registrations``."""

    q = ma.fields.String(validate=ma.validate.Length(max=100))
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=2**31 - 1))
    per_page = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=100))


def _edition(edition_id: int) -> Edition:
    return events.get_edition(edition_id, signed_in_user())


def _registration(edition: Edition, registration_id: int) -> Registration:
    found = service.erasable_registration(edition.id, registration_id)
    registration = db.session.get(Registration, found)
    assert registration is not None  # just found
    return registration


@bp.get("/organiser/editions/<int:edition_id>/registrations")
@page_login_required(Role.ORGANISER)
def registrations(edition_id: int) -> Any:
    """The edition's registrations, searched by name or email and paged, each with a way to
    erase the attendee's personal data."""
    edition = _edition(edition_id)
    raw = {key: value.strip() for key, value in request.args.items() if value.strip()}
    form = Form(RegistrationPageArgs(), raw)
    page = None
    try:
        args = RegistrationPageArgs().load(raw)
    except ma.ValidationError as error:
        for field, messages in error.normalized_messages().items():
            for message in messages if isinstance(messages, list) else [messages]:
                form.add_error(field, translate_message(str(message)))
    else:
        page = paginate(passes.registrations_query(edition, args), args)
    return (
        render_template(
            "organiser/registrations.html",
            edition=edition,
            form=form,
            page=page,
            filters={k: v for k, v in raw.items() if k == "q"},
        ),
        200 if form.ok else 422,
    )


@bp.get("/organiser/editions/<int:edition_id>/registrations/<int:registration_id>/erase")
@page_login_required(Role.ORGANISER)
def confirm_erase(edition_id: int, registration_id: int) -> Any:
    """What erasing removes and keeps, and the button that does it."""
    edition = _edition(edition_id)
    return render_template(
        "organiser/registration_erase.html",
        edition=edition,
        registration=_registration(edition, registration_id),
    )


@bp.post("/organiser/editions/<int:edition_id>/registrations/<int:registration_id>/erase")
@page_login_required(Role.ORGANISER)
def erase(edition_id: int, registration_id: int) -> Any:
    """Erase the attendee's personal data (as the API does, recorded in the audit log)."""
    edition = _edition(edition_id)
    service.erase_attendee(edition.id, registration_id)
    db.session.commit()
    flash(gettext("The attendee's personal data is erased."), "success")
    return redirect(url_for(".registrations", edition_id=edition.id))
