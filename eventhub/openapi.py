"""What the OpenAPI document says beyond what each view declares: errors, names, examples.

Every operation lists the problem+json answers it can give, derived from how it is reached:

- any security requirement: 401 (a missing, expired or revoked token; an optional token that
  is sent must still be valid);
- a bearer token: 403 (a role, a scope or another organisation's data);
- a path parameter: 404;
- every operation: 422 (a body, a query parameter or a path id out of bounds);
- every write: 409 (a row changed meanwhile: optimistic locking, or a state that forbids it);
- every operation: 503 (the database connection was lost, ``database_unavailable``; or the
  passes' signing keys cannot be read with the configured secrets, ``signing_keys_unreadable``).

Answers that depend on what the view does rather than on how it is reached (a public login
that refuses a password with 401, a rate limit's 429) are declared on the view with
``answers``. Tests check every answer against the document, so a missing one fails them.

Every operation gets an ``operationId``: the view function's name (``list_editions``), which
is what generated clients name their functions and modules after. A view whose name would
collide with another area's, or reads badly out of its module, names its own with
``operation_id``. Every request body gets its example from ``eventhub.openapi_examples``.

Rules the server enforces are stated from the declarations it validates with, not written
again: ``field_rules`` adds what eventhub's own fields say of themselves (a pattern derived
from a normaliser, a description where no pattern can say it), the labels and help a field
declares, the rule across fields it is checked by; ``SchemaRulesPlugin`` marks what a draft may
leave out, and states that no string may hold a control character.
"""

from __future__ import annotations

import http
import re
from collections.abc import Callable
from typing import Any, TypeVar

import marshmallow as ma
from apispec import BasePlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Flask
from flask_smorest import Blueprint

from eventhub import fields, openapi_examples
from eventhub.i18n import translate

F = TypeVar("F", bound=Callable[..., Any])

WRITES = {"post", "put", "patch", "delete"}


def response_name(status: int) -> str:
    """flask-smorest's name for the response component of ``status`` (``NOT_FOUND``)."""
    return http.HTTPStatus(status).name


def answers(*statuses: int) -> Callable[[F], F]:
    """Document that the view answers each of ``statuses`` with a problem."""
    responses = {str(status): response_name(status) for status in statuses}
    return Blueprint.doc(responses=responses)


ONE_OR_MANY = "x-one-or-many"


def one_or_many() -> Callable[[F], F]:
    """Document that the view takes one object or a JSON array of them, and answers alike:
    its body and its success answer become ``oneOf`` the schema and an array of it."""
    return Blueprint.doc(**{ONE_OR_MANY: True})


def _one_or_many(content: dict[str, Any]) -> None:
    for media in content.values():
        schema = media.get("schema")
        if schema is not None:
            media["schema"] = {"oneOf": [schema, {"type": "array", "items": schema}]}


