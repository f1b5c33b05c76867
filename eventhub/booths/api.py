"""Booths: organisers lay out an edition's floor plan and give booths to approved applications;
an exhibitor sees the booths its application holds."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from eventhub import openapi
from eventhub.accounts.auth import current_user, login_required, require_user
from eventhub.accounts.models import Role
from eventhub.applications import service as applications
from eventhub.booths import allocation, schemas, service
from eventhub.booths.models import Booth, BoothAllocation
from eventhub.events import service as events
from eventhub.extensions import db
from eventhub.locking import commit_versioned
from eventhub.openapi import operation_id
from eventhub.pagination import page_of, paginate

blp = Blueprint("booths", __name__, url_prefix="/api/v1", description="Booths and their allocation")


@blp.post("/editions/<int:edition_id>/booths")
@login_required(Role.ORGANISER)
@blp.arguments(
    schemas.BoothCreateSchema,
    description="One booth, or a JSON array of booths (created all together, or none)",
)
@blp.response(201, schemas.BoothCreateSchema)
@openapi.one_or_many()
def create_booths(data: dict[str, Any] | list[dict[str, Any]], edition_id: int) -> Any:
    """Create one booth, or send a list to create many at once (all or none).

    A list is answered with a list. Codes are unique within the edition: 409
    ``booth_code_exists``; the booths' units may not exceed the edition's booth capacity.
    """
    edition = events.get_edition(edition_id, current_user())
    booths = service.create_booths(edition, data if isinstance(data, list) else [data])
    db.session.commit()
    return booths if isinstance(data, list) else booths[0]


@blp.get("/editions/<int:edition_id>/booths")
@login_required(Role.ORGANISER, Role.REVIEWER)
@blp.arguments(schemas.BoothListArgs, location="query")
@blp.response(200, page_of(schemas.BoothSchema))
def list_booths(args: dict[str, Any], edition_id: int) -> dict[str, Any]:
    """The floor plan by zone and code, with the application each booth is given to."""
    edition = events.get_edition(edition_id, current_user())
    return paginate(service.booths_query(edition, args), args)


@blp.get("/editions/<int:edition_id>/booths/<int:booth_id>")
@login_required(Role.ORGANISER, Role.REVIEWER)
@blp.response(200, schemas.BoothSchema)
def get_booth(edition_id: int, booth_id: int) -> Booth:
    """One booth of the floor plan (organisers and reviewers)."""
    return service.get_booth(events.get_edition(edition_id, current_user()), booth_id)


@blp.patch("/editions/<int:edition_id>/booths/<int:booth_id>")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.BoothUpdateSchema(partial=True))
@blp.response(200, schemas.BoothSchema)
def update_booth(data: dict[str, Any], edition_id: int, booth_id: int) -> Booth:
    """Change a booth (organisers).

    While it is allocated only its note may change (409 ``booth_allocated``).
    """
    edition = events.get_edition(edition_id, current_user())
    booth = service.update_booth(service.get_booth(edition, booth_id, lock=True), data)
    commit_versioned(booth)
    return booth


@blp.delete("/editions/<int:edition_id>/booths/<int:booth_id>")
@login_required(Role.ORGANISER)
@blp.response(204)
def delete_booth(edition_id: int, booth_id: int) -> None:
    """Delete a booth that is not allocated (409 ``booth_allocated`` otherwise)."""
    edition = events.get_edition(edition_id, current_user())
    service.delete_booth(service.get_booth(edition, booth_id, lock=True))
    db.session.commit()


@blp.post("/editions/<int:edition_id>/booth-proposal")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.BoothProposalArgsSchema)
@blp.response(200, schemas.BoothProposalSchema)
def propose_booths(data: dict[str, Any], edition_id: int) -> dict[str, Any]:
    """Propose booths for the approved applications that have none.

    Grouped by prefecture or category so that a group's members are neighbours;
    ``apply: true`` allocates them.

    Each application gets booths adding up to its requested units where the free booths allow,
    never more; those that get none are listed as unplaced, with the reason.
    """
    edition = events.get_edition(edition_id, current_user())
    result = allocation.propose(edition, data["group_by"], apply=data["apply"], user=require_user())
    db.session.commit()
    return result


@blp.get("/applications/<int:application_id>/booths")
@login_required()
@blp.response(200, schemas.ApplicationBoothSchema(many=True))
def list_application_booths(application_id: int) -> list[BoothAllocation]:
    """The booths given to an application, for its organisation's members and reviewers."""
    return allocation.allocations_of(applications.visible(require_user(), application_id))


@blp.post("/applications/<int:application_id>/booths")
@operation_id("allocate_booth")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.BoothAllocateSchema)
@blp.response(201, schemas.ApplicationBoothSchema)
def allocate(data: dict[str, Any], application_id: int) -> BoothAllocation:
    """Give a booth of the edition to an approved application.

    409 ``booth_taken`` when the booth is already given (also to the loser of a race),
    ``over_requested_size`` when the application's booths would exceed its requested units,
    ``not_approved`` when the application is not approved.
    """
    user = require_user()
    applications.visible(user, application_id)
    given = allocation.allocate(application_id, data["booth_id"], user)
    db.session.commit()
    return given


@blp.delete("/applications/<int:application_id>/booths/<int:booth_id>")
@operation_id("unallocate_booth")
@login_required(Role.ORGANISER)
@blp.response(204)
def unallocate(application_id: int, booth_id: int) -> None:
    """Take a booth back from an application."""
    allocation.unallocate(applications.visible(require_user(), application_id), booth_id)
    db.session.commit()
