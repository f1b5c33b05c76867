"""Attendee pages: pre-registration (来場事前登録) and the pass page the pass mail links to.

The holder has no account: the pass page is opened with the private key of the pass mail
(``/passes/<id>?key=…``), exactly as the API's pass links are; a wrong key is a 404, and an
organiser signed in may open any pass without one, as on the API.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext

from eventhub.bookings import service as bookings
from eventhub.calendars import tokens
from eventhub.errors import DomainError
from eventhub.events import service as events
from eventhub.events.public_pages import edition_feed_links
from eventhub.extensions import db
from eventhub.i18n import pick
from eventhub.passes import printable, schemas, service
from eventhub.passes.models import Pass, PassState
from eventhub.web.forms import Form
from eventhub.web.sessions import current_user

bp = Blueprint("pass_pages", __name__)

_KEY_ARGS = schemas.KeyArgs()


def _lang() -> str:
    return str(get_locale() or "ja")


def pass_key() -> str | None:
    """The holder's key from the page's query (``?key=``), checked as the API checks it."""
    try:
        return _KEY_ARGS.load({k: v for k, v in request.args.items() if k == "key"}).get("key")
    except ma.ValidationError:
        abort(404)


def holders_pass(pass_id: int) -> Pass:
    """The pass for its holder (with the key) or an organiser; a wrong key answers 404."""
    return service.pass_for(pass_id, current_user(), pass_key())


def kind_label(kind: str) -> str:
    ja, en = printable.KIND_LABELS.get(kind, (kind, kind))
    return pick(ja, en, _lang())


def _private(html: str, status: int = 200) -> Any:
    # The page shows the holder's private link and QR: never kept by a shared cache.
    return html, status, {"Cache-Control": "private, no-store"}


# Registration --------------------------------------------------------------------------------


@bp.route("/editions/<int:edition_id>/register", methods=["GET", "POST"])
def register(edition_id: int) -> Any:
    """来場事前登録: anyone registers (as on the API); the pass follows by mail."""
    edition = events.get_edition(edition_id, current_user())
    form = Form(schemas.RegistrationSchema(), initial={"attendee_type": "general"})
    if form.submitted and form.validate(extra={"locale": _lang()}):
        try:
            registered = service.register(edition, form.data)
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
        else:
            db.session.commit()
            flash(
                gettext(
                    "You are registered. Your pass will be mailed to %(email)s.",
                    email=registered.registration.email,
                ),
                "success",
            )
            return redirect(url_for("pass_pages.registered", edition_id=edition.id))
    types = [(t, kind_label(t)) for t in schemas.SELF_REGISTERED]
    html = render_template(
        "passes/register.html",
        edition=edition,
        form=form,
        attendee_types=types,
        registration_open=service.registration_open(edition),
    )
    return html, 200 if form.ok else 422


@bp.get("/editions/<int:edition_id>/registered")
def registered(edition_id: int) -> Any:
    edition = events.get_edition(edition_id, current_user())
    return render_template("passes/registered.html", edition=edition)


# The pass -----------------------------------------------------------------------------------


def _pass_view(pass_: Pass) -> dict[str, Any]:
    edition = events.get_edition(pass_.edition_id, current_user())
    dates = (printable.dates_ja if _lang() == "ja" else printable.dates_en)(
        edition, pass_.valid_days
    )
    return {
        "pass_": pass_,
        "edition": edition,
        "key": pass_key(),
        "kind": kind_label(pass_.kind),
        "dates": dates,
        "issued": pass_.state == PassState.ISSUED,
    }


@bp.get("/passes/<int:pass_id>")
def pass_page(pass_id: int) -> Any:
    """The holder's pass: QR code, print layouts, calendar links and bookings."""
    pass_ = holders_pass(pass_id)
    view = _pass_view(pass_)
    link = None
    if pass_.registration_id is not None and view["key"] is not None:
        link = tokens.live_token(registration_id=pass_.registration_id)
    return _private(
        render_template(
            "passes/pass.html",
            **view,
            feed=edition_feed_links(view["edition"]),
            feed_link=link,
            new_feed=None,
        )
    )


@bp.get("/passes/<int:pass_id>/print/<size>")
def print_pass(pass_id: int, size: str) -> Any:
    """The pass laid out for printing on one A6 (a badge) or A4 sheet."""
    if size not in printable.SIZES:
        abort(404)
    pass_ = service.issued(holders_pass(pass_id))
    return _private(render_template("passes/print.html", **_pass_view(pass_), size=size))


@bp.post("/passes/<int:pass_id>/calendar-link")
def calendar_link(pass_id: int) -> Any:
    """A new private link to the holder's bookings calendar, shown once; the old one stops."""
    registration = bookings.attendee(pass_id, pass_key())
    _token, secret = tokens.renew(_lang(), None, registration_id=registration.id)
    db.session.commit()
    pass_ = holders_pass(pass_id)
    view = _pass_view(pass_)
    return _private(
        render_template(
            "passes/pass.html",
            **view,
            feed=edition_feed_links(view["edition"]),
            feed_link=None,
            new_feed=tokens.links(tokens.feed_path(secret)),
        )
    )
