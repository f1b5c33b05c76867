"""Reading the audit log back, through the API and (for counts) the table."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from eventhub.audit.models import AuditEvent
from eventhub.extensions import db
from tests.conftest import Api

AUDIT = "/api/v1/audit-events"


def events(organiser: Api, **filters: Any) -> list[dict[str, Any]]:
    """Every event the organisers' list shows for ``filters``, newest first."""
    response = organiser.get(AUDIT, query_string={"per_page": 100, **filters})
    assert response.status_code == 200, response.json
    return list(response.json["items"])


def only_event(organiser: Api, action: str) -> dict[str, Any]:
    """The one event of ``action``; fails if there are none or several."""
    found = events(organiser, action=action)
    assert len(found) == 1, found
    return found[0]


def count(app: Flask, action: str) -> int:
    with app.app_context():
        return (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == action)
            )
            or 0
        )
