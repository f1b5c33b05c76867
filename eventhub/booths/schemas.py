from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma

from eventhub import fields, japan
from eventhub.pagination import PageArgs


class BoothCode(fields.Text):
    """An identifier, so NFKC and upper case: ａ－１２, a-12 and A-12 are the same booth."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        return japan.normalise(super()._deserialize(value, attr, data, **kwargs)).upper()


class BoothAllocationSchema(ma.Schema):
    application_id = ma.fields.Integer()
    organisation_name = ma.fields.String()
    allocated_by_id = ma.fields.Integer(allow_none=True)
    allocated_at = fields.DateTime()


class BoothSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    edition_id = ma.fields.Integer(dump_only=True)
    code = BoothCode(required=True, max_length=20, metadata={"example": "A-12"})
    zone = fields.Text(required=True, max_length=40, metadata={"example": "東1ホール"})
    units = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=1, max=100),
        metadata={"description": "Size in booth units (小間)"},
    )
    is_corner = ma.fields.Boolean(load_default=False)
    note = fields.MultilineText(allow_none=True, max_length=1000)
    allocation = ma.fields.Nested(BoothAllocationSchema, dump_only=True, allow_none=True)
    version = ma.fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


#: Booths one request may create: a whole hall's floor plan, and no more.
MAX_BULK = 500


class BoothCreateSchema(BoothSchema):
    """One booth, or a list of booths created together (all or none).

    A list is answered with a list; each error names the item's index, e.g. ``2.code``.
    """

    def load(self, data: Any, *, many: bool | None = None, **kwargs: Any) -> Any:
        if many is None:
            many = isinstance(data, list)
        if many and not 1 <= len(data) <= MAX_BULK:
            raise ma.ValidationError(f"Give from 1 to {MAX_BULK} booths.")
        return super().load(data, many=many, **kwargs)

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        return super().dump(obj, many=isinstance(obj, list) if many is None else many)


class BoothUpdateSchema(BoothSchema):
    """Every field optional; ``version``, when sent, must match the stored one."""

    version = ma.fields.Integer(metadata={"description": "The version you last read"})


class BoothListArgs(PageArgs):
    state = ma.fields.String(
        validate=ma.validate.OneOf(["free", "occupied"]),
        metadata={"description": "free: not given to anyone; occupied: allocated"},
    )
    zone = ma.fields.String()
    per_page = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=500))


class BoothAllocateSchema(ma.Schema):
    booth_id = ma.fields.Integer(required=True)


class ApplicationBoothSchema(ma.Schema):
    """A booth as its exhibitor sees it: where and how big, without the organisers' note."""

    id = ma.fields.Integer(attribute="booth.id")
    code = ma.fields.String(attribute="booth.code")
    zone = ma.fields.String(attribute="booth.zone")
    units = ma.fields.Integer(attribute="booth.units")
    is_corner = ma.fields.Boolean(attribute="booth.is_corner")
    allocated_at = fields.DateTime()


class BoothProposalArgsSchema(ma.Schema):
    group_by = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(["prefecture", "category"]),
        metadata={"description": "The organisation's prefecture, or the industry category"},
    )
    apply = ma.fields.Boolean(
        load_default=False, metadata={"description": "true to write the proposed allocations"}
    )


class ProposedBoothSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    zone = ma.fields.String()
    units = ma.fields.Integer()


class BoothPlacementSchema(ma.Schema):
    application_id = ma.fields.Integer()
    organisation_name = ma.fields.String()
    group = ma.fields.String()
    requested_units = ma.fields.Integer()
    units = ma.fields.Integer(metadata={"description": "Units of the proposed booths"})
    short_by = ma.fields.Integer(metadata={"description": "0 when the request is met exactly"})
    booths = ma.fields.List(ma.fields.Nested(ProposedBoothSchema))


class BoothUnplacedSchema(ma.Schema):
    application_id = ma.fields.Integer()
    organisation_name = ma.fields.String()
    group = ma.fields.String()
    requested_units = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String(
        metadata={"description": "no_free_booth, no_booth_small_enough or no_requested_units"}
    )


class BoothProposalSchema(ma.Schema):
    group_by = ma.fields.String()
    applied = ma.fields.Boolean()
    placements = ma.fields.List(ma.fields.Nested(BoothPlacementSchema))
    unplaced = ma.fields.List(ma.fields.Nested(BoothUnplacedSchema))
