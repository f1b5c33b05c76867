"""Bounds on integers a request may carry, so no value overflows a database column.

PostgreSQL's ``integer`` holds up to 2,147,483,647 and ``bigint`` up to 2**63 - 1; a larger
number in a query would fail in the database (a 500). Path ids use ``BoundedIntConverter``,
which replaces Flask's ``int``: an id past the column's range matches no route, a 404 like any
unknown id, and the OpenAPI document states the ``maximum``.

JSON bodies are bounded in depth too: Python's parser recurses once per level and fails with
``RecursionError`` near a thousand, and every walk over the parsed body recurses as well.
``check_json_depth`` measures the raw body first and refuses a deeper one with 400.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from flask import request
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1

#: Deeper than any body the API documents, far below the parser's recursion limit.
MAX_JSON_DEPTH = 64

#: A JSON string (its brackets are text) or anything that is neither a bracket nor a quote.
_NOT_NESTING_RE = re.compile(rb'"(?:[^"\\]|\\.)*"|[^\[\]{}"]+')


class BoundedIntConverter(IntegerConverter):
    """Flask's ``int`` converter, with ``max`` defaulting to the ``integer`` column's limit.

    A route on a ``bigint`` id widens it: ``<int(max=9223372036854775807):scan_id>``.
    """

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int = INT32_MAX,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def json_depth(body: bytes) -> int:
    """How deeply ``body`` nests arrays and objects, without parsing it (so no recursion).

    Strings are skipped whole, so brackets inside them do not count; the answer for text that
    is not JSON is meaningless but harmless, since the parser refuses that text anyway.
    """
    depth = deepest = 0
    for bracket in _NOT_NESTING_RE.sub(b"", body):
        if bracket in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in b"]}":
            depth -= 1
    return deepest


def check_json_depth() -> None:
    """``before_request`` hook, before anything reads the body: 400 for over-deep JSON."""
    if request.is_json and json_depth(request.get_data(cache=True)) > MAX_JSON_DEPTH:
        raise BadRequest(f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.")


def integer_maximum(field: ma.fields.Field) -> int | None:
    """The largest value an Integer field may carry: its column's (``format: int64``: bigint)."""
    if not isinstance(field, ma.fields.Integer):
        return None
    return INT64_MAX if field.metadata.get("format") == "int64" else INT32_MAX


def _as_integer(value: Any) -> int | None:
    """``value`` as the integer marshmallow would read, or None when it is no integer at all."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def out_of_range(field: ma.fields.Field, value: Any) -> Any:
    """Marshmallow-style messages for integers in ``value`` past ``field``'s column, or None."""
    if isinstance(value, (list, tuple)) and not isinstance(field, ma.fields.List):
        # A query parameter given once still arrives as a list of its values.
        value = value[-1] if value else None
    if isinstance(field, ma.fields.List) and isinstance(value, (list, tuple)):
        inner = {i: out_of_range(field.inner, item) for i, item in enumerate(value)}
        return {i: m for i, m in inner.items() if m} or None
    if isinstance(field, ma.fields.Nested) and isinstance(field.schema, ma.Schema):
        if field.many and isinstance(value, list):
            each = {i: schema_out_of_range(field.schema, item) for i, item in enumerate(value)}
            return {i: m for i, m in each.items() if m} or None
        return schema_out_of_range(field.schema, value)
    maximum = integer_maximum(field)
    number = _as_integer(value) if maximum is not None else None
    if maximum is not None and number is not None and not -maximum - 1 <= number <= maximum:
        return [f"Must be between {-maximum - 1} and {maximum}."]
    return None


def schema_out_of_range(schema: ma.Schema, data: Any) -> dict[str, Any]:
    """Messages, by data key, for every integer in ``data`` its column could not hold."""
    if not isinstance(data, Mapping):
        return {}
    errors: dict[str, Any] = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if field.dump_only or key not in data:
            continue
        value = data.getlist(key) if hasattr(data, "getlist") else data[key]
        messages = out_of_range(field, value)
        if messages:
            errors[key] = messages
    return errors


class BoundedParser(FlaskParser):
    """webargs' Flask parser, refusing (422) integers past their column before the schema runs.

    Checked before loading, so every Integer field of every request schema is bounded in one
    place, with no field to remember; the OpenAPI document states the bound (``maximum``).

    Unknown query parameters never reach it: ``eventhub.query_parameters`` refuses them for
    every operation, whichever parser the operation uses.
    """

    def pre_load(
        self, location_data: Mapping[str, Any], *, schema: ma.Schema, req: Any, location: str
    ) -> Mapping[str, Any]:
        errors = schema_out_of_range(schema, location_data)
        if errors:
            raise ma.ValidationError(errors)
        return location_data


def document_maximum(
    self: Any, field: ma.fields.Field, ret: dict[str, Any], **kwargs: Any
) -> dict[str, Any]:
    """apispec attribute function: every Integer field states its column's bounds.

    A Range validator's own, tighter bound is already in ``ret`` and stays.
    """
    maximum = integer_maximum(field)
    if maximum is None:
        return {}
    return {"maximum": ret.get("maximum", maximum), "minimum": ret.get("minimum", -maximum - 1)}
