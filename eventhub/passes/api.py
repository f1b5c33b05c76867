"""Attendee registration, passes and their private links."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from eventhub.accounts.auth import current_user, login_required, optional_login
from eventhub.accounts.models import Role
from eventhub.events import service as events
from eventhub.extensions import db
from eventhub.openapi import operation_id
from eventhub.pagination import page_of, paginate
from eventhub.passes import issuing, pdf, printable, schemas, service
from eventhub.passes.models import Pass, PassSettings

blp = Blueprint("passes", __name__, url_prefix="/api/v1", description="Passes")


# Registration --------------------------------------------------------------------------------


@blp.post("/editions/<int:edition_id>/registrations")
@operation_id("create_registration")
@optional_login
@blp.arguments(schemas.RegistrationSchema)
@blp.response(201, schemas.RegistrationOutSchema)
def register(data: dict[str, Any], edition_id: int) -> service.Registered:
    """来場事前登録: anyone registers; the pass follows by mail once it is issued."""
    edition = events.get_edition(edition_id, current_user())
    registered = service.register(edition, data)
    db.session.commit()
    return registered


@blp.get("/editions/<int:edition_id>/registrations")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.RegistrationListArgs, location="query")
@blp.response(200, page_of(schemas.RegistrationOutSchema))
def list_registrations(args: dict[str, Any], edition_id: int) -> dict[str, Any]:
    """The edition's attendee registrations with their passes (organisers)."""
    edition = events.get_edition(edition_id, current_user())
    page = paginate(service.registrations_query(edition, args), args)
    page["items"] = service.with_passes(page["items"])
    return page


@blp.get("/editions/<int:edition_id>/pass-settings")
@operation_id("get_pass_settings")
@login_required(Role.ORGANISER)
@blp.response(200, schemas.PassSettingsSchema)
def get_settings(edition_id: int) -> PassSettings:
    """The edition's pass capacities and gate rules (organisers)."""
    return service.settings_of(events.get_edition(edition_id, current_user()).id)


@blp.put("/editions/<int:edition_id>/pass-settings")
@operation_id("set_pass_settings")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.PassSettingsSchema)
@blp.response(200, schemas.PassSettingsSchema)
def put_settings(data: dict[str, Any], edition_id: int) -> PassSettings:
    """Capacities (null: no limit) and the gates' rules; a type not named has no own limit."""
    settings = service.put_settings(events.get_edition(edition_id, current_user()), data)
    db.session.commit()
    return settings


# Bulk issuing ---------------------------------------------------------------------------------


@blp.post("/editions/<int:edition_id>/passes/issue-all")
@operation_id("issue_all_passes")
@login_required(Role.ORGANISER)
@blp.response(202, schemas.ProgressSchema)
def issue_all(edition_id: int) -> dict[str, int]:
    """Issue every missing pass of the edition (organisers).

    Creates every missing pass (registrations, approved exhibitors' staff) and queues the
    pending ones; follow the workers with the progress endpoint.
    """
    result = service.issue_all(events.get_edition(edition_id, current_user()))
    db.session.commit()
    return result


@blp.get("/editions/<int:edition_id>/passes/progress")
@operation_id("get_pass_progress")
@login_required(Role.ORGANISER)
@blp.response(200, schemas.ProgressSchema)
def progress(edition_id: int) -> dict[str, int]:
    """How many of the edition's passes are issued, pending or revoked (organisers)."""
    return service.progress(events.get_edition(edition_id, current_user()).id)


# One pass -----------------------------------------------------------------------------------


@blp.get("/passes/<int:pass_id>")
@blp.doc(security=schemas.PASS_KEY_SECURITY)
@optional_login
@blp.arguments(schemas.KeyArgs, location="query")
@blp.response(200, schemas.PassSchema)
def get_pass(args: dict[str, Any], pass_id: int) -> Pass:
    """For organisers, or for the holder with the key from the pass mail."""
    return service.pass_for(pass_id, current_user(), args.get("key"))


