"""Personal data: your own data as a JSON file, and an organiser's erasure of an attendee."""

from __future__ import annotations

from typing import Any

from flask import Response, json
from flask_smorest import Blueprint

from eventhub.accounts.auth import current_user, login_required, require_user
from eventhub.accounts.models import Role
from eventhub.events import service as events
from eventhub.extensions import db
from eventhub.openapi import operation_id
from eventhub.privacy import schemas, service

blp = Blueprint("privacy", __name__, url_prefix="/api/v1", description="Personal data")

DOWNLOAD_NAME = "eventhub-personal-data.json"


def download(data: dict[str, Any]) -> Response:
    """The data as a file to keep, never kept by a cache (pages answer the same)."""
    response = Response(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", mimetype="application/json"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{DOWNLOAD_NAME}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.get("/users/me/data")
@operation_id("export_my_data")
@login_required()
@blp.response(200, schemas.PersonalDataSchema)
def my_data() -> Response:
    """Everything eventhub holds on you, as a JSON file.

    The account, your organisations, and the registrations made with your address, with
    their passes, scans and bookings.
    """
    return download(service.personal_data(require_user()))


@blp.post("/editions/<int:edition_id>/registrations/<int:registration_id>/erase")
@operation_id("erase_registration")
@login_required(Role.ORGANISER)
@blp.response(200, schemas.ErasedSchema)
def erase(edition_id: int, registration_id: int) -> dict[str, Any]:
    """Erase an attendee's personal data, irreversibly (organisers).

    Names, addresses and notes go, the passes are revoked, an account that is only an
    attendee's is anonymised; what is counted (scans, presences, tallies, the report) stays.
    Erasing again changes nothing. Recorded in the audit log (``registration.erased``).
    """
    edition = events.get_edition(edition_id, current_user())
    registration = service.erase_attendee(edition.id, registration_id)
    db.session.commit()
    return {
        "registration_id": registration.id,
        "edition_id": edition.id,
        "erased_at": registration.erased_at,
    }
