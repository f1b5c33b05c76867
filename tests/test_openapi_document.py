"""The OpenAPI document reads well: every operation is named and summarised, and every request
body has an example that its own schema accepts, and that the app accepts too."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
import pytest
from flask import Flask
from flask.views import MethodView
from jsonschema import Draft202012Validator, FormatChecker

from eventhub.openapi import default_operation_id
from eventhub.openapi_examples import BOOTHS, REQUEST_EXAMPLES, Named
from tests.conftest import Api

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


@pytest.fixture
def spec(anonymous: Api) -> dict[str, Any]:
    response = anonymous.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return dict(response.json)


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def body_examples(operation: dict[str, Any]) -> list[tuple[str, str, Any, dict[str, Any]]]:
    """(media type, example name, value, schema) of every example of the request body."""
    found = []
    for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
        if "example" in media:
            found.append((media_type, "example", media["example"], media["schema"]))
        for name, example in media.get("examples", {}).items():
            found.append((media_type, name, example["value"], media["schema"]))
    return found


def test_every_operation_has_a_unique_readable_operation_id_and_a_summary(spec):
    ops = operations(spec)
    ids = [operation.get("operationId") for _, _, operation in ops]

    assert len(ops) > 150
    assert [(m, p) for m, p, operation in ops if not operation.get("operationId")] == []
    assert sorted(i for i in ids if ids.count(i) > 1) == []
    assert [i for i in ids if not SNAKE_CASE.fullmatch(i)] == []
    # flask-smorest numbers a view name another area already used (``list_staff_2``): a name
    # no client would guess, so a collision must be named instead.
    assert [i for i in ids if re.search(r"_\d+$", i)] == []
    assert [(m, p) for m, p, operation in ops if not operation.get("summary", "").strip()] == []
    # A summary is one line, as lists of operations show it; the docstring's next paragraphs
    # are the description.
    long = [o["operationId"] for _, _, o in ops if "\n" in o["summary"] or len(o["summary"]) > 100]
    assert long == []


def test_operation_ids_are_the_names_clients_know(spec):
    ids = {operation["operationId"] for _, _, operation in operations(spec)}

    assert {"list_editions", "create_edition", "get_pass", "list_applications", "login"} <= ids


def test_every_request_body_has_an_example_for_each_media_type(spec):
    missing = [
        (operation["operationId"], media_type)
        for _, _, operation in operations(spec)
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items()
        if "example" not in media and "examples" not in media
    ]

    assert missing == []


def test_every_example_names_an_operation_with_a_body(spec):
    with_body = {
        operation["operationId"]
        for _, _, operation in operations(spec)
        if "requestBody" in operation
    }

    assert set(REQUEST_EXAMPLES) - with_body == set()


def test_one_or_many_bodies_show_one_and_many(spec):
    media = spec["paths"]["/api/v1/editions/{edition_id}/booths"]["post"]["requestBody"]
    examples = media["content"]["application/json"]["examples"]

    assert isinstance(examples["one"]["value"], dict)
    assert isinstance(examples["many"]["value"], list)


def test_every_request_body_example_is_valid_against_its_schema_in_the_document(spec):
    invalid = []
    for _, _, operation in operations(spec):
        for media_type, name, value, schema in body_examples(operation):
            # The body's schema refers to the document's components: validate it in place.
            validator = Draft202012Validator(
                {**schema, "components": spec["components"]}, format_checker=FormatChecker()
            )
            errors = [e.message for e in validator.iter_errors(value)]
            errors += [f"{k} is read-only" for k in read_only(spec, schema, value)]
            if errors:
                invalid.append((operation["operationId"], media_type, name, errors))

    assert invalid == []


def read_only(spec: dict[str, Any], schema: dict[str, Any], value: Any) -> list[str]:
    """The read-only properties an example (or each item of an array example) sends."""
    items = value if isinstance(value, list) else [value]
    refs = [schema.get("$ref")] + [s.get("$ref") for s in schema.get("oneOf", [])]
    found = []
    for ref in filter(None, refs):
        properties = spec["components"]["schemas"][ref.rpartition("/")[2]].get("properties", {})
        for item in items:
            if isinstance(item, dict):
                found += [k for k in item if properties.get(k, {}).get("readOnly")]
    return sorted(set(found))


def view_schemas(app: Flask) -> dict[str, ma.Schema | type[ma.Schema]]:
    """The body schema each view loads its request with, by operationId."""
    found = {}
    for endpoint, view in app.view_functions.items():
        apidoc = getattr(view, "_apidoc", {})
        operation_id = apidoc.get("manual_doc", {}).get("operationId", endpoint.rpartition(".")[2])
        for parameter in apidoc.get("arguments", {}).get("parameters", []):
            if parameter["in"] in {"json", "multipart"}:
                found[operation_id] = parameter["schema"]
    return found


def test_every_example_loads_with_the_views_own_schema(app: Flask):
    """Stricter than the document: the schema's own validators (furigana, corporate numbers,
    postal codes, fiscal years in either era) run as they do on a request."""
    schemas = view_schemas(app)
    refused = []
    with app.test_request_context():
        for operation_id, example in REQUEST_EXAMPLES.items():
            schema = schemas.get(operation_id)
            if schema is None:  # a body the view reads itself (a CSV file)
                continue
            values = (
                [value for _, value in example.examples.values()]
                if isinstance(example, Named)
                else [example]
            )
            for value in values:
                if operation_id == "upload_document":
                    continue  # a file part, which a schema cannot load from a name
                instance = schema() if isinstance(schema, type) else schema
                try:
                    instance.load(value, many=isinstance(value, list))
                except ma.ValidationError as error:
                    refused.append((operation_id, error.messages))

    assert refused == []


def example(operation_id: str, name: str | None = None) -> Any:
    value = REQUEST_EXAMPLES[operation_id]
    return value.examples[name][1] if isinstance(value, Named) else value


def test_representative_examples_are_accepted_by_the_app(
    anonymous: Api, organiser: Api, exhibitor: Api, make_user
):
    def ok(response: Any, status: int = 201) -> dict[str, Any]:
        assert response.status_code == status, response.get_data(as_text=True)
        return response.json  # type: ignore[no-any-return]

    ok(anonymous.post("/api/v1/users", json=example("sign_up")))
    ok(exhibitor.patch("/api/v1/users/me", json=example("update_me")), 200)
    ok(exhibitor.post("/api/v1/auth/tokens", json=example("create_token")))
    organisation = ok(exhibitor.post("/api/v1/organisations", json=example("create_organisation")))
    url = f"/api/v1/organisations/{organisation['id']}"
    ok(exhibitor.patch(url, json=example("update_organisation")), 200)

    edition = ok(organiser.post("/api/v1/editions", json=example("create_edition")))
    editions = f"/api/v1/editions/{edition['id']}"
    edition = ok(organiser.patch(editions, json=example("update_edition")), 200)
    # A version stands for the one the client read last.
    opening = {**example("change_edition_status", "open"), "version": edition["version"]}
    ok(organiser.post(f"{editions}/status", json=opening), 200)
    session = ok(organiser.post(f"{editions}/sessions", json=example("create_session")))
    ok(
        organiser.patch(
            f"{editions}/sessions/{session['id']}", json=example("update_session", "seats")
        ),
        200,
    )
    booths = ok(organiser.post(f"{editions}/booths", json=example("create_booths", "many")))
    assert [b["code"] for b in booths] == [b["code"] for b in BOOTHS]
    one = {**example("create_booths", "one"), "code": "E2-001"}  # codes are unique
    ok(organiser.post(f"{editions}/booths", json=one))
    gate = ok(organiser.post(f"{editions}/gates", json=example("create_gate")))
    device = {**example("create_device"), "gate_id": gate["id"]}
    ok(organiser.post(f"{editions}/devices", json=device))
    for name in ("opening", "setup"):
        ok(organiser.post(f"{editions}/schedule", json=example("create_schedule_item", name)))
    ok(organiser.put(f"{editions}/pass-settings", json=example("set_pass_settings")), 200)
    ok(organiser.put(f"{editions}/prefecture-quotas/17", json=example("set_prefecture_quota")), 200)
    ok(anonymous.post(f"{editions}/registrations", json=example("create_registration")))

    contact = make_user()
    ok(
        organiser.post(
            f"/api/v1/users/{contact.user_id}/roles",
            json=example("grant_role", "prefecture_contact"),
        )
    )
    ok(organiser.post("/api/v1/reports/past-figures", json=example("create_past_figures")))


def test_an_operation_is_named_after_its_view_or_its_method_view():
    class EditionItem(MethodView):
        def get(self) -> str:
            return ""

    view = EditionItem.as_view("EditionItem")

    assert default_operation_id("events.list_editions", "get", lambda: None) == "list_editions"
    assert default_operation_id("events.EditionItem", "get", view) == "get_edition_item"