def _image(pass_id: int, key: str | None, suffix: str) -> Response:
    pass_ = service.issued(service.pass_for(pass_id, current_user(), key))
    if suffix == "png":
        body: bytes | str | None = pass_.qr_png
        mimetype = "image/png"
    else:
        body, mimetype = pass_.qr_svg, "image/svg+xml"
    response = Response(body, mimetype=mimetype)
    # A private link: keep it out of shared caches; the image changes only with the serial.
    response.headers["Cache-Control"] = "private, max-age=3600"
    # The URL alone does not say whose image this is when the key came in a header.
    response.headers["Vary"] = f"Authorization, {schemas.PASS_KEY_HEADER}"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@blp.get("/passes/<int:pass_id>/qr.png")
@operation_id("get_pass_qr_png")
@blp.doc(security=schemas.PASS_KEY_SECURITY)
@optional_login
@blp.arguments(schemas.KeyArgs, location="query")
@blp.response(200, content_type="image/png")
def qr_png(args: dict[str, Any], pass_id: int) -> Response:
    """The pass's QR code as a PNG image, for organisers or the holder with the key."""
    return _image(pass_id, args.get("key"), "png")


@blp.get("/passes/<int:pass_id>/qr.svg")
@operation_id("get_pass_qr_svg")
@blp.doc(security=schemas.PASS_KEY_SECURITY)
@optional_login
@blp.arguments(schemas.KeyArgs, location="query")
@blp.response(200, content_type="image/svg+xml")
def qr_svg(args: dict[str, Any], pass_id: int) -> Response:
    """The pass's QR code as an SVG image, for organisers or the holder with the key."""
    return _image(pass_id, args.get("key"), "svg")


@blp.get("/passes/<int:pass_id>/print")
@operation_id("get_pass_print_page")
@blp.doc(security=schemas.PASS_KEY_SECURITY)
@optional_login
@blp.arguments(schemas.PrintArgs, location="query")
@blp.response(200, content_type="text/html")
def print_pass(args: dict[str, Any], pass_id: int) -> Response:
    """A page to print the pass on, A6 (a badge) or A4."""
    pass_ = service.issued(service.pass_for(pass_id, current_user(), args.get("key")))
    edition = events.get_edition(pass_.edition_id, current_user())
    response = Response(printable.print_page(pass_, edition, args["size"]), mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    # Nothing on the page runs script or loads anything: say so, in case escaping ever slips.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@blp.get("/passes/<int:pass_id>/pass.pdf")
@operation_id("get_pass_pdf")
@blp.doc(security=schemas.PASS_KEY_SECURITY)
@optional_login
@blp.arguments(schemas.PrintArgs, location="query")
@blp.response(200, content_type="application/pdf")
def pass_pdf(args: dict[str, Any], pass_id: int) -> Response:
    """The pass as a PDF of one A6 (a badge) or A4 page, Japanese font embedded."""
    pass_ = service.issued(service.pass_for(pass_id, current_user(), args.get("key")))
    edition = events.get_edition(pass_.edition_id, current_user())
    response = Response(pdf.pass_pdf(pass_, edition, args["size"]), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="pass-{pass_.id}-{args["size"]}.pdf"'
    )
    # The holder's QR code: kept by no cache, not even the browser's.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@blp.patch("/passes/<int:pass_id>")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.PassUpdateSchema)
@blp.response(200, schemas.PassSchema)
def update_pass(data: dict[str, Any], pass_id: int) -> Pass:
    """Change the kind or the days: the old QR code and link stop working, a new one is mailed."""
    pass_ = issuing.update_pass(pass_id, data)
    db.session.commit()
    return pass_


@blp.post("/passes/<int:pass_id>/revoke")
@operation_id("revoke_pass")
@login_required(Role.ORGANISER)
@blp.response(200, schemas.PassSchema)
def revoke(pass_id: int) -> Pass:
    """Revoke a pass (organisers): gates refuse it from now on, offline ones once synced."""
    pass_ = issuing.revoke(pass_id)
    db.session.commit()
    return pass_
