"""Page-number pagination with the total, in the body, for every list endpoint."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from eventhub.bounds import INT32_MAX
from eventhub.extensions import db

MAX_PER_PAGE = 100


class PageArgs(ma.Schema):
    # Bounded so the offset, (page - 1) * per_page, always fits the database's bigint.
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=INT32_MAX))
    per_page = ma.fields.Integer(
        load_default=20, validate=ma.validate.Range(min=1, max=MAX_PER_PAGE)
    )


_page_schemas: dict[type[ma.Schema], type[ma.Schema]] = {}


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The envelope schema for a page of ``item_schema`` (one class per item schema)."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(
            name,
            (ma.Schema,),
            {
                "items": ma.fields.List(ma.fields.Nested(item_schema)),
                "page": ma.fields.Integer(),
                "per_page": ma.fields.Integer(),
                "total": ma.fields.Integer(),
            },
        )
    return _page_schemas[item_schema]


def paginate(query: sa.Select[Any], args: dict[str, Any]) -> dict[str, Any]:
    """Run ``query`` for one page; ``query`` must have a deterministic ORDER BY."""
    page, per_page = args["page"], args["per_page"]
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": items, "page": page, "per_page": per_page, "total": total or 0}
