"""都道府県推薦: a prefecture contact's page. The applications that name the contact's
prefecture(s), endorsing and withdrawing an endorsement (``endorsements``, as the API), and
each edition's quota used and left.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from eventhub.accounts.models import Role, User
from eventhub.applications import endorsements, schemas, service
from eventhub.applications.models import Application
from eventhub.applications.review_labels import LABELS
from eventhub.errors import DomainError
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.locking import commit_versioned
from eventhub.pagination import paginate
from eventhub.statuses import http_status
from eventhub.web.auth import page_login_required, signed_in_user
from eventhub.web.forms import error_text, read_posted

bp = Blueprint("prefecture_pages", __name__, url_prefix="/prefecture")


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {**LABELS, "endorsable": endorsements.ENDORSABLE}


def _args() -> dict[str, Any]:
    """Paging and sort read with the API's ``ApplicationListArgs``; a bad value falls back to
    the default rather than hiding the list."""
    schema = schemas.ApplicationListArgs(only=("page", "per_page", "sort"))
    raw = read_posted(schema, request.args)
    try:
        args: dict[str, Any] = schema.load(raw)
    except ma.ValidationError:  # a hand-made URL: show the first page
        args = schema.load({})
    return args


def _quotas(user: User, editions: list[Edition]) -> dict[tuple[int, int], dict[str, int]]:
    """(edition id, prefecture code) → the quota as the API lists it, with what is left."""
    mine = user.contact_prefectures()
    out = {}
    for edition in editions:
        for quota in endorsements.quotas(edition):
            if quota["prefecture_code"] in mine:
                left = max(quota["max_endorsements"] - quota["used"], 0)
                out[(edition.id, quota["prefecture_code"])] = {**quota, "left": left}
    return out


def _render(error: str | None = None, status: int = 200) -> Any:
    user = signed_in_user()
    args = _args()
    # The applications the contact may see (service.query) that name its prefectures.
    query = service.query(user, args).where(
        Application.submitted_at.is_not(None),
        Application.recommending_prefecture_code.in_(user.contact_prefectures()),
    )
    page = paginate(query, args)
    edition_ids = sorted({a.edition_id for a in page["items"]})
    editions = (
        db.session.scalars(sa.select(Edition).where(Edition.id.in_(edition_ids))).all()
        if edition_ids
        else []
    )
    pages = -(-page["total"] // page["per_page"]) if page["total"] else 1
    html = render_template(
        "prefecture/index.html",
        page=page,
        pages=pages,
        quotas=_quotas(user, list(editions)),
        editions={e.id: e for e in editions},
        prefectures=sorted(user.contact_prefectures()),
        error=error,
    )
    return html, status


@bp.get("/")
@page_login_required(Role.PREFECTURE_CONTACT)
def index() -> Any:
    return _render()


def _change(application_id: int, endorse: bool) -> Any:
    user = signed_in_user()
    try:
        application = service.visible(user, application_id)
        if endorse:
            endorsements.endorse(application, user)
        else:
            endorsements.withdraw_endorsement(application, user)
        commit_versioned(application)
    except DomainError as error:
        db.session.rollback()
        return _render(error_text(error), http_status(error.code))
    if endorse:
        flash(gettext("The application is endorsed."), "success")
    else:
        flash(gettext("The endorsement is withdrawn."), "success")
    return redirect(url_for(".index", page=request.args.get("page", type=int)), 303)


@bp.post("/applications/<int:application_id>/endorsement")
@page_login_required(Role.PREFECTURE_CONTACT)
def endorse(application_id: int) -> Any:
    return _change(application_id, endorse=True)


@bp.post("/applications/<int:application_id>/endorsement/withdraw")
@page_login_required(Role.PREFECTURE_CONTACT)
def withdraw_endorsement(application_id: int) -> Any:
    return _change(application_id, endorse=False)
