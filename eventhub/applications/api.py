"""Exhibitors apply; organisers and reviewers review and decide."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from eventhub import japan, spreadsheets
from eventhub.accounts.auth import current_user, login_required, require_user
from eventhub.accounts.models import Role
from eventhub.applications import endorsements, export_service, schemas, service, staff
from eventhub.applications.models import Application, ApplicationTransition, StaffMember
from eventhub.errors import invalid, validator_error
from eventhub.events import service as events
from eventhub.extensions import db
from eventhub.locking import commit_versioned
from eventhub.openapi import operation_id
from eventhub.pagination import page_of, paginate

blp = Blueprint(
    "applications", __name__, url_prefix="/api/v1", description="Exhibitor applications"
)


@blp.post("/editions/<int:edition_id>/applications")
@login_required()
@blp.arguments(schemas.ApplicationSchema)
@blp.response(201, schemas.ApplicationSchema)
def create_application(data: dict[str, Any], edition_id: int) -> Application:
    """Start a draft for one of your organisations; it may be incomplete until submitted."""
    edition = events.get_edition(edition_id, current_user())
    application = service.create_draft(edition, require_user(), data)
    db.session.commit()
    return application


@blp.get("/applications")
@login_required()
@blp.arguments(schemas.ApplicationListArgs, location="query")
@blp.response(200, page_of(schemas.ApplicationSchema))
def list_applications(args: dict[str, Any]) -> dict[str, Any]:
    """Applications, by who asks.

    Exhibitors see their organisations' applications; organisers and reviewers see all
    submitted ones.
    """
    return paginate(service.query(require_user(), args), args)


@blp.get("/applications/<int:application_id>")
@login_required()
@blp.response(200, schemas.ApplicationSchema)
def get_application(application_id: int) -> Application:
    """One application, for its organisation's members, reviewers and organisers."""
    return service.visible(require_user(), application_id)


@blp.patch("/applications/<int:application_id>")
@login_required()
@blp.arguments(schemas.ApplicationUpdateSchema(partial=True))
@blp.response(200, schemas.ApplicationSchema)
def update_application(data: dict[str, Any], application_id: int) -> Application:
    """Edit a draft, or amend a submitted application until its review starts."""
    user = require_user()
    application = service.update(service.own(user, application_id), data, user)
    commit_versioned(application)
    return application


def _transition(action: Any, application: Application, data: dict[str, Any]) -> Application:
    action(application, require_user(), data)
    commit_versioned(application)
    return application


@blp.post("/applications/<int:application_id>/submit")
@operation_id("submit_application")
@login_required()
@blp.arguments(schemas.ReasonSchema)
@blp.response(200, schemas.ApplicationSchema)
def submit(data: dict[str, Any], application_id: int) -> Application:
    """Submit before the deadline; every required field of the form must be filled in."""
    application = service.own(require_user(), application_id)
    return _transition(service.submit, application, data)


@blp.post("/applications/<int:application_id>/withdraw")
@operation_id("withdraw_application")
@login_required()
@blp.arguments(schemas.ReasonSchema)
@blp.response(200, schemas.ApplicationSchema)
def withdraw(data: dict[str, Any], application_id: int) -> Application:
    """Withdraw at any time before the edition starts."""
    application = service.own(require_user(), application_id)
    return _transition(service.withdraw, application, data)


@blp.post("/applications/<int:application_id>/review")
@login_required(Role.ORGANISER, Role.REVIEWER)
@blp.arguments(schemas.ReasonSchema)
@blp.response(200, schemas.ApplicationSchema)
def start_review(data: dict[str, Any], application_id: int) -> Application:
    """Start the review: from now on the exhibitor can no longer amend it."""
    application = service.visible(require_user(), application_id)
    return _transition(service.start_review, application, data)


@blp.post("/applications/<int:application_id>/decision")
@operation_id("decide_application")
@login_required(Role.ORGANISER, Role.REVIEWER)
@blp.arguments(schemas.DecisionSchema)
@blp.response(200, schemas.ApplicationSchema)
def decide(data: dict[str, Any], application_id: int) -> Application:
    """Approve, reject or waitlist an application (organisers and reviewers).

    Send the version you read: of two reviewers deciding at once, the second gets 409 with
    the current version.
    """
    application = service.visible(require_user(), application_id)
    return _transition(service.decide, application, data)


@blp.get("/applications/<int:application_id>/history")
@operation_id("get_application_history")
@login_required()
@blp.response(200, schemas.TransitionSchema(many=True))
def history(application_id: int) -> list[ApplicationTransition]:
    """Every transition: who, when, from, to and why."""
    return service.visible(require_user(), application_id).transitions


@blp.post("/applications/<int:application_id>/offer/accept")
@login_required()
@blp.arguments(schemas.ReasonSchema)
@blp.response(200, schemas.ApplicationSchema)
def accept_offer(data: dict[str, Any], application_id: int) -> Application:
    """Take a place offered from the waitlist before the offer expires; to decline, withdraw."""
    application = service.own(require_user(), application_id)
    return _transition(service.accept_offer, application, data)


