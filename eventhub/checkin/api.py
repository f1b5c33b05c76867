"""Gate check-in: gates and devices (organisers), scanning and offline material (devices),
undo, search and manual check-in (gate staff), live figures, and exhibitors' lead scanning."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Response
from flask_smorest import Blueprint

from eventhub import links, spreadsheets
from eventhub.accounts.auth import current_user, is_organiser, login_required, require_user
from eventhub.accounts.models import Role
from eventhub.applications import service as applications
from eventhub.audit import service as audit
from eventhub.audit.actions import Action
from eventhub.checkin import figures, leads, pairing, scanning, schemas
from eventhub.checkin import service as gates
from eventhub.checkin.device_auth import current_device, device_required
from eventhub.checkin.models import GateDevice, Scan
from eventhub.db import utcnow
from eventhub.events import service as events
from eventhub.extensions import db
from eventhub.openapi import operation_id
from eventhub.pagination import page_of, paginate
from eventhub.passes import signing
from eventhub.passes.models import RevokedToken

blp = Blueprint("gates", __name__, url_prefix="/api/v1", description="Check-in")

#: Revocations per answer; a device asks again with next_since while ``more`` is true.
REVOCATIONS_PER_PAGE = 5000
_GATE_PEOPLE = (Role.GATE_STAFF, Role.ORGANISER)


# Gates and devices (organisers) --------------------------------------------------------------


@blp.post("/editions/<int:edition_id>/gates")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.GateSchema)
@blp.response(201, schemas.GateSchema)
def create_gate(data: dict[str, Any], edition_id: int) -> Any:
    """Add a gate (entrance) to an edition; 409 ``gate_exists`` for a name already used."""
    gate = gates.create_gate(events.get_edition(edition_id, current_user()), data)
    db.session.commit()
    return gate


@blp.get("/editions/<int:edition_id>/gates")
@login_required(*_GATE_PEOPLE)
@blp.arguments(schemas.PageOfGatesArgs, location="query")
@blp.response(200, page_of(schemas.GateSchema))
def list_gates(args: dict[str, Any], edition_id: int) -> dict[str, Any]:
    """The edition's gates (entrances), for organisers and its gate staff."""
    return paginate(gates.gates_query(gates.desk_edition(edition_id, current_user())), args)


@blp.post("/editions/<int:edition_id>/devices")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.DeviceSchema)
@blp.response(201, schemas.DeviceCreatedSchema)
def create_device(data: dict[str, Any], edition_id: int) -> dict[str, Any]:
    """Register a gate scanner (organisers).

    The answer carries its token (``ehd_…``) and a one-time pairing code (valid 30 minutes)
    for the gate scanner at ``/gate/``, shown this once only; pairing replaces the token.
    """
    device, token, code = gates.create_device(events.get_edition(edition_id, current_user()), data)
    db.session.commit()
    return {**_with_code(device, code), "token": token}


def _with_code(device: GateDevice, code: str) -> dict[str, Any]:
    base = links.base_url()
    fields = {name: getattr(device, name) for name in schemas.DeviceSchema().fields}
    return {**fields, "pairing_code": code, "pairing_url": pairing.pairing_url(base, code)}


@blp.patch("/devices/<int:device_id>")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.DeviceUpdateSchema)
@blp.response(200, schemas.DeviceSchema)
def update_device(data: dict[str, Any], device_id: int) -> GateDevice:
    """Change a device's name, gate or offline policy (organisers).

    The scanner reads them from ``/device/config``.
    """
    device = gates.update_device(gates.device_of(device_id, current_user()), data)
    db.session.commit()
    return device


@blp.post("/devices/<int:device_id>/pairing-code")
@login_required(Role.ORGANISER)
@blp.response(201, schemas.PairingCodeSchema)
def new_pairing_code(device_id: int) -> dict[str, Any]:
    """A new one-time pairing code for the device (valid 30 minutes).

    The device's token stops working at once: the scanner that held it is unpaired.
    """
    device = gates.device_of(device_id, current_user())
    code = pairing.issue_code(device, utcnow())
    db.session.commit()
    return _with_code(device, code)


@blp.get("/editions/<int:edition_id>/devices")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.PageOfGatesArgs, location="query")
@blp.response(200, page_of(schemas.DeviceSchema))
def list_devices(args: dict[str, Any], edition_id: int) -> dict[str, Any]:
    """The edition's scanners with their gates and state (organisers)."""
    return paginate(gates.devices_query(events.get_edition(edition_id, current_user())), args)


