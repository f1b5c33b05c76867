"""Organisers' pages for an edition's gates and gate devices (scanners).

A new device, and a device given a new pairing code, opens a page with the one-time pairing
code and its QR code, which gate staff scan with the scanner at ``/gate/``. The code is
stored hashed, so this page is the only time it is shown. Each form is validated by the API's
schema and calls the API's service.
"""

from __future__ import annotations

import base64
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext

from eventhub import links
from eventhub.accounts.models import Role
from eventhub.checkin import pairing, schemas
from eventhub.checkin import service as gates
from eventhub.checkin.models import GateDevice, OfflinePolicy
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.events import service as events
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.messages import N_
from eventhub.passes import qr
from eventhub.web.auth import page_login_required, signed_in_user
from eventhub.web.forms import Form, error_text

bp = Blueprint("gate_pages", __name__, url_prefix="/organiser")

#: How each offline policy reads on the pages.
POLICY_LABELS = {
    OfflinePolicy.AUTO.value: N_("Automatic: decides offline when the server does not answer"),
    OfflinePolicy.MANUAL.value: N_("Manual: decides offline only when gate staff switch"),
    OfflinePolicy.NEVER.value: N_("Never: only the server decides"),
}


def _policy_choices() -> list[tuple[str, str]]:
    return [(value, gettext(label)) for value, label in POLICY_LABELS.items()]


def _forms(gate_form: Form | None = None, device_form: Form | None = None) -> dict[str, Any]:
    return {
        "gate_form": gate_form or Form(schemas.GateSchema()),
        "device_form": device_form
        or Form(schemas.DeviceSchema(), {"offline_policy": OfflinePolicy.AUTO.value}),
    }


def _devices_page(edition: Edition, status: int = 200, **forms: Form) -> Any:
    gate_list = list(db.session.scalars(gates.gates_query(edition)))
    devices = list(db.session.scalars(gates.devices_query(edition)))
    gate_names = {gate.id: gate for gate in gate_list}
    page = render_template(
        "checkin/devices.html",
        edition=edition,
        gates=gate_list,
        gate_names=gate_names,
        devices=devices,
        policy_choices=_policy_choices(),
        policy_labels=POLICY_LABELS,
        policy_forms={device.id: _policy_form(device) for device in devices},
        now=utcnow(),
        **_forms(**forms),
    )
    return page, status


def _policy_form(device: GateDevice) -> Form:
    return Form(schemas.DeviceUpdateSchema(), {"offline_policy": device.offline_policy})


def _pairing_page(device: GateDevice, code: str) -> Any:
    edition = db.session.get(Edition, device.edition_id)
    url = pairing.pairing_url(links.base_url(), code)
    svg = base64.b64encode(qr.render_svg(url)).decode("ascii")
    return render_template(
        "checkin/pairing.html",
        edition=edition,
        device=device,
        code=code,
        pairing_url=url,
        qr_data_uri=f"data:image/svg+xml;base64,{svg}",
    )


@bp.get("/editions/<int:edition_id>/gates")
@page_login_required(Role.ORGANISER)
def devices(edition_id: int) -> Any:
    return _devices_page(events.get_edition(edition_id, signed_in_user()))


@bp.post("/editions/<int:edition_id>/gates")
@page_login_required(Role.ORGANISER)
def create_gate(edition_id: int) -> Any:
    edition = events.get_edition(edition_id, signed_in_user())
    form = Form(schemas.GateSchema())
    if form.validate():
        try:
            gate = gates.create_gate(edition, form.data)
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
        else:
            db.session.commit()
            flash(gettext("Gate %(name)s added.", name=gate.name_ja), "info")
            return redirect(url_for(".devices", edition_id=edition.id))
    return _devices_page(edition, 422, gate_form=form)


@bp.post("/editions/<int:edition_id>/devices")
@page_login_required(Role.ORGANISER)
def create_device(edition_id: int) -> Any:
    edition = events.get_edition(edition_id, signed_in_user())
    form = Form(schemas.DeviceSchema())
    if form.validate():
        try:
            device, _token, code = gates.create_device(edition, form.data)
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
        else:
            db.session.commit()
            return _pairing_page(device, code)
    return _devices_page(edition, 422, device_form=form)


@bp.post("/devices/<int:device_id>/pairing-code")
@page_login_required(Role.ORGANISER)
def pairing_code(device_id: int) -> Any:
    device = gates.device_of(device_id, signed_in_user())
    try:
        code = pairing.issue_code(device, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(error_text(error), "error")
        return redirect(url_for(".devices", edition_id=device.edition_id))
    db.session.commit()
    return _pairing_page(device, code)


@bp.post("/devices/<int:device_id>/revoke")
@page_login_required(Role.ORGANISER)
def revoke(device_id: int) -> Any:
    device = gates.device_of(device_id, signed_in_user())
    gates.revoke_device(device.id)
    db.session.commit()
    flash(gettext("Device %(name)s revoked: its scanner stops working.", name=device.name), "info")
    return redirect(url_for(".devices", edition_id=device.edition_id))


@bp.post("/devices/<int:device_id>/policy")
@page_login_required(Role.ORGANISER)
def update_policy(device_id: int) -> Any:
    device = gates.device_of(device_id, signed_in_user())
    form = Form(schemas.DeviceUpdateSchema())
    if form.validate():
        gates.update_device(device, form.data)
        db.session.commit()
        flash(gettext("Offline policy of %(name)s saved.", name=device.name), "info")
        return redirect(url_for(".devices", edition_id=device.edition_id))
    edition = db.session.get(Edition, device.edition_id)
    assert edition is not None
    flash(" ".join(message for messages in form.errors.values() for message in messages), "error")
    return _devices_page(edition, 422)
