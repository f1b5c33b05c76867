"""Users and their roles, for organisers: the list with the API's filters, a user's page, and
granting or revoking a role through the same service and schema as ``/api/v1/users``."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext

from eventhub.accounts import schemas, service
from eventhub.accounts.models import Role, User
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.i18n import pick
from eventhub.messages import N_
from eventhub.pagination import paginate
from eventhub.statuses import STATUS
from eventhub.web.auth import page_login_required, signed_in_user
from eventhub.web.forms import Form, translate_message

bp = Blueprint("user_pages", __name__)

ROLES = {
    Role.ORGANISER: N_("Organiser"),
    Role.REVIEWER: N_("Reviewer"),
    Role.PREFECTURE_CONTACT: N_("Prefecture contact"),
    Role.GATE_STAFF: N_("Gate staff"),
}


def _edition_choices() -> list[tuple[str, str]]:
    """Every edition, newest first, as (id, title in the reader's language)."""
    locale = get_locale()
    rows = db.session.execute(
        sa.select(Edition.id, Edition.title_ja, Edition.title_en).order_by(
            Edition.starts_at.desc(), Edition.id.desc()
        )
    )
    return [(str(row.id), pick(row.title_ja, row.title_en, locale)) for row in rows]


def _role_choices() -> list[tuple[str, str]]:
    return [(str(role), gettext(text)) for role, text in ROLES.items()]


@bp.get("/organiser/users")
@page_login_required(Role.ORGANISER)
def index() -> Any:
    """Users with the filters of ``GET /users`` (part of the email, a role) and its paging."""
    raw = {key: value for key, value in request.args.items() if value.strip()}
    form = Form(schemas.UserListArgs(), raw)
    page = None
    try:
        args = schemas.UserListArgs().load(raw)
    except ma.ValidationError as error:
        for field, messages in error.normalized_messages().items():
            for message in messages if isinstance(messages, list) else [messages]:
                form.add_error(field, translate_message(str(message)))
    else:
        page = paginate(service.users_query(args.get("email"), args.get("role")), args)
    filters = {k: v for k, v in raw.items() if k in ("email", "role")}
    return (
        render_template(
            "organiser/users_index.html",
            form=form,
            page=page,
            filters=filters,
            roles=_role_choices(),
            role_names=ROLES,
        ),
        200 if form.ok else 422,
    )


def _render_user(user: User, form: Form | None = None, status: int = 200) -> Any:
    return (
        render_template(
            "organiser/users_user.html",
            user=user,
            form=form or Form(schemas.RoleGrantSchema()),
            roles=_role_choices(),
            role_names=ROLES,
            editions=_edition_choices(),
            is_me=user.id == signed_in_user().id,
            now=utcnow(),
        ),
        status,
    )


@bp.get("/organiser/users/<int:user_id>")
@page_login_required(Role.ORGANISER)
def user(user_id: int) -> Any:
    return _render_user(service.get_user(user_id))


@bp.post("/organiser/users/<int:user_id>/roles")
@page_login_required(Role.ORGANISER)
def grant(user_id: int) -> Any:
    """Grant a role (POST /users/{id}/roles); a prefecture contact names its prefecture."""
    target = service.get_user(user_id)
    form = Form(schemas.RoleGrantSchema())
    if form.validate():
        try:
            service.grant_role(
                target,
                form.data["role"],
                form.data["prefecture_code"],
                signed_in_user(),
                form.data["edition_id"],
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
            return _render_user(target, form, STATUS.get(error.code, 422))
        flash(gettext("The role is granted."), "success")
        return redirect(url_for(".user", user_id=target.id))
    return _render_user(target, form, 422)


@bp.post("/organiser/users/<int:user_id>/roles/<int:grant_id>/revoke")
@page_login_required(Role.ORGANISER)
def revoke(user_id: int, grant_id: int) -> Any:
    """Revoke a role (DELETE /users/{id}/roles/{grant_id}); the last organiser keeps theirs."""
    target = service.get_user(user_id)
    try:
        service.revoke_role(target, grant_id)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        form = Form(schemas.RoleGrantSchema())
        form.fail(error)
        return _render_user(target, form, STATUS.get(error.code, 422))
    flash(gettext("The role is revoked."), "success")
    return redirect(url_for(".user", user_id=target.id))
