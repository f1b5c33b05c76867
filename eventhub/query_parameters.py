"""Every API operation accepts the query parameters its OpenAPI description lists, no others.

A parameter the operation does not document is refused with 422 naming it, not ignored: a
misspelt filter (``?edition=1`` for ``?edition_id=1``) would otherwise answer everything, and
the client would never know. The list is read from the OpenAPI document when the app starts,
so every operation is covered, one that reads no query at all as well as one added later,
and what the API accepts cannot drift from what it documents.

A parameter that is not a repeatable array (``kind=a&kind=b``) takes one value: webargs
would silently keep the first of two, so a second one is refused too.

Only operations are checked: pages, the OpenAPI document itself and its viewers keep
ignoring parameters they do not read (a link shared with ``?utm_source=…`` still opens).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request
from flask_smorest.spec.plugins import FlaskPlugin

from eventhub.errors import FieldError, invalid, validator_error

_EXTENSION = "eventhub.query_parameters"

UNKNOWN = "Unknown field."  # webargs' own words for a field no schema declares
GIVEN_TWICE = "Given more than once; this parameter takes one value."


@dataclass(frozen=True)
class Accepted:
    """The query parameters of one operation."""

    names: frozenset[str]
    #: Arrays in the form style with explode (``kind=a&kind=b``): the ones that may repeat.
    repeatable: frozenset[str]


def _query_parameters(
    parameters: list[Mapping[str, Any]], components: Mapping[str, Any]
) -> Iterator[Mapping[str, Any]]:
    for parameter in parameters:
        ref = parameter.get("$ref")
        if isinstance(ref, str):
            parameter = components.get(ref.rsplit("/", 1)[-1], {})
        if parameter.get("in") == "query":
            yield parameter


def _repeatable(parameter: Mapping[str, Any]) -> bool:
    schema = parameter.get("schema") or {}
    is_array = schema.get("type") == "array" or "array" in (schema.get("type") or [])
    # OpenAPI: a query parameter is style form, and form explodes unless it says otherwise.
    return is_array and parameter.get("explode", True) and parameter.get("style", "form") == "form"


def accepted_by_operation(app: Flask, spec: Mapping[str, Any]) -> dict[tuple[str, str], Accepted]:
    """(endpoint, method) → the query parameters the operation documents, for every operation."""
    paths = spec.get("paths", {})
    components = spec.get("components", {}).get("parameters", {})
    accepted: dict[tuple[str, str], Accepted] = {}
    for rule in app.url_map.iter_rules():
        item = paths.get(FlaskPlugin.flaskpath2openapi(rule.rule))
        if item is None:
            continue  # no operation: a page, the document itself, a static file
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if not isinstance(operation, Mapping) or method.upper() not in (rule.methods or ()):
                continue
            query = list(_query_parameters([*shared, *operation.get("parameters", [])], components))
            accepted[(rule.endpoint, method.upper())] = Accepted(
                names=frozenset(p["name"] for p in query),
                repeatable=frozenset(p["name"] for p in query if _repeatable(p)),
            )
    return accepted


def init_app(app: Flask, spec: Mapping[str, Any]) -> None:
    """After every API blueprint is registered: check each request to an operation."""
    app.extensions[_EXTENSION] = accepted_by_operation(app, spec)
    app.before_request(check_request)


def refusals(accepted: Accepted) -> list[FieldError]:
    """What is wrong with this request's query string: each name once, in the URL's order."""
    errors = []
    for name in request.args:
        if name not in accepted.names:
            errors.append(validator_error(name, UNKNOWN, "query"))
        elif name not in accepted.repeatable and len(request.args.getlist(name)) > 1:
            errors.append(validator_error(name, GIVEN_TWICE, "query"))
    return errors


def check_request() -> None:
    """``before_request`` hook: 422 naming each query parameter the operation does not take."""
    rule = request.url_rule
    if rule is None or not request.args:
        return  # no route matched (404 and 405 follow), or nothing to check
    method = "GET" if request.method == "HEAD" else request.method
    accepted = current_app.extensions[_EXTENSION].get((rule.endpoint, method))
    if accepted is None:
        return  # not an operation (OPTIONS, a page)
    errors = refusals(accepted)
    if errors:
        raise invalid(*errors)
