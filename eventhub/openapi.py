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
"""

from __future__ import annotations

import http
import re
from collections.abc import Callable
from typing import Any, TypeVar

from apispec import BasePlugin
from flask import Flask
from flask_smorest import Blueprint

from eventhub import openapi_examples

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