def standard_errors(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer, from its security, path and method."""
    security = operation.get("security") or []
    statuses = [422, 503]
    if security:
        statuses.append(401)
    if any("bearerAuth" in requirement for requirement in security):
        statuses.append(403)
    if "{" in path:
        statuses.append(404)
    if method in WRITES:
        statuses.append(409)
    return statuses


def operation_id(name: str) -> Callable[[F], F]:
    """Name the operation ``name`` instead of after the view function."""
    return Blueprint.doc(operationId=name)


def default_operation_id(endpoint: str, method: str, view: Any = None) -> str:
    """The view function's name, from its endpoint (``events.list_editions``); for a
    MethodView class, the method and the class in snake case (``get_edition_item``)."""
    name = endpoint.rpartition(".")[2]
    if getattr(view, "view_class", None) is not None:
        return f"{method}_{re.sub(r'(?<!^)(?=[A-Z])', '_', name).lower()}"
    return name


class OperationIdPlugin(BasePlugin):
    """Names every operation (see the module's docstring); an explicit name is kept."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        rule = kwargs.get("rule")
        if rule is None:
            return
        view = self.app.view_functions.get(rule.endpoint)
        for method, operation in (operations or {}).items():
            operation.setdefault("operationId", default_operation_id(rule.endpoint, method, view))


class RequestExamplesPlugin(BasePlugin):
    """Puts each request body's example from ``eventhub.openapi_examples`` on it (after
    ``OperationIdPlugin``: examples are found by operationId)."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        for operation in (operations or {}).values():
            content = operation.get("requestBody", {}).get("content")
            if content and "operationId" in operation:
                openapi_examples.add_example(operation["operationId"], content)


class StandardErrorsPlugin(BasePlugin):
    """Adds the standard error answers to every operation (see the module's docstring)."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            if operation.pop(ONE_OR_MANY, False):
                _one_or_many(operation.get("requestBody", {}).get("content", {}))
                for status, response in operation.get("responses", {}).items():
                    if str(status).startswith("2") and isinstance(response, dict):
                        _one_or_many(response.get("content", {}))
            responses = operation.setdefault("responses", {})
            for status in standard_errors(path or "", method, operation):
                if status not in responses and str(status) not in responses:
                    responses[str(status)] = response_name(status)


#: Formats that already exclude control characters (and say more than a pattern would), and
#: files (a binary part is no text).
_FORMATS = {"date-time", "date", "email", "url", "uri", "uuid", "time", "binary", "byte"}

#: The sentence a cross-field rule ends with: how the server answers when it does not hold.
REFUSED = "Otherwise the server answers 422 `validation_failed`, naming this field."


def _labels(msgid: str) -> dict[str, str]:
    return {"en": translate(msgid, "en"), "ja": translate(msgid, "ja")}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "。", "!", "?", ")", "）")) else f"{text}."


def _join(*texts: str | None) -> str:
    """Sentences into one description, each ending with a full stop."""
    return " ".join(_sentence(t) for t in texts if t and t.strip())


def field_rules(self: Any, field: ma.fields.Field, ret: dict[str, Any], **_: Any) -> dict[str, Any]:
    """apispec attribute function: what a field declares beyond marshmallow's own arguments.

    - ``openapi`` of eventhub's field classes (``eventhub.fields``): a pattern, a description,
      an example;
    - metadata ``label`` and ``help`` (catalogue msgids, as the pages show them): ``title``,
      the help as the description, both in English and Japanese as ``x-label`` and ``x-help``;
    - metadata ``choices`` (value → msgid) of an enum, or of its list's items: ``x-enum-labels``
      and a line of the description;
    - metadata ``rule``: a rule across fields the schema cannot state, with the answer the
      server gives when it does not hold;
    - every other string a request sends: no control characters (``fields.NO_CONTROLS``).
    """
    extra: dict[str, Any] = dict(getattr(field, "openapi", None) or {})
    own = field.metadata
    description = [ret.get("description")]
    if "label" in own:
        extra["title"] = translate(own["label"], "en")
        extra["x-label"] = _labels(own["label"])
    if "help" in own:
        description.append(translate(own["help"], "en"))
        extra["x-help"] = _labels(own["help"])
    description.append(extra.pop("description", None))
    if "choices" in own:
        labels = {value: _labels(msgid) for value, msgid in own["choices"].items()}
        extra["x-enum-labels"] = labels
        description.append(
            "Values: "
            + "; ".join(
                f"`{value}`: {label['en']} ({label['ja']})" for value, label in labels.items()
            )
            + "."
        )
    if "rule" in own:
        description.append(_join(own["rule"], REFUSED))
        extra["x-rule"] = own["rule"]
    types = ret.get("type")
    is_string = types == "string" or (isinstance(types, list) and "string" in types)
    plain = not ({"pattern", "enum"} & {*ret, *extra}) and ret.get("format") not in _FORMATS
    if is_string and plain and not field.dump_only:
        extra["pattern"] = fields.NO_CONTROLS
    text = _join(*description)
    if text:
        extra["description"] = text
    return extra


def one_of_schemas(
    self: Any, field: ma.fields.Field, ret: dict[str, Any], **_: Any
) -> dict[str, Any]:
    """apispec attribute function: ``fields.OneOfSchemas`` as ``oneOf`` its schemas' components
    (registered as they are met), and the empty object when the field allows it."""
    if not isinstance(field, fields.OneOfSchemas):
        return {}
    for key in ("type", "additionalProperties", "pattern"):
        ret.pop(key, None)
    branches: list[dict[str, Any]] = [self.resolve_nested_schema(s) for s in field.schemas]
    if field.empty:
        branches.append({"type": "object", "maxProperties": 0, "description": field.empty})
    return {"oneOf": branches}


def init_converter(converter: Any) -> None:
    """Adds this module's attribute functions to apispec's marshmallow converter."""
    converter.add_attribute_function(field_rules)
    converter.add_attribute_function(one_of_schemas)


class SchemaRulesPlugin(BasePlugin):
    """Schema components: a ``fields.DraftPart``'s required fields become
    ``x-required-to-submit`` (a draft is sent and answered without them), with its ``openapi``
    keywords; path parameters that are strings refuse control characters like everything else."""

    def schema_helper(
        self, name: str, definition: dict[str, Any], schema: Any = None, **kwargs: Any
    ) -> dict[str, Any] | None:
        cls = resolve_schema_cls(schema) if schema is not None else None
        if not (isinstance(cls, type) and issubclass(cls, fields.DraftPart)):
            return None
        required = definition.pop("required", [])
        extra: dict[str, Any] = dict(cls.openapi)
        # The class's own docstring (not an inherited one) describes the part to clients.
        about = cls.__dict__.get("__doc__")
        if about:
            extra["description"] = " ".join(about.split())
        if required:
            extra["x-required-to-submit"] = required
            for key in required:
                prop = definition["properties"][key]
                prop["description"] = _join(prop.get("description"), "Required to submit.")
            extra["description"] = _join(
                extra.get("description"),
                "A draft may leave out any field; submitting requires "
                + ", ".join(f"`{key}`" for key in required)
                + " (422 `validation_failed` naming each one missing).",
            )
        return extra

    def path_helper(
        self,
        path: str | None = None,
        operations: dict[str, Any] | None = None,
        parameters: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        every = [*(parameters or [])]
        for operation in (operations or {}).values():
            every.extend(operation.get("parameters", []))
        for parameter in every:
            if not isinstance(parameter, dict) or parameter.get("in") != "path":
                continue
            schema = parameter.get("schema", {})
            if schema.get("type") == "string" and "pattern" not in schema:
                schema["pattern"] = fields.NO_CONTROLS