@blp.post("/applications/decisions")
@operation_id("decide_applications")
@login_required(Role.ORGANISER, Role.REVIEWER)
@blp.arguments(schemas.BulkDecisionSchema)
@blp.response(200, schemas.BulkResultSchema(many=True))
def decide_many(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Decide many applications at once; each is applied or refused on its own."""
    return service.decide_many(require_user(), data["items"])


@blp.post("/applications/<int:application_id>/endorsement")
@operation_id("endorse_application")
@login_required(Role.PREFECTURE_CONTACT)
@blp.response(200, schemas.ApplicationSchema)
def endorse(application_id: int) -> Application:
    """都道府県推薦: the recommending prefecture's contact endorses, within its quota."""
    application = service.visible(require_user(), application_id)
    endorsements.endorse(application, require_user())
    commit_versioned(application)
    return application


@blp.delete("/applications/<int:application_id>/endorsement")
@login_required(Role.PREFECTURE_CONTACT)
@blp.response(200, schemas.ApplicationSchema)
def withdraw_endorsement(application_id: int) -> Application:
    """Withdraw the prefecture's endorsement (its contact): the quota place is free again."""
    application = service.visible(require_user(), application_id)
    endorsements.withdraw_endorsement(application, require_user())
    commit_versioned(application)
    return application


@blp.get("/editions/<int:edition_id>/prefecture-quotas")
@operation_id("list_prefecture_quotas")
@login_required(Role.ORGANISER, Role.REVIEWER, Role.PREFECTURE_CONTACT)
@blp.response(200, schemas.QuotaSchema(many=True))
def list_quotas(edition_id: int) -> list[dict[str, int]]:
    """How many applications each prefecture may endorse for the edition, and has endorsed."""
    return endorsements.quotas(events.get_edition(edition_id, current_user()))


@blp.put("/editions/<int:edition_id>/prefecture-quotas/<int:prefecture_code>")
@operation_id("set_prefecture_quota")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.QuotaSchema)
@blp.response(200, schemas.QuotaSchema)
def set_quota(data: dict[str, Any], edition_id: int, prefecture_code: int) -> dict[str, int]:
    """How many applications a prefecture may endorse for this edition."""
    edition = events.get_edition(edition_id, current_user())
    try:
        code = japan.prefecture(prefecture_code).code
    except ValueError as exc:
        raise invalid(validator_error("prefecture_code", str(exc), "path")) from exc
    endorsements.set_quota(edition, code, data["max_endorsements"])
    db.session.commit()
    return next(q for q in endorsements.quotas(edition) if q["prefecture_code"] == code)


@blp.get("/applications/<int:application_id>/staff")
@operation_id("list_application_staff")
@login_required()
@blp.response(200, schemas.StaffSchema(many=True))
def list_staff(application_id: int) -> list[StaffMember]:
    """The staff registered for the application (future pass holders once it is approved)."""
    return staff.staff_of(service.visible(require_user(), application_id))


@blp.post("/applications/<int:application_id>/staff")
@operation_id("add_application_staff")
@login_required()
@blp.arguments(schemas.StaffSchema)
@blp.response(201, schemas.StaffSchema)
def add_staff(data: dict[str, Any], application_id: int) -> StaffMember:
    """Register a staff member (a future pass holder), up to the quota per booth unit."""
    application = service.own(require_user(), application_id)
    member = staff.add(application, data["name"], data.get("name_kana"), data["email"])
    db.session.commit()
    return member


@blp.delete("/applications/<int:application_id>/staff/<int:member_id>")
@operation_id("remove_application_staff")
@login_required()
@blp.response(204)
def remove_staff(application_id: int, member_id: int) -> None:
    """Remove a staff member (the organisation's members); their pass is revoked."""
    staff.remove(service.own(require_user(), application_id), member_id)
    db.session.commit()


@blp.get("/editions/<int:edition_id>/applications/export")
@operation_id("export_applications")
@login_required(Role.ORGANISER, Role.REVIEWER)
@blp.arguments(schemas.ExportArgs, location="query")
@blp.response(200, content_type="text/csv")
@blp.alt_response(
    200,
    description="Excel workbook",
    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    success=True,
)
def export(args: dict[str, Any], edition_id: int) -> Response:
    """Export an edition's submitted applications as CSV or Excel.

    CSV is UTF-8 with BOM. Every field (the series' own included) unless `fields` names some,
    headers and values in the account's language unless `lang` says otherwise.
    """
    edition = events.get_edition(edition_id, current_user())
    user = require_user()
    lang = args.pop("lang", None) or user.locale
    body, content_type, name = export_service.export(user, edition, args, lang)
    return spreadsheets.download(body, content_type, name)