@blp.post("/devices/<int:device_id>/revoke")
@login_required(Role.ORGANISER)
@blp.response(200, schemas.DeviceSchema)
def revoke_device(device_id: int) -> GateDevice:
    """The device's token stops working (within a few seconds on every server process)."""
    device = gates.revoke_device(device_id)
    db.session.commit()
    return device


# Devices -------------------------------------------------------------------------------------


def _scanner() -> scanning.Scanner:
    device = current_device()
    return scanning.Scanner(device.edition_id, device.id, device.gate_id)


@blp.post("/device/scans")
@operation_id("scan_pass")
@device_required
# An instance, not the class: webargs would build a new schema for every scan.
@blp.arguments(schemas.ScanRequestSchema())
@blp.response(200, schemas.ScanOutcomeSchema)
def scan(data: dict[str, Any]) -> dict[str, Any]:
    """Scan a pass at the device's gate. A refusal is still 200: ``result`` says which.

    Sending the same ``nonce`` again answers as the first time and changes nothing.
    """
    at = data["scanned_at"] or utcnow()
    outcome = gates.scan(_scanner(), data["token"], data["direction"], at, data["nonce"])
    return outcome.as_dict()


@blp.post("/device/scans/batch")
@operation_id("upload_scan_batch")
@device_required
@blp.arguments(schemas.BatchRequestSchema())
@blp.response(200, schemas.BatchResultSchema)
def scan_batch(data: dict[str, Any]) -> dict[str, Any]:
    """Upload scans made offline (the device's token).

    Each is applied once, oldest first, however often the batch is sent; the answer says
    what each became, in the order sent.
    """
    return {"scans": gates.scan_batch(_scanner(), data["scans"], utcnow())}


@blp.post("/device/pair")
@operation_id("pair_device")
@blp.arguments(schemas.PairRequestSchema)
@blp.response(201, schemas.PairedSchema)
def pair(data: dict[str, Any]) -> dict[str, Any]:
    """Exchange a one-time pairing code for the device's token.

    No other credential: the code is one. 422 ``pairing_code_invalid`` on ``code`` for a
    wrong, used or expired code.
    """
    device, token = pairing.pair(data["code"], utcnow())
    db.session.commit()
    return {
        "token": token,
        "device_id": device.id,
        "edition_id": device.edition_id,
        "gate_id": device.gate_id,
        "name": device.name,
    }


@blp.get("/device/config")
@operation_id("get_device_config")
@device_required
@blp.response(200, schemas.DeviceConfigSchema)
def device_config() -> dict[str, Any]:
    """The device's configuration: gate, offline policy and the edition's rules.

    The device's gate and offline policy, the edition's days and the rules a scanner applies
    when it decides alone (re-entry, undo window, token version).
    """
    return gates.device_config(current_device(), utcnow())


@blp.post("/device/scans/<int(max=9223372036854775807):scan_id>/undo")
@operation_id("undo_device_scan")
@device_required
@blp.response(200, schemas.ScanRecordSchema)
def device_undo(scan_id: int) -> Scan:
    """Undo one of this device's own scans within the undo window (see ``/scans/{id}/undo``)."""
    return gates.undo(scan_id, None, current_device())


@blp.get("/device/keys")
@operation_id("get_device_keys")
@device_required
@blp.response(200, schemas.JwksSchema)
def device_keys() -> dict[str, Any]:
    """The edition's public keys (JWKS), to verify passes while offline."""
    return signing.jwks(current_device().edition_id)


@blp.get("/device/revocations")
@operation_id("list_device_revocations")
@device_required
@blp.arguments(schemas.RevocationArgs, location="query")
@blp.response(200, schemas.RevocationListSchema)
def device_revocations(args: dict[str, Any]) -> dict[str, Any]:
    """Revoked (pass, serial) pairs after ``since``, oldest first, to refuse them offline."""
    rows = db.session.execute(
        sa.select(RevokedToken.id, RevokedToken.pass_id, RevokedToken.serial)
        .where(
            RevokedToken.edition_id == current_device().edition_id,
            RevokedToken.id > args["since"],
        )
        .order_by(RevokedToken.id)
        .limit(REVOCATIONS_PER_PAGE + 1)
    ).all()
    more = len(rows) > REVOCATIONS_PER_PAGE
    rows = rows[:REVOCATIONS_PER_PAGE]
    return {
        "items": [row._asdict() for row in rows],
        "next_since": rows[-1].id if rows else args["since"],
        "more": more,
    }


