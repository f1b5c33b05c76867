"""The booth map of an edition: its floor plan drawn from the booths, allocation by clicking a
booth (or with the list's forms without JavaScript), and the grouped proposal, previewed on
the map and applied. Every action calls the same services, with the same schemas, as the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from eventhub.accounts.models import Role, User
from eventhub.applications import service as applications
from eventhub.applications.models import Application, ApplicationStatus
from eventhub.booths import allocation, schemas, service
from eventhub.booths.models import Booth
from eventhub.booths.proposal import natural_key
from eventhub.errors import DomainError, not_found
from eventhub.events import service as events
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.messages import N_
from eventhub.statuses import STATUS
from eventhub.web.auth import page_login_required, signed_in_user
from eventhub.web.forms import Form

bp = Blueprint("booth_pages", __name__)

#: The map's geometry, in SVG user units: one booth unit (小間) is UNIT wide.
UNIT = 96
HEIGHT = 64
GAP = 8
ROW_WIDTH = 960
ZONE_LABEL = 30

UNPLACED_REASONS = {
    "no_free_booth": N_("No free booth is left."),
    "no_booth_small_enough": N_("No free booth is small enough."),
    "no_requested_units": N_("The application requests no booth units."),
}


@dataclass
class BoothBox:
    booth: Booth
    x: int
    y: int
    width: int
    #: free, allocated or proposed (in a previewed proposal)
    state: str = "free"
    holder: str = ""

    @property
    def label_x(self) -> int:
        return self.x + 6

    @property
    def fits(self) -> int:
        """How many characters of the holder's name fit in the booth (12-unit glyphs)."""
        return max((self.width - 12) // 12, 2)


@dataclass
class Zone:
    name: str
    y: int
    boxes: list[BoothBox] = field(default_factory=list)


@dataclass
class FloorPlan:
    zones: list[Zone]
    width: int
    height: int


def floor_plan(booths: list[Booth], proposed: dict[int, str] | None = None) -> FloorPlan:
    """Booths laid out zone by zone, in the order the proposal reads the floor (zone, then
    code in natural order), each as wide as its units, wrapping to a new row when full."""
    proposed = proposed or {}
    ordered = sorted(booths, key=lambda b: (natural_key(b.zone), natural_key(b.code), b.id))
    zones: list[Zone] = []
    y = 0
    for booth in ordered:
        if not zones or zones[-1].name != booth.zone:
            if zones:
                y += HEIGHT + GAP * 3
            zones.append(Zone(booth.zone, y))
            y += ZONE_LABEL
            x = 0
        width = UNIT * min(booth.units, ROW_WIDTH // UNIT) - GAP
        if x and x + width > ROW_WIDTH:
            x = 0
            y += HEIGHT + GAP
        box = BoothBox(booth, x, y, width)
        if booth.allocation is not None:
            box.state, box.holder = "allocated", booth.allocation.organisation_name
        elif booth.id in proposed:
            box.state, box.holder = "proposed", proposed[booth.id]
        zones[-1].boxes.append(box)
        x += width + GAP
    height = y + HEIGHT if zones else 0
    return FloorPlan(zones, ROW_WIDTH, height)


def _edition(edition_id: int) -> Edition:
    return events.get_edition(edition_id, signed_in_user())


def _approved(user: User, edition: Edition) -> list[Application]:
    query = {"edition_id": edition.id, "status": ApplicationStatus.APPROVED, "sort": "id"}
    return list(db.session.scalars(applications.query(user, query)).unique())


def _render(
    edition: Edition,
    *,
    status: int = 200,
    allocate_form: Form | None = None,
    proposal_form: Form | None = None,
    booth_form: Form | None = None,
    proposal: dict[str, Any] | None = None,
) -> Any:
    user = signed_in_user()
    booths = list(db.session.scalars(service.booths_query(edition, {})))
    proposed = {
        booth.id: placement["organisation_name"]
        for placement in (proposal or {}).get("placements", [])
        for booth in placement["booths"]
    }
    held: dict[int, int] = {}
    for booth in booths:
        if booth.allocation is not None:
            application_id = booth.allocation.application_id
            held[application_id] = held.get(application_id, 0) + booth.units
    approved = _approved(user, edition)
    waiting = [a for a in approved if held.get(a.id, 0) < (a.booth_units or 0)]
    return (
        render_template(
            "organiser/booths_floor.html",
            edition=edition,
            plan=floor_plan(booths, proposed),
            booths=booths,
            approved=approved,
            waiting=waiting,
            held=held,
            can_allocate=user.has_role(Role.ORGANISER),
            allocate_form=allocate_form or Form(schemas.BoothAllocateSchema()),
            proposal_form=proposal_form
            or Form(schemas.BoothProposalArgsSchema(), {"group_by": "prefecture"}),
            booth_form=booth_form or Form(schemas.BoothCreateSchema(), {"units": 1}),
            proposal=proposal,
            unplaced_reasons=UNPLACED_REASONS,
        ),
        status,
    )


def _status_of(error: DomainError) -> int:
    return STATUS.get(error.code, 422)


@bp.get("/organiser/editions/<int:edition_id>/booths")
@page_login_required(Role.ORGANISER, Role.REVIEWER)
def floor(edition_id: int) -> Any:
    return _render(_edition(edition_id))


def _application_id(form: Form) -> int | None:
    raw = request.form.get("application_id", "").strip()
    if raw.isdigit() and 0 < int(raw) < 2**31:
        return int(raw)
    form.add_error("application_id", gettext("Choose the application to give the booth to."))
    return None


@bp.post("/organiser/editions/<int:edition_id>/booths/allocate")
@page_login_required(Role.ORGANISER)
def allocate(edition_id: int) -> Any:
    """Give a booth to an approved application (POST /applications/{id}/booths)."""
    edition = _edition(edition_id)
    user = signed_in_user()
    form = Form(schemas.BoothAllocateSchema())
    application_id = _application_id(form)
    if form.validate() and application_id is not None:
        try:
            application = applications.visible(user, application_id)
            if application.edition_id != edition.id:
                raise not_found("application")
            given = allocation.allocate(application.id, form.data["booth_id"], user)
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
            return _render(edition, status=_status_of(error), allocate_form=form)
        code, name = given.booth.code, given.organisation_name
        db.session.commit()
        flash(gettext("Booth %(code)s is allocated to %(name)s.", code=code, name=name), "success")
        return redirect(url_for(".floor", edition_id=edition.id))
    return _render(edition, status=422, allocate_form=form)


@bp.post("/organiser/editions/<int:edition_id>/booths/<int:booth_id>/release")
@page_login_required(Role.ORGANISER)
def release(edition_id: int, booth_id: int) -> Any:
    """Take a booth back from the application it is given to."""
    edition = _edition(edition_id)
    booth = service.get_booth(edition, booth_id)
    if booth.allocation is None:
        raise not_found("booth_allocation")
    application = applications.visible(signed_in_user(), booth.allocation.application_id)
    code = booth.code
    allocation.unallocate(application, booth.id)
    db.session.commit()
    flash(gettext("Booth %(code)s is free again.", code=code), "success")
    return redirect(url_for(".floor", edition_id=edition.id))


@bp.post("/organiser/editions/<int:edition_id>/booths/proposal")
@page_login_required(Role.ORGANISER)
def proposal(edition_id: int) -> Any:
    """Preview the grouped proposal on the map, or apply it (POST /booth-proposal)."""
    edition = _edition(edition_id)
    form = Form(schemas.BoothProposalArgsSchema())
    if not form.validate():
        return _render(edition, status=422, proposal_form=form)
    try:
        result = allocation.propose(
            edition, form.data["group_by"], apply=form.data["apply"], user=signed_in_user()
        )
    except DomainError as error:
        db.session.rollback()
        form.fail(error)
        return _render(edition, status=_status_of(error), proposal_form=form)
    if not form.data["apply"]:
        db.session.rollback()
        return _render(edition, proposal_form=form, proposal=result)
    db.session.commit()
    placed = len(result["placements"])
    left = len(result["unplaced"])
    flash(
        gettext(
            "The proposal is applied: %(placed)s applications got booths, %(left)s did not.",
            placed=placed,
            left=left,
        ),
        "success",
    )
    return redirect(url_for(".floor", edition_id=edition.id))


@bp.post("/organiser/editions/<int:edition_id>/booths/new")
@page_login_required(Role.ORGANISER)
def create(edition_id: int) -> Any:
    """Add a booth to the floor plan (POST /editions/{id}/booths)."""
    edition = _edition(edition_id)
    form = Form(schemas.BoothCreateSchema())
    if form.validate():
        try:
            booths = service.create_booths(edition, [form.data])
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
            return _render(edition, status=_status_of(error), booth_form=form)
        code = booths[0].code
        db.session.commit()
        flash(gettext("Booth %(code)s is added.", code=code), "success")
        return redirect(url_for(".floor", edition_id=edition.id))
    return _render(edition, status=422, booth_form=form)
