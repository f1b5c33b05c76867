"""Organisers' and reviewers' pages: an edition's dashboard, its applications, one application's
page with the decision form, bulk decisions and the prefecture quotas.

Every action calls the service the JSON API calls, validated by the API's schema: the list
takes ``ApplicationListArgs`` and ``service.query``, a decision ``DecisionSchema`` and
``service.decide`` (with the version read, so a reviewer who decided second gets 409 and sees
what changed), bulk decisions ``BulkDecisionSchema`` and ``service.decide_many``.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from eventhub import japan
from eventhub.accounts.models import Role
from eventhub.applications import dashboard, endorsements, schemas, service
from eventhub.applications.models import DECIDABLE_FROM, Application, ApplicationStatus
from eventhub.applications.review_labels import LABELS, labels_of, status_label
from eventhub.db import utcnow
from eventhub.documents import service as documents
from eventhub.documents.api import send_document
from eventhub.errors import DomainError, forbidden
from eventhub.events import service as events
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.locking import commit_versioned
from eventhub.messages import MESSAGES
from eventhub.pagination import paginate
from eventhub.statuses import http_status
from eventhub.web.auth import page_login_required, signed_in_user
from eventhub.web.formatting import prefecture_choices
from eventhub.web.forms import Form, as_json_number, error_text, read_posted, translate_message

bp = Blueprint("organiser_pages", __name__, url_prefix="/organiser")

REVIEWERS = (Role.ORGANISER, Role.REVIEWER)
S = ApplicationStatus


@bp.context_processor
def _labels() -> dict[str, Any]:
    return LABELS


def _edition(edition_id: int) -> Edition:
    return events.get_edition(edition_id, signed_in_user())


@bp.get("/")
@page_login_required(*REVIEWERS)
def index() -> Any:
    """The editions an organiser or reviewer works on (reviewers see published ones)."""
    user = signed_in_user()
    editions = db.session.scalars(events.editions_query({}, user)).unique().all()
    counts = dashboard.submitted_counts(user, [e.id for e in editions])
    return render_template("organiser/review/index.html", editions=editions, counts=counts)


@bp.get("/editions/<int:edition_id>")
@page_login_required(*REVIEWERS)
def edition(edition_id: int) -> Any:
    """The dashboard: applications by status, booth units, waitlist, registrations, and the
    gate's live figures (organisers), refreshed in place by eventhub.js."""
    user = signed_in_user()
    edition = _edition(edition_id)
    figures = dashboard.live_figures(edition) if user.has_role(Role.ORGANISER) else None
    return render_template(
        "organiser/review/dashboard.html",
        edition=edition,
        by_status=dashboard.by_status(user, edition),
        units=dashboard.booth_units(edition),
        waitlist=dashboard.waitlist_of(user, edition),
        offered=dashboard.offered_count(edition),
        registrations=dashboard.registrations(edition),
        figures=figures,
        now=utcnow(),
    )


# The application list and bulk decisions -----------------------------------------------------


def _list_args(edition: Edition, source: MultiDict[str, str]) -> tuple[Form, dict[str, Any]]:
    """The list's filters read with the API's ``ApplicationListArgs``; errors per field."""
    schema = schemas.ApplicationListArgs()
    form = Form(schema, initial=source.to_dict())
    raw = read_posted(schema, source)
    raw["edition_id"] = edition.id
    try:
        args: dict[str, Any] = schema.load(raw)
    except ma.ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"": exc.messages}
        for field, texts in messages.items():
            for text in texts if isinstance(texts, list) else [texts]:
                form.add_error(field, translate_message(str(text)))
        args = schema.load({"edition_id": edition.id})
    return form, args


