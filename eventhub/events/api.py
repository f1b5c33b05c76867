"""Series, editions and timetables: organisers write, anyone reads what is published."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from eventhub.accounts.auth import current_user, login_required, optional_login
from eventhub.accounts.models import Role
from eventhub.events import schemas, service
from eventhub.events.models import Edition, Series, TimetableSession
from eventhub.extensions import db
from eventhub.locking import commit_versioned
from eventhub.openapi import operation_id
from eventhub.pagination import page_of, paginate

blp = Blueprint(
    "events", __name__, url_prefix="/api/v1", description="Series, editions and timetables"
)


@blp.get("/series")
@optional_login
@blp.response(200, schemas.SeriesSchema(many=True))
def list_series() -> list[Series]:
    """The exhibition series (全国ゾーン, 匠の技の祭典, WOODコレクション); anyone may read them."""
    return service.all_series()


@blp.get("/editions")
@optional_login
@blp.arguments(schemas.EditionListArgs, location="query")
@blp.response(200, page_of(schemas.EditionOutSchema))
def list_editions(args: dict[str, Any]) -> dict[str, Any]:
    """Published editions, newest first; organisers also see drafts."""
    return paginate(service.editions_query(args, current_user()), args)


@blp.post("/editions")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.EditionSchema)
@blp.response(201, schemas.EditionOutSchema)
def create_edition(data: dict[str, Any]) -> Edition:
    """Create an edition as a draft; publish it by moving its status to open."""
    edition = service.create_edition(data)
    db.session.commit()
    return edition


@blp.get("/editions/<int:edition_id>")
@optional_login
@blp.response(200, schemas.EditionOutSchema)
def get_edition(edition_id: int) -> Edition:
    """One edition; drafts only for organisers (404 for anyone else)."""
    return service.get_edition(edition_id, current_user())


@blp.patch("/editions/<int:edition_id>")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.EditionUpdateSchema(partial=True))
@blp.response(200, schemas.EditionOutSchema)
def update_edition(data: dict[str, Any], edition_id: int) -> Edition:
    """Change an edition's details (organisers); only the fields sent change.

    Send the ``version`` you read: 409 if the edition changed meanwhile. Its status moves
    with ``/editions/{edition_id}/status``.
    """
    edition = service.update_edition(service.get_edition(edition_id, current_user()), data)
    commit_versioned(edition)
    return edition


@blp.post("/editions/<int:edition_id>/status")
@operation_id("change_edition_status")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.EditionStatusSchema)
@blp.response(200, schemas.EditionOutSchema)
def change_status(data: dict[str, Any], edition_id: int) -> Edition:
    """Open, close, mark held or cancel (with a reason) an edition."""
    edition = service.change_edition_status(service.get_edition(edition_id, current_user()), data)
    commit_versioned(edition)
    return edition


@blp.get("/editions/<int:edition_id>/sessions")
@optional_login
@blp.arguments(schemas.SessionListArgs, location="query")
@blp.response(200, page_of(schemas.SessionSchema))
def list_sessions(args: dict[str, Any], edition_id: int) -> dict[str, Any]:
    """The timetable, in time order; cancelled sessions stay listed with their status."""
    edition = service.get_edition(edition_id, current_user())
    return paginate(service.sessions_query(edition, args), args)


@blp.post("/editions/<int:edition_id>/sessions")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.SessionSchema)
@blp.response(201, schemas.SessionSchema)
def create_session(data: dict[str, Any], edition_id: int) -> TimetableSession:
    """Add a session (talk, hands-on slot, business meetings) to the timetable (organisers)."""
    edition = service.get_edition(edition_id, current_user())
    session = service.create_session(edition, data)
    db.session.commit()
    return session


@blp.get("/editions/<int:edition_id>/sessions/<int:session_id>")
@optional_login
@blp.response(200, schemas.SessionSchema)
def get_session(edition_id: int, session_id: int) -> TimetableSession:
    """One session of the timetable; anyone may read a published edition's."""
    return service.get_session(service.get_edition(edition_id, current_user()), session_id)


@blp.patch("/editions/<int:edition_id>/sessions/<int:session_id>")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.SessionUpdateSchema(partial=True))
@blp.response(200, schemas.SessionSchema)
def update_session(data: dict[str, Any], edition_id: int, session_id: int) -> TimetableSession:
    """Change or cancel (status: cancelled) a session; it is never deleted."""
    session = service.get_session(service.get_edition(edition_id, current_user()), session_id)
    service.update_session(session, data)
    commit_versioned(session)
    return session
