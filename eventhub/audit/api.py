"""The audit log for organisers: read only, since the log is append-only."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from eventhub.accounts.auth import login_required
from eventhub.accounts.models import Role
from eventhub.audit import schemas, service
from eventhub.openapi import operation_id
from eventhub.pagination import page_of

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="Audit log")

_FILTERS = tuple(schemas.AuditFilterSchema().fields)


@blp.get("/audit-events")
@operation_id("list_audit_events")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.AuditEventArgs, location="query")
@blp.response(200, page_of(schemas.AuditEventSchema))
def list_events(args: dict[str, Any]) -> dict[str, Any]:
    """The audit log: organisers' and reviewers' consequential actions, newest first.

    Who (user id and the address they had then), when, what (action code, target, edition,
    details) and from which client address. Filter by edition, action, actor and time.
    """
    filters = {name: args[name] for name in _FILTERS if name in args}
    page = {"page": args["page"], "per_page": args["per_page"]}
    return service.list_events(filters, page)
