"""What the OpenAPI document says of ``series_fields``: oneOf the three series' schemas, each as
declared in eventhub.applications.series, and every valid form matching its own branch only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import marshmallow as ma
import pytest
from flask import Flask
from jsonschema import Draft202012Validator

from eventhub.applications.series import SERIES_FIELDS
from tests.applications.helpers import application_body, make_organisation, open_edition
from tests.conftest import Api
from tests.contract import document_of

BRANCHES = {
    "national-zone": "NationalZoneFields",
    "takumi": "TakumiFields",
    "mokucolle": "MokucolleFields",
}
APPLICATION_SCHEMAS = ("Application", "ApplicationPatch")
README = Path(__file__).parents[2] / "README.md"


def _branch_validator(document: dict[str, Any], name: str) -> Draft202012Validator:
    """A validator of one component, resolving references within the whole document."""
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", **document})


def _matching(document: dict[str, Any], value: Any) -> list[str]:
    """The branches of series_fields (by component name, "empty" for the last) ``value`` matches."""
    one_of = document["components"]["schemas"]["Application"]["properties"]["series_fields"]
    matches = []
    for branch in one_of["oneOf"]:
        name = branch.get("$ref", "#/empty").rsplit("/", 1)[-1]
        if Draft202012Validator({**branch, **document}).is_valid(value):
            matches.append(name)
    return matches


@pytest.mark.parametrize("component", APPLICATION_SCHEMAS)
def test_series_fields_is_one_of_the_three_series_and_the_empty_object(
    app: Flask, component: str
) -> None:
    document = document_of(app)
    prop = document["components"]["schemas"][component]["properties"]["series_fields"]
    refs = [b.get("$ref") for b in prop["oneOf"]]
    assert refs[:3] == [f"#/components/schemas/{name}" for name in BRANCHES.values()]
    assert prop["oneOf"][3] == {
        "type": "object",
        "maxProperties": 0,
        "description": prop["oneOf"][3]["description"],
    }
    assert "type" not in prop  # the branches say it: an object


def _choices(field: ma.fields.Field) -> list[str] | None:
    """The values a field (or its list's items) may take, as its OneOf validator says."""
    inner = field.inner if isinstance(field, ma.fields.List) else field
    found = [v.choices for v in inner.validators if isinstance(v, ma.validate.OneOf)]
    return list(found[0]) if found else None


@pytest.mark.parametrize(("slug", "name"), BRANCHES.items())
def test_each_series_declared_fields_are_its_component(app: Flask, slug: str, name: str) -> None:
    component = document_of(app)["components"]["schemas"][name]
    declared = SERIES_FIELDS[slug]._declared_fields
    assert set(component["properties"]) == set(declared)
    # Mutually exclusive: nothing else, and not empty (the empty object is a branch of its own).
    assert component["additionalProperties"] is False
    assert component["minProperties"] == 1
    # A draft may leave the required ones out: they are required to submit.
    assert "required" not in component
    assert component["x-required-to-submit"] == sorted(n for n, f in declared.items() if f.required)
    for key, field in declared.items():
        prop = component["properties"][key]
        assert prop["x-label"]["en"], key
        assert prop["x-label"]["ja"], key
        assert prop["title"] == prop["x-label"]["en"]
        choices = _choices(field)
        if choices is not None:
            items = prop["items"] if isinstance(field, ma.fields.List) else prop
            assert items["enum"] == choices, key
            assert set(prop["x-enum-labels"]) == set(choices), key
    assert component["description"].startswith("The fields of an application")
    assert f"`{slug}`" in component["description"]


def test_the_enums_carry_their_japanese_labels(app: Flask) -> None:
    products = document_of(app)["components"]["schemas"]["MokucolleFields"]["properties"][
        "product_categories"
    ]
    assert products["items"]["enum"] == [
        "structural",
        "interior",
        "exterior",
        "furniture",
        "daily_goods",
        "other",
    ]
    assert products["x-enum-labels"]["structural"] == {"en": "Structural timber", "ja": "構造材"}
    assert "`structural`: Structural timber (構造材)" in products["description"]


def test_the_series_names_in_the_readme_are_the_documents() -> None:
    readme = README.read_text(encoding="utf-8")
    for name in BRANCHES.values():
        assert name in readme


@pytest.mark.parametrize("slug", BRANCHES)
def test_a_complete_form_matches_its_series_branch_only_and_is_accepted(
    app: Flask, organiser: Api, exhibitor: Api, slug: str
) -> None:
    document = document_of(app)
    body = application_body(slug, make_organisation(exhibitor)["id"])
    assert _matching(document, body["series_fields"]) == [BRANCHES[slug]]
    edition = open_edition(organiser, slug)
    response = exhibitor.post(f"/api/v1/editions/{edition['id']}/applications", json=body)
    assert response.status_code == 201, response.json
    answered = response.json["series_fields"]
    assert _matching(document, answered) == [BRANCHES[slug]]
    submitted = exhibitor.post(f"/api/v1/applications/{response.json['id']}/submit", json={})
    assert submitted.status_code == 200, submitted.json


@pytest.mark.parametrize("slug", BRANCHES)
def test_a_draft_without_series_fields_matches_the_empty_branch_only(
    app: Flask, organiser: Api, exhibitor: Api, slug: str
) -> None:
    document = document_of(app)
    body = {"organisation_id": make_organisation(exhibitor)["id"], "series_fields": {}}
    edition = open_edition(organiser, slug)
    response = exhibitor.post(f"/api/v1/editions/{edition['id']}/applications", json=body)
    assert response.status_code == 201, response.json
    assert response.json["series_fields"] == {}
    assert _matching(document, {}) == ["empty"]


def test_a_partial_draft_matches_its_series_and_names_what_submitting_needs(
    app: Flask, organiser: Api, exhibitor: Api
) -> None:
    document = document_of(app)
    edition = open_edition(organiser, "national-zone")
    body = application_body("national-zone", make_organisation(exhibitor)["id"])
    body["series_fields"] = {"prefecture_contact": {"name": "東京 花子"}}
    response = exhibitor.post(f"/api/v1/editions/{edition['id']}/applications", json=body)
    assert response.status_code == 201, response.json
    assert _matching(document, response.json["series_fields"]) == ["NationalZoneFields"]
    refused = exhibitor.post(f"/api/v1/applications/{response.json['id']}/submit", json={})
    assert refused.status_code == 422
    named = {e["field"] for e in refused.json["errors"]}
    required = document["components"]["schemas"]["NationalZoneFields"]["x-required-to-submit"]
    contact = document["components"]["schemas"]["Contact"]["x-required-to-submit"]
    assert {f"series_fields.{key}" for key in required if key != "prefecture_contact"} <= named
    assert {f"series_fields.prefecture_contact.{key}" for key in contact if key != "name"} <= named


def test_another_series_fields_fail_the_branch_and_the_server(
    app: Flask, organiser: Api, exhibitor: Api
) -> None:
    """Mokucolle's fields sent to a takumi edition: the document's TakumiFields refuses them,
    and so does the server, naming the field."""
    document = document_of(app)
    mokucolle = application_body("mokucolle", 0)["series_fields"]
    assert not _branch_validator(document, "TakumiFields").is_valid(mokucolle)
    edition = open_edition(organiser, "takumi")
    body = application_body("takumi", make_organisation(exhibitor)["id"])
    body["series_fields"] = mokucolle
    response = exhibitor.post(f"/api/v1/editions/{edition['id']}/applications", json=body)
    assert response.status_code == 422
    assert "series_fields.timber_species" in {e["field"] for e in response.json["errors"]}


def test_a_cross_field_rule_is_described_on_its_field(app: Flask) -> None:
    takumi = document_of(app)["components"]["schemas"]["TakumiFields"]["properties"]
    description = takumi["demonstration_description"]["description"]
    assert "Required to submit when `demonstration` is true." in description
    assert "422 `validation_failed`" in description
