"""Exhibitors apply; organisers and reviewers review and decide."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from eventhub.accounts.auth import current_user, login_required, require_user
from eventhub.accounts.models import Role
from eventhub.applications import schemas, service
from eventhub.applications.models import Application, ApplicationTransition
from eventhub.events import service as events
from eventhub.extensions import db
from eventhub.locking import commit_versioned
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
    """Exhibitors see their organisations' applications; organisers and reviewers see all
    submitted ones."""
    return paginate(service.query(require_user(), args), args)


@blp.get("/applications/<int:application_id>")
@login_required()
@blp.response(200, schemas.ApplicationSchema)
def get_application(application_id: int) -> Application:
    return service.visible(require_user(), application_id)


@blp.patch("/applications/<int:application_id>")
@login_required()
@blp.arguments(schemas.ApplicationUpdateSchema(partial=True))
@blp.response(200, schemas.ApplicationSchema)
def update_application(data: dict[str, Any], application_id: int) -> Application:
    """Edit a draft, or amend a submitted application until its review starts."""
    application = service.update(service.own(require_user(), application_id), data)
    commit_versioned(application)
    return application


def _transition(action: Any, application: Application, data: dict[str, Any]) -> Application:
    action(application, require_user(), data)
    commit_versioned(application)
    return application


@blp.post("/applications/<int:application_id>/submit")
@login_required()
@blp.arguments(schemas.ReasonSchema)
@blp.response(200, schemas.ApplicationSchema)
def submit(data: dict[str, Any], application_id: int) -> Application:
    """Submit before the deadline; every required field of the form must be filled in."""
    application = service.own(require_user(), application_id)
    return _transition(service.submit, application, data)


@blp.post("/applications/<int:application_id>/withdraw")
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
@login_required(Role.ORGANISER, Role.REVIEWER)
@blp.arguments(schemas.DecisionSchema)
@blp.response(200, schemas.ApplicationSchema)
def decide(data: dict[str, Any], application_id: int) -> Application:
    """Approve, reject or waitlist. Send the version you read: of two reviewers deciding at
    once, the second gets 409 with the current version."""
    application = service.visible(require_user(), application_id)
    return _transition(service.decide, application, data)


@blp.get("/applications/<int:application_id>/history")
@login_required()
@blp.response(200, schemas.TransitionSchema(many=True))
def history(application_id: int) -> list[ApplicationTransition]:
    """Every transition: who, when, from, to and why."""
    return service.visible(require_user(), application_id).transitions