def _render_list(
    edition: Edition,
    source: MultiDict[str, str],
    bulk: Form | None = None,
    results: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> Any:
    user = signed_in_user()
    filters, args = _list_args(edition, source)
    page = paginate(service.query(user, args), args)
    query = {k: v for k, v in source.items() if v and k not in ("page", "csrf_token")}
    pages = -(-page["total"] // page["per_page"]) if page["total"] else 1
    html = render_template(
        "organiser/review/applications.html",
        edition=edition,
        filters=filters,
        page=page,
        pages=pages,
        query=query,
        bulk=bulk or Form(schemas.DecisionSchema()),
        results=results,
        # Each label once per page rather than once per row (the bench: bench_pages.py).
        statuses=labels_of(LABELS["status_choices"]()),
        industries=labels_of(LABELS["industry_choices"]()),
        prefectures=prefecture_choices(),
    )
    return html, (status if filters.ok else 422)


@bp.get("/editions/<int:edition_id>/applications")
@page_login_required(*REVIEWERS)
def applications(edition_id: int) -> Any:
    """The API's filters, sort and paging, as a page; each row can be ticked for bulk."""
    return _render_list(_edition(edition_id), request.args)


def _bulk_items() -> list[dict[str, Any]]:
    """The ticked rows as the API's bulk items: each box's value is "id:version", and the one
    decision and reason apply to each."""
    decision = read_posted(schemas.DecisionSchema(), request.form)
    decision.pop("version", None)
    item = schemas.BulkDecisionItemSchema().fields
    items = []
    for value in request.form.getlist("items"):
        application_id, _, version = value.partition(":")
        items.append(
            {
                **decision,
                "id": as_json_number(item["id"], application_id),
                "version": as_json_number(item["version"], version),
            }
        )
    return items


def _bulk_errors(form: Form) -> None:
    """Errors of item N's decision or reason are the one decision's and reason's."""
    for name, texts in list(form.errors.items()):
        parts = name.split(".")
        if parts[0] == "items" and len(parts) == 3 and parts[2] in ("decision", "reason"):
            del form.errors[name]
            for text in texts:
                if text not in form.errors_for(parts[2]):
                    form.add_error(parts[2], text)
        elif parts[0] == "items":
            del form.errors[name]
            for text in texts:
                form.add_error(None, text)


def _result_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for result in results:
        application = result.get("application")
        if application is not None:
            text = status_label(application.status)
        else:
            text = _refusal(result["id"], result["code"])
        rows.append({"id": result["id"], "ok": result["status"] == 200, "text": text})
    return rows


def _refusal(application_id: int, code: str) -> str:
    if code == "invalid_transition":  # decide_refused: say from which status
        current = db.session.get(Application, application_id)
        if current is not None:
            return gettext(MESSAGES["decide_refused"], status=status_label(current.status))
    return refusal_text(code)


def refusal_text(code: str) -> str:
    """A bulk item's refusal, named by its code only (the API gives no more)."""
    try:
        return error_text(DomainError(code))
    except (KeyError, ValueError, TypeError):
        return gettext("Refused (%(code)s).", code=code)


@bp.post("/editions/<int:edition_id>/applications")
@page_login_required(*REVIEWERS)
def decide_many(edition_id: int) -> Any:
    """One decision for every ticked application; each applied or refused on its own."""
    edition = _edition(edition_id)
    user = signed_in_user()
    form = Form(schemas.BulkDecisionSchema())
    filters = MultiDict(list(request.args.items()))
    items = _bulk_items()
    if not items:
        form.add_error(None, gettext("Tick at least one application."))
    if not items or not form.validate(extra={"items": items}):
        _bulk_errors(form)
        return _render_list(edition, filters, bulk=_decision_form_from(form), status=422)
    results = service.decide_many(user, form.data["items"])
    return _render_list(edition, filters, results=_result_rows(results))


def _decision_form_from(bulk: Form) -> Form:
    form = Form(schemas.DecisionSchema())
    form.validate()  # keeps what was posted, for the fields to show it again
    form.errors, form.general = bulk.errors, bulk.general
    return form


# One application -----------------------------------------------------------------------------


def _render_application(
    application: Application,
    form: Form | None = None,
    conflict: dict[str, Any] | None = None,
    status: int = 200,
) -> Any:
    edition = application.edition
    docs = db.session.scalars(documents.documents_query(application, None)).all()
    html = render_template(
        "organiser/review/application.html",
        edition=edition,
        application=application,
        documents=docs,
        history=application.transitions,
        form=form or Form(schemas.DecisionSchema()),
        decidable=application.status in DECIDABLE_FROM,
        can_start_review=application.status == S.SUBMITTED,
        conflict=conflict,
        quota=_quota_of(application),
    )
    return html, status


def _quota_of(application: Application) -> dict[str, int] | None:
    code = application.recommending_prefecture_code
    if code is None:
        return None
    return next(
        (q for q in endorsements.quotas(application.edition) if q["prefecture_code"] == code),
        None,
    )


def _what_changed(application: Application, seen: str | None) -> dict[str, Any]:
    """What another reviewer did since this one loaded the form: the steps after the last one
    they saw, and the status and version now."""
    try:
        seen_steps = max(int(seen or 0), 0)
    except ValueError:
        seen_steps = 0
    history = application.transitions
    seen_status = history[seen_steps - 1].to_status if 0 < seen_steps <= len(history) else None
    return {
        "steps": history[seen_steps:],
        "seen_status": seen_status,
        "status": application.status,
        "version": application.version,
    }


@bp.route("/applications/<int:application_id>", methods=["GET", "POST"])
@page_login_required(*REVIEWERS)
def application(application_id: int) -> Any:
    """Documents, history and the decision form. The form sends the version read: if another
    reviewer decided meanwhile, 409 shows what changed and the form again, on the new version."""
    user = signed_in_user()
    application = service.visible(user, application_id)
    form = Form(schemas.DecisionSchema())
    if form.submitted and form.validate():
        try:
            service.decide(application, user, form.data)
            commit_versioned(application)
        except DomainError as error:
            db.session.rollback()
            application = service.visible(user, application_id)
            if error.code == "version_conflict":
                conflict = _what_changed(application, request.form.get("seen_steps"))
                return _render_application(application, form, conflict, 409)
            form.fail(error)
            return _render_application(application, form, status=http_status(error.code))
        flash(gettext("The decision is recorded and the exhibitor notified."), "success")
        return redirect(url_for(".application", application_id=application.id), 303)
    return _render_application(application, form, status=200 if form.ok else 422)


@bp.post("/applications/<int:application_id>/review")
@page_login_required(*REVIEWERS)
def start_review(application_id: int) -> Any:
    """Start the review, so the exhibitor can no longer amend the application."""
    user = signed_in_user()
    application = service.visible(user, application_id)
    form = Form(schemas.ReasonSchema())
    if form.validate():
        try:
            service.start_review(application, user, form.data)
            commit_versioned(application)
        except DomainError as error:
            db.session.rollback()
            flash(error_text(error), "error")
        else:
            flash(gettext("The review has started."), "success")
    else:
        texts = form.general + [t for field in form.errors.values() for t in field]
        flash(" ".join(texts), "error")
    return redirect(url_for(".application", application_id=application_id), 303)


@bp.get("/applications/<int:application_id>/documents/<int:document_id>")
@page_login_required(*REVIEWERS)
def document(application_id: int, document_id: int) -> Any:
    """Download a document, as the API serves it."""
    application = service.visible(signed_in_user(), application_id)
    return send_document(documents.get(application, document_id))


# Prefecture quotas ---------------------------------------------------------------------------


@bp.route("/editions/<int:edition_id>/quotas", methods=["GET", "POST"])
@page_login_required(*REVIEWERS)
def quotas(edition_id: int) -> Any:
    """Each prefecture's endorsements allowed and used; organisers set them, as on the API."""
    user = signed_in_user()
    edition = _edition(edition_id)
    form = Form(schemas.QuotaSchema())
    if form.submitted:
        if not user.has_role(Role.ORGANISER):
            raise forbidden("role_missing", roles=Role.ORGANISER.value)
        code = _prefecture_code(form, request.form.get("prefecture_code"))
        if form.validate() and code is not None:
            endorsements.set_quota(edition, code, form.data["max_endorsements"])
            db.session.commit()
            flash(gettext("The quota is saved."), "success")
            return redirect(url_for(".quotas", edition_id=edition.id), 303)
    rows = [
        {**q, "left": max(q["max_endorsements"] - q["used"], 0)}
        for q in endorsements.quotas(edition)
    ]
    html = render_template(
        "organiser/review/quotas.html",
        edition=edition,
        quotas=rows,
        form=form,
        can_set=user.has_role(Role.ORGANISER),
    )
    return html, 200 if form.ok else 422


def _prefecture_code(form: Form, raw: str | None) -> int | None:
    """The prefecture as the API's path takes it: a JIS code from 1 to 47."""
    try:
        return japan.prefecture(int(raw or "")).code
    except ValueError:
        form.add_error("prefecture_code", gettext("Choose a prefecture."))
        return None
