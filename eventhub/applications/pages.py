"""Exhibitor pages: the dashboard, the application form per series, the application page that
mails link to, documents, withdrawal, waitlist offers, staff and their passes, and leads.

Every page calls the services the JSON API calls and validates with the API's schemas: the
common part with ``ApplicationSchema``, the series' own part (``series_fields``) by the service,
with ``NationalZoneFields`` / ``TakumiFields`` / ``MokucolleFields``, as on the API.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext

from eventhub import spreadsheets
from eventhub.accounts.models import Organisation, User
from eventhub.accounts.service import is_member
from eventhub.applications import schemas, series, service, staff
from eventhub.applications.models import (
    ACTIVE_STATUSES,
    EDITABLE_STATUSES,
    Application,
    ApplicationStatus,
    StaffMember,
)
from eventhub.audit import service as audit
from eventhub.audit.actions import Action
from eventhub.booths.allocation import allocations_of
from eventhub.checkin import leads
from eventhub.db import utcnow
from eventhub.documents import service as documents
from eventhub.documents.api import send_document, upload_size_limit
from eventhub.documents.models import DocumentKind
from eventhub.documents.schemas import UploadSchema
from eventhub.errors import DomainError
from eventhub.events import service as events
from eventhub.events.models import Edition, EditionStatus
from eventhub.extensions import db
from eventhub.i18n import pick
from eventhub.locking import commit_versioned
from eventhub.messages import N_
from eventhub.notifications.templates import STATUS_LABELS
from eventhub.passes.models import Pass
from eventhub.passes.printable import links as pass_links
from eventhub.web.auth import page_login_required, signed_in_user
from eventhub.web.forms import Form, error_text, read_posted

bp = Blueprint("exhibitor_pages", __name__)

S = ApplicationStatus

#: Choices of the common part, in the reader's language (values are the API's).
INDUSTRY_LABELS: dict[str, str] = {
    "manufacturing": N_("Manufacturing"),
    "crafts": N_("Crafts"),
    "food": N_("Food and drink"),
    "timber": N_("Timber and wood products"),
    "it": N_("IT and software"),
    "medical": N_("Medical and welfare"),
    "environment": N_("Environment and energy"),
    "services": N_("Services"),
    "other": N_("Other"),
}
BOOTH_TYPE_LABELS: dict[str, str] = {
    "standard": N_("Standard booth"),
    "corner": N_("Corner booth"),
    "table": N_("Table"),
    "online": N_("Online exhibit"),
}
DOCUMENT_KIND_LABELS: dict[str, str] = {
    DocumentKind.CATALOGUE: N_("Catalogue (PDF)"),
    DocumentKind.PHOTO: N_("Product photo (JPEG, PNG or WebP)"),
    DocumentKind.OTHER: N_("Other"),
}
PASS_STATE_LABELS: dict[str, str] = {
    "pending": N_("Being issued"),
    "issued": N_("Issued"),
    "revoked": N_("Revoked"),
    "used": N_("Used"),
}


def status_label(status: str) -> str:
    ja, en = STATUS_LABELS.get(status, (status, status))
    return pick(ja, en, get_locale())


@bp.app_template_global()
def application_status(status: str) -> str:
    """How an application's status reads, in the reader's language (as in the mails)."""
    return status_label(status)


def _choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(value, gettext(text)) for value, text in labels.items()]


# Reading the form ------------------------------------------------------------------------------


def _series_schema(edition: Edition) -> ma.Schema:
    return series.SERIES_FIELDS[edition.series.slug]()


def _cleared(schema: ma.Schema, posted: dict[str, Any]) -> dict[str, Any]:
    """What a field left blank says: nothing (None) for an optional value, an empty list for
    an optional list. The form is the whole of the part, so blank means "none", not "keep"."""
    out: dict[str, Any] = {}
    for name, field in schema.fields.items():
        if field.dump_only or field.load_only or name in posted:
            continue
        if field.allow_none:
            out[name] = None
        elif isinstance(field, ma.fields.List) and not field.required:
            out[name] = []
    return out


def _posted_series_fields(edition: Edition) -> dict[str, Any]:
    schema = _series_schema(edition)
    posted = read_posted(schema, request.form, "series_fields.")
    # A required list left empty is still missing (named at submission), not an error now.
    posted = {
        key: value
        for key, value in posted.items()
        if not (value == [] and schema.fields[key].required)
    }
    return {**_cleared(schema, posted), **posted}


def _extra(schema: ma.Schema, edition: Edition) -> dict[str, Any]:
    posted = read_posted(schema, request.form)
    blank = {
        key: value
        for key, value in _cleared(schema, posted).items()
        if key not in ("series_fields", "version", "accept_terms")
    }
    return {**blank, "series_fields": _posted_series_fields(edition)}


def _initial(application: Application) -> dict[str, Any]:
    data = dict(schemas.ApplicationSchema().dump(application))
    data["accept_terms"] = application.terms_accepted_at is not None
    return data


def _my_organisations(user: User) -> list[Organisation]:
    return sorted((m.organisation for m in user.memberships), key=lambda o: o.id)


def _form_page(
    form: Form,
    edition: Edition,
    *,
    application: Application | None,
    organisations: list[Organisation],
    status: int,
) -> Any:
    return (
        render_template(
            "exhibitor/application_form.html",
            form=form,
            edition=edition,
            application=application,
            organisations=organisations,
            industry_choices=_choices(INDUSTRY_LABELS),
            booth_type_choices=_choices(BOOTH_TYPE_LABELS),
            timber_product_choices=_choices(series.TIMBER_PRODUCT_LABELS),
            certifications=series.CERTIFICATIONS,
        ),
        status,
    )


def _submit_after_save(application: Application, user: User, form: Form) -> bool:
    """Submit a saved application; on refusal every missing field is named on the form and the
    saved draft stays."""
    try:
        service.submit(application, user, {"version": application.version})
        commit_versioned(application)
    except DomainError as error:
        db.session.rollback()
        form.fail(error)
        return False
    flash(gettext("Your application has been submitted."), "success")
    return True


# Dashboard ---------------------------------------------------------------------------------


def _open_editions() -> list[Edition]:
    now = utcnow()
    editions = db.session.scalars(
        events.editions_query({"status": EditionStatus.OPEN}, None).order_by(None)
    ).all()
    return sorted(
        (
            e
            for e in editions
            if (e.applications_open_at is None or e.applications_open_at <= now)
            and (e.applications_close_at is None or now < e.applications_close_at)
        ),
        key=lambda e: (e.applications_close_at or e.starts_at, e.id),
    )


@bp.get("/my/")
@page_login_required()
def dashboard() -> Any:
    user = signed_in_user()
    organisations = _my_organisations(user)
    member_of = [o.id for o in organisations]
    applications = (
        db.session.scalars(
            service.query(user, {"sort": "-updated_at"}).where(
                Application.organisation_id.in_(member_of)
            )
        ).all()
        if member_of
        else []
    )
    active = {
        (a.edition_id, a.organisation_id): a for a in applications if a.status in ACTIVE_STATUSES
    }
    return render_template(
        "exhibitor/dashboard.html",
        organisations=organisations,
        applications=applications,
        editions=_open_editions(),
        active=active,
    )


# The application form ------------------------------------------------------------------------


@bp.route("/editions/<int:edition_id>/apply", methods=["GET", "POST"])
@page_login_required()
def apply(edition_id: int) -> Any:
    user = signed_in_user()
    edition = events.get_edition(edition_id, user)
    organisations = _my_organisations(user)
    initial: dict[str, Any] = {}
    if len(organisations) == 1:
        initial["organisation_id"] = organisations[0].id
    form = Form(schemas.ApplicationSchema(), initial=initial)
    if form.submitted and form.validate(extra=_extra(form.schema, edition)):
        try:
            application = service.create_draft(edition, user, dict(form.data))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
        else:
            if request.form.get("action") != "submit":
                flash(gettext("Your draft has been saved."), "success")
                return redirect(url_for(".application", application_id=application.id))
            if _submit_after_save(application, user, form):
                return redirect(url_for(".application", application_id=application.id))
            # Saved, not submitted: go on on the draft's own form, with what is missing.
            return _form_page(
                form, edition, application=application, organisations=organisations, status=422
            )
    return _form_page(
        form,
        edition,
        application=None,
        organisations=organisations,
        status=200 if form.ok else 422,
    )


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@page_login_required()
def edit(application_id: int) -> Any:
    user = signed_in_user()
    application = service.own(user, application_id)
    edition = application.edition
    form = Form(schemas.ApplicationUpdateSchema(partial=True), initial=_initial(application))
    if form.submitted and form.validate(extra=_extra(form.schema, edition)):
        try:
            service.update(application, dict(form.data), user)
            commit_versioned(application)
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
        else:
            wants_submit = request.form.get("action") == "submit" and application.status == S.DRAFT
            if not wants_submit:
                flash(gettext("Your changes have been saved."), "success")
                return redirect(url_for(".application", application_id=application.id))
            if _submit_after_save(application, user, form):
                return redirect(url_for(".application", application_id=application.id))
    return _form_page(
        form,
        edition,
        application=application,
        organisations=_my_organisations(user),
        status=200 if form.ok else 422,
    )


# The application page --------------------------------------------------------------------------


def _passes_of(members: list[StaffMember]) -> dict[int, Pass]:
    if not members:
        return {}
    rows = db.session.scalars(
        sa.select(Pass).where(Pass.staff_member_id.in_([m.id for m in members]))
    ).all()
    return {p.staff_member_id: p for p in rows if p.staff_member_id is not None}


def _application_page(
    application: Application,
    *,
    staff_form: Form | None = None,
    upload_form: Form | None = None,
    status: int = 200,
) -> Any:
    user = signed_in_user()
    member = is_member(user, application.organisation)
    members = staff.staff_of(application)
    approved = application.status == S.APPROVED
    return (
        render_template(
            "exhibitor/application.html",
            application=application,
            edition=application.edition,
            member=member,
            editable=member and application.status in EDITABLE_STATUSES,
            withdrawable=member and application.status in ACTIVE_STATUSES,
            transitions=application.transitions,
            documents=db.session.scalars(documents.documents_query(application, None)).all(),
            allocations=allocations_of(application),
            staff_members=members,
            passes=_passes_of(members),
            pass_links=pass_links,
            staff_quota=staff.quota(application),
            staff_form=staff_form or Form(schemas.StaffSchema()),
            upload_form=upload_form or Form(UploadSchema()),
            document_kinds=_choices(DOCUMENT_KIND_LABELS),
            document_kind_labels=DOCUMENT_KIND_LABELS,
            booth_type_labels=BOOTH_TYPE_LABELS,
            pass_states=PASS_STATE_LABELS,
            leads=leads.leads_of(application) if member and approved else [],
            series_labels=_series_field_labels(application.edition),
        ),
        status,
    )


def _series_field_labels(edition: Edition) -> list[tuple[str, str]]:
    return [(name, gettext(label)) for name, label in SERIES_FIELD_LABELS[edition.series.slug]]


#: The series' own fields as the application page lists them (the form has help texts too).
SERIES_FIELD_LABELS: dict[str, list[tuple[str, str]]] = {
    "national-zone": [
        ("recommending_prefecture_code", N_("Recommending prefecture")),
        ("target_buyers", N_("Buyers you wish to meet")),
    ],
    "takumi": [
        ("craft", N_("Craft")),
        ("traditional_craft", N_("Designated traditional craft")),
        ("demonstration", N_("Live demonstration")),
        ("sales", N_("Sales at the booth")),
        ("video_url", N_("Video")),
    ],
    "mokucolle": [
        ("timber_species", N_("Timber species")),
        ("origin_prefecture_codes", N_("Where the timber comes from")),
        ("product_categories", N_("Products")),
        ("certifications", N_("Certifications")),
        ("business_meetings", N_("Business meetings")),
    ],
}


@bp.get("/applications/<int:application_id>")
@page_login_required()
def application(application_id: int) -> Any:
    """The page every application mail links to."""
    return _application_page(service.visible(signed_in_user(), application_id))


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@page_login_required()
def withdraw(application_id: int) -> Any:
    user = signed_in_user()
    application = service.own(user, application_id)
    form = Form(schemas.ReasonSchema(), initial={"version": application.version})
    if form.submitted and form.validate():
        try:
            service.withdraw(application, user, dict(form.data))
            commit_versioned(application)
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
        else:
            flash(gettext("Your application has been withdrawn."), "success")
            return redirect(url_for(".application", application_id=application.id))
    return (
        render_template("exhibitor/withdraw.html", form=form, application=application),
        200 if form.ok else 422,
    )


def _action(application_id: int, run: Any, done: str) -> Any:
    user = signed_in_user()
    application = service.own(user, application_id)
    form = Form(schemas.ReasonSchema())
    if form.validate():
        try:
            run(application, user, dict(form.data))
            commit_versioned(application)
        except DomainError as error:
            db.session.rollback()
            flash(error_text(error), "error")
        else:
            flash(gettext(done), "success")
    else:
        flash(" ".join(form.general + [m for ms in form.errors.values() for m in ms]), "error")
    return redirect(url_for(".application", application_id=application_id))


@bp.post("/applications/<int:application_id>/submit")
@page_login_required()
def submit(application_id: int) -> Any:
    """Submit as it stands; what is missing is named on the form, every field at once."""
    user = signed_in_user()
    application = service.own(user, application_id)
    form = Form(schemas.ApplicationUpdateSchema(partial=True), initial=_initial(application))
    if _submit_after_save(application, user, form):
        return redirect(url_for(".application", application_id=application.id))
    db.session.refresh(application)
    return _form_page(
        form,
        application.edition,
        application=application,
        organisations=_my_organisations(user),
        status=422,
    )


@bp.post("/applications/<int:application_id>/offer/accept")
@page_login_required()
def accept_offer(application_id: int) -> Any:
    return _action(
        application_id, service.accept_offer, N_("You have accepted the place offered to you.")
    )


# Documents -------------------------------------------------------------------------------------


@bp.post("/applications/<int:application_id>/documents")
@page_login_required()
@upload_size_limit
def upload_document(application_id: int) -> Any:
    user = signed_in_user()
    application = service.visible(user, application_id)
    form = Form(UploadSchema())
    file = request.files.get("file")
    extra = {"file": file} if file is not None and file.filename else {}
    if form.validate(extra=extra):
        limit = int(current_app.config["EVENTHUB_UPLOAD_MAX_BYTES"])
        try:
            documents.upload(application, user, form.data["kind"], form.data["file"], limit)
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
        else:
            flash(gettext("The document has been uploaded."), "success")
            return redirect(url_for(".application", application_id=application.id) + "#documents")
    return _application_page(application, upload_form=form, status=422)


@bp.get("/applications/<int:application_id>/documents/<int:document_id>")
@page_login_required()
def download_document(application_id: int, document_id: int) -> Response:
    application = service.visible(signed_in_user(), application_id)
    return send_document(documents.get(application, document_id))


@bp.post("/applications/<int:application_id>/documents/<int:document_id>/delete")
@page_login_required()
def delete_document(application_id: int, document_id: int) -> Any:
    user = signed_in_user()
    application = service.visible(user, application_id)
    try:
        documents.delete(application, user, documents.get(application, document_id))
    except DomainError as error:
        db.session.rollback()
        if error.code == "not_found":
            raise
        flash(error_text(error), "error")
    else:
        flash(gettext("The document has been deleted."), "success")
    return redirect(url_for(".application", application_id=application_id) + "#documents")


# Staff and their passes --------------------------------------------------------------------------


@bp.post("/applications/<int:application_id>/staff")
@page_login_required()
def add_staff(application_id: int) -> Any:
    application = service.own(signed_in_user(), application_id)
    form = Form(schemas.StaffSchema())
    if form.validate():
        try:
            staff.add(
                application, form.data["name"], form.data.get("name_kana"), form.data["email"]
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
        else:
            flash(
                gettext("The staff member has been added; their pass is being issued."), "success"
            )
            return redirect(url_for(".application", application_id=application_id) + "#staff")
    return _application_page(application, staff_form=form, status=422)


@bp.post("/applications/<int:application_id>/staff/<int:member_id>/remove")
@page_login_required()
def remove_staff(application_id: int, member_id: int) -> Any:
    staff.remove(service.own(signed_in_user(), application_id), member_id)
    db.session.commit()
    flash(gettext("The staff member has been removed and their pass revoked."), "success")
    return redirect(url_for(".application", application_id=application_id) + "#staff")


# Leads -----------------------------------------------------------------------------------------


@bp.get("/applications/<int:application_id>/leads.csv")
@page_login_required()
def leads_csv(application_id: int) -> Response:
    """The leads as CSV (UTF-8 with BOM, Japanese headers), as the API gives them."""
    application = service.own(signed_in_user(), application_id)
    body = leads.to_csv(leads.leads_of(application), application.edition.timezone)
    audit.record_now(
        Action.LEADS_EXPORTED,
        target=("application", application.id),
        edition_id=application.edition_id,
    )
    return spreadsheets.download(body, spreadsheets.CSV, f"leads-{application.id}.csv")
