"""Account pages: log in, log out and the language switch (sign-up and the rest follow)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session
from flask_babel import gettext

from eventhub.accounts import schemas, service
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.i18n import LOCALES
from eventhub.web import sessions
from eventhub.web.auth import safe_next
from eventhub.web.forms import Form, error_text
from eventhub.web.navigation import landing_url

bp = Blueprint("accounts_pages", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = Form(schemas.LoginSchema())
    if form.submitted and form.validate():
        try:
            user = service.authenticate(form.data["email"], form.data["password"])
        except DomainError as error:  # locked after repeated failures, as on the API
            form.fail(error)
        else:
            if user is None:
                db.session.commit()  # the failure counts towards a lock
                form.general.append(error_text(DomainError("invalid_credentials")))
            else:
                sessions.sign_in(user)
                return redirect(safe_next(request.args.get("next"), landing_url(user)))
    status = 200 if form.ok else 422
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout() -> Any:
    sessions.sign_out()
    flash(gettext("You have logged out."), "info")
    return redirect(safe_next(request.form.get("next"), "/"))


@bp.post("/language")
def language() -> Any:
    locale = request.form.get("locale", "")
    if locale not in LOCALES:
        abort(400)
    session["locale"] = locale
    user = sessions.current_user()
    if user is not None:
        user.locale = locale
        db.session.commit()
    return redirect(safe_next(request.form.get("next"), "/"))
