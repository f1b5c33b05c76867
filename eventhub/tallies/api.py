"""Live tallies for organisers, full recomputes on demand, online participation and deals."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_smorest import Blueprint

from eventhub import tasks
from eventhub.accounts.auth import current_user, login_required, require_user
from eventhub.accounts.models import Role
from eventhub.events import service as events
from eventhub.extensions import db
from eventhub.openapi import operation_id
from eventhub.pagination import page_of, paginate
from eventhub.tallies import records, schemas, service
from eventhub.tallies.models import Deal, EditionTally

blp = Blueprint(
    "tallies", __name__, url_prefix="/api/v1", description="Attendance tallies and results"
)


@blp.get("/editions/<int:edition_id>/tallies")
@operation_id("get_tallies")
@login_required(Role.ORGANISER)
@blp.response(200, schemas.LiveTalliesSchema)
def live(edition_id: int) -> dict[str, Any]:
    """The edition's tallies, as last counted.

    Workers follow the scans every 30 s while the edition runs. Also how many scans are not
    counted yet, and any full recompute under way.
    """
    return service.live(events.get_edition(edition_id, current_user()))


def _recompute_state(tally: EditionTally) -> dict[str, Any]:
    return {
        "edition_id": tally.edition_id,
        "state": "queued" if tally.full_requested_at is not None else "done",
        "requested_at": tally.full_requested_at,
        "full_computed_at": tally.full_computed_at,
        "poll": url_for("tallies.recompute_state", edition_id=tally.edition_id),
    }


@blp.post("/editions/<int:edition_id>/tallies/recompute")
@operation_id("recompute_tallies")
@login_required(Role.ORGANISER)
@blp.response(202, schemas.RecomputeSchema)
def recompute(edition_id: int) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Count every scan afresh in a worker; poll the ``Location`` until ``state`` is done."""
    tally = service.request_full(events.get_edition(edition_id, current_user()))
    db.session.commit()
    # Eager mode (no broker) has run the task by now: answer with what is true after it.
    db.session.refresh(tally)
    state = _recompute_state(tally)
    return state, 202, {"Location": state["poll"]}


@blp.get("/editions/<int:edition_id>/tallies/recompute")
@operation_id("get_tallies_recompute")
@login_required(Role.ORGANISER)
@blp.response(200, schemas.RecomputeSchema)
def recompute_state(edition_id: int) -> dict[str, Any]:
    """The state of the edition's last full recompute of its tallies (organisers)."""
    edition = events.get_edition(edition_id, current_user())
    tally = service.stored(edition.id)
    if tally is None:
        tally = EditionTally(edition_id=edition.id)
    return _recompute_state(tally)


@blp.post("/editions/<int:edition_id>/online-participations")
@operation_id("record_online_participation")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.ParticipationBatchSchema)
@blp.response(200, schemas.ParticipationResultSchema)
def record_participation(data: dict[str, Any], edition_id: int) -> dict[str, int]:
    """Record attendees who took part online (organisers).

    From the organiser or the streaming platform's export, one per attendee and day; 409
    ``edition_not_online`` for an in-person edition.
    """
    edition = events.get_edition(edition_id, current_user())
    result = records.record_participation(edition, data)
    tasks.enqueue(service.INCREMENTAL_TASK, edition.id)
    db.session.commit()
    return result


@blp.post("/editions/<int:edition_id>/deals")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.DealSchema)
@blp.response(201, schemas.DealSchema)
def record_deal(data: dict[str, Any], edition_id: int) -> Deal:
    """成約: one per lead or booking; 409 ``deal_exists`` for a second one."""
    edition = events.get_edition(edition_id, current_user())
    deal = records.record_deal(edition, data, require_user())
    tasks.enqueue(service.INCREMENTAL_TASK, edition.id)
    db.session.commit()
    return deal


@blp.get("/editions/<int:edition_id>/deals")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.DealListArgs, location="query")
@blp.response(200, page_of(schemas.DealSchema))
def list_deals(args: dict[str, Any], edition_id: int) -> dict[str, Any]:
    """The edition's recorded deals (成約), oldest first (organisers)."""
    return paginate(records.deals_query(events.get_edition(edition_id, current_user())), args)


@blp.delete("/editions/<int:edition_id>/deals/<int:deal_id>")
@login_required(Role.ORGANISER)
@blp.response(204)
def delete_deal(edition_id: int, deal_id: int) -> None:
    """Remove a deal recorded by mistake."""
    records.delete_deal(events.get_edition(edition_id, current_user()), deal_id)
    tasks.enqueue(service.INCREMENTAL_TASK, edition_id)
    db.session.commit()
