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

from flask import request
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
