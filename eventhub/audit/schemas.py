"""The audit log's list: its filters and one event as the API shows it."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from eventhub import fields
from eventhub.audit.actions import Action
from eventhub.pagination import PageArgs


class AuditFilterSchema(ma.Schema):
    """The filters alone, shared by the API's query and the organisers' page."""

    edition_id = ma.fields.Integer(validate=ma.validate.Range(min=1))
    action = ma.fields.String(validate=fields.one_of(Action))
    actor_id = ma.fields.Integer(validate=ma.validate.Range(min=1))
    since = fields.DateTime(metadata={"description": "From this time on (inclusive)"})
    until = fields.DateTime(
        metadata={"description": "Before this time (exclusive)", "rule": "Later than since."}
    )

    @ma.validates_schema
    def _since_before_until(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            raise ma.ValidationError("Must be later than since.", "until")


class AuditEventArgs(AuditFilterSchema, PageArgs):
    pass


class AuditEventSchema(ma.Schema):
    id = ma.fields.Integer()
    created_at = fields.DateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    actor_email = ma.fields.String(allow_none=True)
    action = ma.fields.String()
    target_type = ma.fields.String()
    target_id = ma.fields.Integer(allow_none=True)
    edition_id = ma.fields.Integer(allow_none=True)
    details = ma.fields.Dict(keys=ma.fields.String())
    client_address = ma.fields.String(allow_none=True)
