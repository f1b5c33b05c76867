"""Every answer of the API, checked against the OpenAPI document the app serves.

The suite's Flask test client is ``ContractClient``: each response to a request under /api/v1/
is validated with openapi-core against the document (status, content type, body schema and
documented headers). An answer the document does not allow fails the test that received it, so
the document and the server cannot drift apart unnoticed.

A request to a path or method the document does not have is still checked: its answer must be
the problem+json 404 (or 405 with ``Allow``) that every unknown URL gets, or the 400/422 of the
checks that run before routing.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from werkzeug.test import TestResponse

PREFIX = "/api/v1/"
#: The document itself is not described in the document, nor is its interactive page.
UNDESCRIBED = {"/api/v1/openapi.json"}
UNDESCRIBED_PREFIXES = ("/api/v1/docs",)


class AnsweredRequest(WerkzeugOpenAPIRequest):
    """The request a response answered; its body was read by the app and is not checked."""

    @property
    def body(self) -> bytes | None:
        return None


def json_body(value: bytes, **parameters: str) -> Any:
    return json.loads(value)


def document_of(app: Flask) -> dict[str, Any]:
    """The OpenAPI document the app serves, built once per app."""
    cached = app.extensions.get("tests.openapi_document")
    if cached is None:
        with app.test_request_context():
            cached = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
        app.extensions["tests.openapi_document"] = cached
    return cached


@cache
def _validator(document_json: str) -> OpenAPI:
    config = Config(extra_media_type_deserializers={"application/problem+json": json_body})
    return OpenAPI.from_dict(json.loads(document_json), config=config)


def validator_of(app: Flask) -> OpenAPI:
    validator = app.extensions.get("tests.openapi_validator")
    if validator is None:
        validator = _validator(json.dumps(document_of(app), sort_keys=True))
        app.extensions["tests.openapi_validator"] = validator
    return validator


def check_unknown_url(app: Flask, response: TestResponse) -> None:
    """A path or method the document lacks answers the standard problem, nothing else."""
    # 400 and 422: the checks every request passes before routing (over-deep JSON, control
    # characters) refuse it before the method or path is looked at.
    assert response.status_code in (400, 404, 405, 422), (
        f"{response.request.method} {response.request.path} is not in the OpenAPI document "
        f"but answered {response.status_code}"
    )
    assert response.mimetype == "application/problem+json", response.mimetype
    # The Problem schema refers to others (FieldError): validate within the whole document.
    problem = {"$ref": "#/components/schemas/Problem", **document_of(app)}
    Draft202012Validator(problem).validate(response.get_json())
    if response.status_code == 405:
        assert response.headers.get("Allow"), "a 405 answer names the allowed methods"


def check_response(app: Flask, response: TestResponse) -> None:
    request = response.request
    if (
        not request.path.startswith(PREFIX)
        or request.path in UNDESCRIBED
        or request.path.startswith(UNDESCRIBED_PREFIXES)
    ):
        return
    validator = validator_of(app)
    try:
        validator.validate_response(AnsweredRequest(request), WerkzeugOpenAPIResponse(response))
    except (PathNotFound, OperationNotFound):
        check_unknown_url(app, response)
    except Exception as error:
        cause = error.__cause__ or error
        reasons = [f"{e.json_path}: {e.message}" for e in getattr(cause, "schema_errors", ())] or [
            str(error)[:500]
        ]
        body = response.get_data(as_text=True)[:2000] if response.is_json else "…"
        raise AssertionError(
            f"{request.method} {request.full_path.rstrip('?')} answered {response.status_code} "
            f"{response.mimetype}, which the OpenAPI document does not allow: "
            f"{type(error).__name__}: {'; '.join(reasons)}\n{body}"
        ) from error


class ContractClient(FlaskClient):
    """The Flask test client, checking each API answer against the OpenAPI document."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        response = super().open(*args, **kwargs)
        for answer in (*response.history, response):
            check_response(self.application, answer)
        return response
