"""Account pages: log in and out, the language switch, sign-up and the mailed links (verify the
address, reset the password, lift a login lock, confirm a new address), and the account's
settings.

Each form is loaded with the API's schema and calls the service the API calls
(``eventhub.accounts.service`` and ``eventhub.accounts.links``). The mailed links open a page
that shows what the link does and a button: the link is used by the form's POST, never by a
GET, so a mail scanner that follows links uses nothing up.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext

from eventhub.accounts import links, schemas, service
from eventhub.accounts.models import LinkPurpose
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.i18n import LOCALES
from eventhub.web import sessions
from eventhub.web.auth import page_login_required, safe_next, signed_in_user
from eventhub.web.forms import Form, error_text
from eventhub.web.navigation import landing_url

bp = Blueprint("accounts_pages", __name__)


def _fail(form: Form, error: DomainError, *, email_field: bool = False) -> None:
    """Show a service's refusal on the form. ``email_taken`` names no field in the API; a form
    with an address field shows it there. A link's token is no field the reader sees: its
    errors go above the form."""
    if email_field and error.code == "email_taken":
        form.add_error("email", error_text(error))
        return
    form.fail(error)
    form.general.extend(form.errors.pop("token", []))


def _render(template: str, form: Form, **context: Any) -> Any:
    return render_template(template, form=form, **context), 200 if form.ok else 422


# Log in, log out, language ----------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = Form(schemas.LoginSchema())
    if form.submitted and form.validate():
        try:
            user = service.authenticate(
                form.data["email"],
                form.data["password"],
                request.remote_addr or "",
                on_lock=links.mail_unlock_link,
            )
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


# Sign-up and verification -----------------------------------------------------------------------


def _reader_locale() -> str:
    locale = str(session.get("locale") or "ja")
    return locale if locale in LOCALES else "ja"


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> Any:
    form = Form(schemas.SignUpSchema(), {"locale": _reader_locale()})
    if form.submitted and form.validate():
        try:
            user = links.sign_up(**form.data)
        except DomainError as error:
            _fail(form, error, email_field=True)
        else:
            db.session.commit()
            session["locale"] = user.locale
            flash(
                gettext(
                    "Your account is created. We have sent a link to %(email)s: open it to "
                    "confirm your address, then log in.",
                    email=user.email,
                ),
                "success",
            )
            return redirect(url_for(".resend_verification"))
    return _render("accounts/signup.html", form)


@bp.route("/account/verify", methods=["GET", "POST"])
def resend_verification() -> Any:
    """Where sign-up leads ("check your mailbox"), with a form to have the link sent again."""
    user = sessions.current_user()
    form = Form(schemas.EmailSchema(), {"email": user.email if user else ""})
    if form.submitted and form.validate():
        links.resend_verification(form.data["email"])
        db.session.commit()
        flash(
            gettext(
                "If an account with this address still needs confirming, a new link is on its "
                "way. Only one is sent every 5 minutes."
            ),
            "success",
        )
        return redirect(url_for(".resend_verification"))
    return _render("accounts/verify_resend.html", form)


@bp.route("/account/verify/<token>", methods=["GET", "POST"])
def verify_email(token: str) -> Any:
    form = Form(schemas.LinkTokenSchema())
    try:
        links.peek(token, LinkPurpose.VERIFY_EMAIL)
    except DomainError as error:
        _fail(form, error)
        return _render("accounts/verify.html", form, usable=False)
    if form.submitted and form.validate(extra={"token": token}):
        try:
            links.verify_email(form.data["token"])
        except DomainError as error:
            _fail(form, error)
        else:
            db.session.commit()
            flash(gettext("Your email address is confirmed. Thank you!"), "success")
            target = ".account" if sessions.current_user() else ".login"
            return redirect(url_for(target))
    return _render("accounts/verify.html", form, usable=form.ok)


# Password reset ---------------------------------------------------------------------------------


@bp.route("/account/password/forgot", methods=["GET", "POST"])
def forgot_password() -> Any:
    form = Form(schemas.EmailSchema())
    if form.submitted and form.validate():
        links.request_password_reset(form.data["email"])
        db.session.commit()
        flash(
            gettext(
                "If an account uses this address, we have sent it a link to choose a new "
                "password. The link works for one hour."
            ),
            "success",
        )
        return redirect(url_for(".forgot_password"))
    return _render("accounts/forgot_password.html", form)


@bp.route("/account/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Any:
    form = Form(schemas.PasswordResetSchema())
    try:
        links.peek(token, LinkPurpose.RESET_PASSWORD)
    except DomainError as error:
        _fail(form, error)
        return _render("accounts/reset_password.html", form, usable=False)
    if form.submitted and form.validate(extra={"token": token}):
        try:
            links.reset_password(form.data["token"], form.data["password"])
        except DomainError as error:
            _fail(form, error)
        else:
            db.session.commit()
            sessions.sign_out()  # its token is revoked with every other
            flash(gettext("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for(".login"))
    return _render("accounts/reset_password.html", form, usable=True)


@bp.route("/account/unlock/<token>", methods=["GET", "POST"])
def unlock_login(token: str) -> Any:
    """The link mailed when failed logins lock the address: its button lifts the lock."""
    form = Form(schemas.LinkTokenSchema())
    try:
        links.peek(token, LinkPurpose.UNLOCK_LOGIN)
    except DomainError as error:
        _fail(form, error)
        return _render("accounts/unlock.html", form, usable=False)
    if form.submitted and form.validate(extra={"token": token}):
        try:
            links.unlock_login(form.data["token"])
        except DomainError as error:
            _fail(form, error)
        else:
            db.session.commit()
            flash(gettext("Logging in to your account is possible again."), "success")
            return redirect(url_for(".login"))
    return _render("accounts/unlock.html", form, usable=form.ok)


# Settings ---------------------------------------------------------------------------------------


@bp.route("/account", methods=["GET", "POST"])
@page_login_required()
def account() -> Any:
    """The account: its address and whether it is confirmed, a pending change, name and
    language (the form here); password and address are changed on pages of their own."""
    user = links.load_pending_email(signed_in_user())
    form = Form(
        schemas.UserUpdateSchema(only=("display_name", "locale")),
        {"display_name": user.display_name, "locale": user.locale},
    )
    # The form always sends the name: blank is a name left out, refused, not "keep it".
    if form.submitted and form.validate(extra={"display_name": request.form.get("display_name")}):
        service.update_user(user, form.data, sessions.session_token())
        db.session.commit()
        session["locale"] = user.locale
        flash(gettext("Your settings are saved."), "success")
        return redirect(url_for(".account"))
    return _render("accounts/account.html", form, user=user)


@bp.route("/account/password", methods=["GET", "POST"])
@page_login_required()
def change_password() -> Any:
    form = Form(schemas.PasswordChangeSchema())
    if form.submitted and form.validate():
        try:
            service.change_password(
                signed_in_user(),
                form.data["current_password"],
                form.data["password"],
                sessions.session_token(),
            )
        except DomainError as error:
            _fail(form, error)
        else:
            db.session.commit()
            flash(
                gettext("Your password is changed. Every other device has been logged out."),
                "success",
            )
            return redirect(url_for(".account"))
    return _render("accounts/password.html", form)


@bp.route("/account/email", methods=["GET", "POST"])
@page_login_required()
def change_email() -> Any:
    user = links.load_pending_email(signed_in_user())
    form = Form(schemas.EmailChangeSchema())
    if form.submitted and form.validate():
        try:
            links.request_email_change(user, form.data["email"], form.data["password"])
        except DomainError as error:
            _fail(form, error, email_field=True)
        else:
            db.session.commit()
            flash(
                gettext(
                    "We have sent a link to %(email)s. Your address changes when you open it.",
                    email=form.data["email"],
                ),
                "success",
            )
            return redirect(url_for(".account"))
    return _render("accounts/email.html", form, user=user)


@bp.post("/account/email/cancel")
@page_login_required()
def cancel_email_change() -> Any:
    links.cancel_email_change(signed_in_user())
    db.session.commit()
    flash(gettext("The change of your email address is cancelled."), "info")
    return redirect(url_for(".account"))


@bp.route("/account/email/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str) -> Any:
    form = Form(schemas.LinkTokenSchema())
    try:
        link = links.peek(token, LinkPurpose.CHANGE_EMAIL)
    except DomainError as error:
        _fail(form, error)
        return _render("accounts/email_confirm.html", form, usable=False, new_email=None)
    if form.submitted and form.validate(extra={"token": token}):
        try:
            links.confirm_email_change(form.data["token"])
        except DomainError as error:
            _fail(form, error)
        else:
            db.session.commit()
            flash(gettext("Your email address is changed."), "success")
            target = ".account" if sessions.current_user() else ".login"
            return redirect(url_for(target))
    return _render("accounts/email_confirm.html", form, usable=form.ok, new_email=link.new_email)
