"""Every API operation takes the query parameters it documents, and refuses any other by name.

A misspelt filter used to be ignored: ``GET /applications?edition=1`` answered every
application. Now it is a 422 naming ``edition``, on every operation, whether it reads a query or
not, and whichever parser reads its arguments (eventhub.query_parameters).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from eventhub import query_parameters
from tests.applications.helpers import (
    APPLICATIONS,
    make_organisation,
    open_edition,
    submitted_application,
)
from tests.conftest import Api

README = Path(__file__).parents[1] / "README.md"
METHODS = ("get", "post", "put", "patch", "delete")


def refused(response: Any) -> list[tuple[str, str, str]]:
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "validation_failed"
    return [(e["field"], e["location"], e["message"]) for e in response.json["errors"]]


def unknown(*names: str) -> list[tuple[str, str, str]]:
    return [(name, "query", query_parameters.UNKNOWN) for name in names]


@pytest.fixture
def two_editions(organiser: Api, exhibitor: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two open editions with one submitted application each."""
    organisation = make_organisation(exhibitor)
    editions = open_edition(organiser, "takumi"), open_edition(organiser, "mokucolle")
    for edition in editions:
        submitted_application(exhibitor, edition, organisation["id"])
    return editions


def test_a_misspelt_filter_is_named_instead_of_answering_everything(organiser, two_editions):
    takumi, _ = two_editions

    assert refused(organiser.get(f"{APPLICATIONS}?edition={takumi['id']}")) == unknown("edition")

    # The documented name filters.
    listed = organiser.get(APPLICATIONS, query_string={"edition_id": takumi["id"]})
    assert listed.status_code == 200
    assert [a["edition_id"] for a in listed.json["items"]] == [takumi["id"]]


def test_every_documented_filter_of_the_list_still_works(organiser, two_editions):
    query = {
        "page": 1,
        "per_page": 5,
        "edition_id": two_editions[1]["id"],
        "series": "mokucolle",
        "status": "submitted",
        "prefecture_code": 13,
        "industry_category": "timber",
        "sort": "-submitted_at",
    }

    response = organiser.get(APPLICATIONS, query_string=query)

    assert response.status_code == 200, response.json
    assert response.json["total"] == 1


def test_each_unknown_parameter_is_named_once_in_the_urls_order(organiser):
    response = organiser.get("/api/v1/editions?zeta=1&page=1&alpha=2&zeta=3")

    assert refused(response) == unknown("zeta", "alpha")


def test_an_operation_without_query_parameters_refuses_one(anonymous, organiser):
    edition = open_edition(organiser, "takumi")

    assert refused(anonymous.get(f"/api/v1/editions/{edition['id']}?foo=1")) == unknown("foo")
    assert refused(anonymous.get("/api/v1/series?lang=en")) == unknown("lang")
    assert anonymous.get(f"/api/v1/editions/{edition['id']}").status_code == 200


def test_a_write_refuses_an_unknown_parameter_and_changes_nothing(organiser):
    edition = open_edition(organiser, "takumi")
    url = f"/api/v1/editions/{edition['id']}"

    response = organiser.patch(
        f"{url}?dry_run=1", json={"title_en": "Renamed", "version": edition["version"]}
    )

    assert refused(response) == unknown("dry_run")
    assert organiser.get(url).json["title_en"] == edition["title_en"]


def test_a_public_post_refuses_before_doing_anything(anonymous):
    response = anonymous.post(
        "/api/v1/auth/login?remember=1", json={"email": "a@example.jp", "password": "x" * 12}
    )

    assert refused(response) == unknown("remember")


def test_a_single_valued_parameter_given_twice_is_refused(anonymous):
    # webargs would silently keep the first value; the client meant one of them.
    response = anonymous.get("/api/v1/editions?page=1&page=2")

    assert refused(response) == [("page", "query", query_parameters.GIVEN_TWICE)]
    assert anonymous.get("/api/v1/editions?page=2").status_code == 200


def test_a_comma_separated_list_given_twice_is_refused(organiser):
    edition = open_edition(organiser, "takumi")
    url = f"/api/v1/editions/{edition['id']}/applications/export"

    assert [f for f, *_ in refused(organiser.get(f"{url}?fields=id&fields=status"))] == ["fields"]
    assert organiser.get(f"{url}?fields=id,status").status_code == 200


def test_a_repeatable_parameter_may_repeat(anonymous, organiser):
    edition = open_edition(organiser, "takumi")
    url = f"/api/v1/editions/{edition['id']}/calendar?kind=hands_on&kind=seminar&lang=en"

    response = anonymous.get(url)

    assert response.status_code == 200, response.json
    assert "kind=hands_on&kind=seminar" in response.json["https"]


def test_the_links_the_api_hands_out_are_accepted(app, organiser):
    """Query strings eventhub writes itself (pass links, feed links) are documented ones."""
    edition = open_edition(organiser, "takumi")
    links = organiser.get(f"/api/v1/editions/{edition['id']}/calendar?lang=en").json

    path = links["https"].removeprefix(app.config["EVENTHUB_BASE_URL"])

    assert organiser.get(path).status_code == 200


def test_pages_and_the_document_ignore_parameters_they_do_not_read(client):
    assert client.get("/login?utm_source=mail").status_code == 200
    assert client.get("/api/v1/openapi.json?v=2").status_code == 200


def test_an_unknown_route_stays_a_404_whatever_its_query(anonymous):
    assert anonymous.get("/api/v1/no-such-thing?foo=1").status_code == 404


def test_every_api_route_is_an_operation_checked_or_the_document(app: Flask):
    """Nothing under /api/v1 escapes the check: a new endpoint is an operation, so checked."""
    accepted = app.extensions["eventhub.query_parameters"]
    unchecked = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        and not any((rule.endpoint, method) in accepted for method in rule.methods or ())
    }

    # Only the document (flask-smorest's) and the page that shows it (/api/v1/docs, HTML).
    assert "api-docs.openapi_json" in unchecked
    documentation = ("api-docs.", "api_reference.")
    assert {endpoint for endpoint in unchecked if not endpoint.startswith(documentation)} == set()


# The README lists each operation's query parameters, exactly as the API takes them ----------


def readme_table() -> dict[tuple[str, str], set[str]]:
    """(method, path with its variables blanked) → the names in the README's table."""
    text = README.read_text(encoding="utf-8")
    (section,) = re.findall(r"\n### Query parameters\n(.*?)\n#", text, re.S)
    table: dict[tuple[str, str], set[str]] = {}
    for line in section.splitlines():
        cells = line.split("|")
        if len(cells) < 4 or not cells[1].strip().startswith("`"):
            continue
        names = set(re.findall(r"`([a-z_]+)`", cells[2]))
        for methods, path in re.findall(r"`([A-Z/]+) (/[^`]+)`", cells[1]):
            for method in methods.split("/"):
                table[(method.lower(), blank(path))] = names
    return table


def blank(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path.removeprefix("/api/v1"))


def test_the_readme_lists_the_query_parameters_of_every_operation(spec_document):
    documented = {
        (method, blank(path)): {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
        for path, item in spec_document["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }
    with_query = {operation: names for operation, names in documented.items() if names}

    assert readme_table() == with_query


@pytest.fixture
def spec_document(anonymous: Api) -> dict[str, Any]:
    return dict(anonymous.get("/api/v1/openapi.json").json)


def test_the_document_says_what_a_422_means(spec_document):
    (response,) = (
        r for name, r in spec_document["components"]["responses"].items() if "UNPROCESSABLE" in name
    )

    assert "never ignored" in response["description"]
