"""Numbers and JSON no database or parser can hold answer 4xx, never 500 (PostgreSQL too)."""

from __future__ import annotations

import pytest

from eventhub.bounds import INT32_MAX, INT64_MAX
from tests.events.helpers import edition_body, session_body, sessions_url

PROBLEM_JSON = "application/problem+json"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/editions/{INT32_MAX + 1}",
        f"/api/v1/editions/{INT64_MAX + 1}",
        f"/api/v1/editions/1/sessions/{INT32_MAX + 1}",
    ],
)
def test_a_path_id_past_the_integer_column_is_an_unknown_id(organiser, url):
    response = organiser.get(url)

    assert response.status_code == 404
    assert response.mimetype == PROBLEM_JSON


def test_a_scan_id_past_bigint_is_an_unknown_id(organiser):
    response = organiser.post(f"/api/v1/scans/{INT64_MAX + 1}/undo")

    assert response.status_code == 404


def test_the_document_states_the_path_id_maximum(anonymous):
    spec = anonymous.get("/api/v1/openapi.json").json
    [param] = [
        p
        for p in spec["paths"]["/api/v1/editions/{edition_id}"]["parameters"]
        if p["name"] == "edition_id"
    ]
    assert param["schema"]["maximum"] == INT32_MAX


@pytest.mark.parametrize("page", [INT32_MAX + 1, 10**30])
def test_a_page_past_the_limit_is_refused_naming_page(organiser, page):
    response = organiser.get(f"/api/v1/editions?page={page}")

    assert response.status_code == 422
    assert response.mimetype == PROBLEM_JSON
    assert [e["field"] for e in response.json["errors"]] == ["page"]


def test_the_last_allowed_page_is_empty_not_an_error(organiser):
    response = organiser.get(f"/api/v1/editions?page={INT32_MAX}&per_page=100")

    assert response.status_code == 200
    assert response.json["items"] == []


@pytest.mark.parametrize("depth", [65, 1_000, 100_000])
def test_over_deep_json_is_a_bad_request_even_anonymously(anonymous, depth):
    body = "[" * depth + "]" * depth

    response = anonymous.post(
        "/api/v1/auth/login", data=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.mimetype == PROBLEM_JSON
    assert response.json["code"] == "bad_request"


def test_json_within_the_depth_limit_reads_as_usual(anonymous):
    body = {"email": "nobody@example.jp", "password": "x" * 12, "extra": [[[[1]]]]}

    response = anonymous.post("/api/v1/auth/login", json=body)

    assert response.status_code != 400
    assert response.status_code < 500


@pytest.mark.parametrize("value", [str(INT32_MAX + 1), str(-(INT32_MAX + 2)), "1" + "0" * 30])
def test_a_query_integer_past_its_column_is_refused_naming_it(organiser, value):
    response = organiser.get(f"/api/v1/editions?fiscal_year={value}")

    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["fiscal_year"]
    assert response.json["errors"][0]["location"] == "query"


def test_a_body_integer_past_its_column_is_refused_naming_it(organiser):
    edition = organiser.post("/api/v1/editions", json=edition_body()).json

    response = organiser.post(
        sessions_url(edition["id"]), json=session_body(organisation_id=INT32_MAX + 1)
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["organisation_id"]
    assert response.json["errors"][0]["location"] == "json"


def test_an_integer_within_its_column_is_read_as_usual(organiser):
    response = organiser.get(f"/api/v1/editions?fiscal_year={INT32_MAX}")

    assert response.status_code == 200
    assert response.json["items"] == []


def test_the_document_states_integer_bounds_keeping_tighter_ones(anonymous):
    schemas = anonymous.get("/api/v1/openapi.json").json["components"]["schemas"]

    session = schemas["Session"]["properties"]
    assert session["organisation_id"]["maximum"] == INT32_MAX
    assert (session["seats"]["minimum"], session["seats"]["maximum"]) == (1, INT32_MAX)
    assert schemas["Edition"]["properties"]["fiscal_year"]["maximum"] == 2200


def test_an_unknown_query_parameter_is_named_not_ignored(client):
    """A misspelt filter (``edition`` for ``edition_id``) must not silently answer everything."""
    response = client.get("/api/v1/editions?colour=blue")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert [(e["field"], e["location"]) for e in response.json["errors"]] == [("colour", "query")]
    assert client.get("/api/v1/editions?page=1").status_code == 200


def test_every_api_blueprint_parses_with_the_bounded_parser(app):
    """A blueprint with a parser of its own (the uploads' multipart one) still bounds
    integers: none may fall back to webargs' plain parser."""
    from flask_smorest import Blueprint

    from eventhub.bounds import BoundedParser

    api_blueprints = [bp for bp in app.blueprints.values() if isinstance(bp, Blueprint)]
    assert len(api_blueprints) > 10
    assert [
        bp.name for bp in api_blueprints if not isinstance(bp.ARGUMENTS_PARSER, BoundedParser)
    ] == []