# Gate staff ----------------------------------------------------------------------------------


@blp.post("/scans/<int(max=9223372036854775807):scan_id>/undo")  # bigint ids
@login_required(*_GATE_PEOPLE)
@blp.response(200, schemas.ScanRecordSchema)
def undo_scan(scan_id: int) -> Scan:
    """Undo a wrong admission or exit within 2 minutes.

    409 ``undo_window_passed`` after, ``already_undone``, ``nothing_to_undo``, or
    ``presence_changed`` if scanned since.
    """
    return gates.undo(scan_id, require_user())


@blp.get("/editions/<int:edition_id>/checkin/search")
@operation_id("search_checkin")
@login_required(*_GATE_PEOPLE)
@blp.arguments(schemas.SearchArgs, location="query")
@blp.response(200, schemas.SearchHitSchema(many=True))
def search(args: dict[str, Any], edition_id: int) -> list[dict[str, Any]]:
    """Find a pass by the holder's name, furigana (hiragana or katakana) or email.

    Gate staff (of this edition only: 403 for others) see each holder's email masked
    (``email_masked``, ``holder_email`` null); organisers see it in full.
    """
    user = current_user()
    edition = gates.desk_edition(edition_id, user)
    return gates.search(edition, args["q"], args["limit"], full=is_organiser(user))


@blp.post("/editions/<int:edition_id>/checkin/manual")
@login_required(*_GATE_PEOPLE)
@blp.arguments(schemas.ManualCheckinSchema)
@blp.response(200, schemas.ScanOutcomeSchema)
def manual_checkin(data: dict[str, Any], edition_id: int) -> dict[str, Any]:
    """Check a pass in or out without its code, under the same rules as a scan."""
    edition = gates.desk_edition(edition_id, current_user())
    return gates.manual_checkin(edition, data, require_user()).as_dict()


@blp.get("/editions/<int:edition_id>/figures")
@operation_id("get_live_figures")
@login_required(*_GATE_PEOPLE)
@blp.arguments(schemas.FiguresArgs, location="query")
@blp.response(200, schemas.FiguresSchema)
def live_figures(args: dict[str, Any], edition_id: int) -> dict[str, Any]:
    """Inside now, and the day's entries by gate, hour and attendee type."""
    return figures.figures(gates.desk_edition(edition_id, current_user()), args["day"])


# Leads ----------------------------------------------------------------------------------------


@blp.post("/applications/<int:application_id>/leads")
@login_required()
@blp.arguments(schemas.LeadSchema)
@blp.response(201, schemas.LeadOutSchema)
def scan_lead(data: dict[str, Any], application_id: int) -> leads.ScannedLead:
    """Scan a visitor's pass at the booth (the organisation's members).

    Only visitors who consented can be scanned, and a second scan of the same visitor
    updates the lead.
    """
    application = applications.own(require_user(), application_id)
    lead = leads.record(application, require_user(), data)
    db.session.commit()
    return lead


@blp.get("/applications/<int:application_id>/leads")
@operation_id("list_application_leads")
@login_required()
@blp.response(200, schemas.LeadOutSchema(many=True))
def list_leads(application_id: int) -> list[leads.ScannedLead]:
    """The visitors scanned at the application's booth, oldest first (its members)."""
    return leads.leads_of(applications.own(require_user(), application_id))


@blp.get("/applications/<int:application_id>/leads.csv")
@operation_id("export_application_leads")
@login_required()
@blp.response(200, content_type="text/csv")
def leads_csv(application_id: int) -> Response:
    """The leads as CSV (UTF-8 with BOM, Japanese headers) for Excel."""
    application = applications.own(require_user(), application_id)
    body = leads.to_csv(leads.leads_of(application), application.edition.timezone)
    audit.record_now(
        Action.LEADS_EXPORTED,
        target=("application", application.id),
        edition_id=application.edition_id,
    )
    return spreadsheets.download(body, spreadsheets.CSV, f"leads-{application.id}.csv")
