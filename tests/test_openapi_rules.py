"""Rules the server enforces are in the OpenAPI document: patterns, descriptions, rules across
fields, from the declarations the server validates with (eventhub.openapi)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Flask

from eventhub import fields
from eventhub.japan import patterns
from eventhub.openapi import REFUSED
from tests.contract import document_of


def _schemas(app: Flask) -> dict[str, Any]:
    return dict(document_of(app)["components"]["schemas"])


def _component_classes(app: Flask) -> dict[str, type[ma.Schema]]:
    """Each component made from a marshmallow schema, with the schema's class."""
    document_of(app)  # every component registered
    converter = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].ma_plugin.converter
    return {name: key[0] for key, name in converter.refs.items()}


def test_every_rule_across_fields_is_described_on_a_field(app: Flask) -> None:
    """A schema checked by a ``validates_schema`` hook states, on a field, the rule it checks:
    a new rule without a sentence fails here."""
    schemas = _schemas(app)
    undocumented = []
    for name, cls in _component_classes(app).items():
        if not cls._hooks[ma.decorators.VALIDATES_SCHEMA] or name not in schemas:
            continue
        properties = schemas[name].get("properties", {}).values()
        if not any("x-rule" in prop for prop in properties):
            undocumented.append(name)
    assert not undocumented


def test_a_rule_says_how_the_server_answers(app: Flask) -> None:
    ends_at = _schemas(app)["Edition"]["properties"]["ends_at"]
    assert ends_at["x-rule"].startswith("After starts_at")
    assert ends_at["description"].endswith(REFUSED)


def test_japanese_identifiers_state_what_the_server_accepts(app: Flask) -> None:
    organisation = _schemas(app)["Organisation"]["properties"]
    assert organisation["name_kana"]["pattern"] == patterns.FURIGANA
    assert organisation["postal_code"]["pattern"] == patterns.POSTAL_CODE
    assert organisation["corporate_number"]["pattern"] == patterns.CORPORATE_NUMBER
    assert "check digit" in organisation["corporate_number"]["description"]
    # No pattern can follow libphonenumber's numbering plans: the phone is described.
    assert "pattern" not in organisation["phone"] or organisation["phone"]["pattern"] == (
        fields.NO_CONTROLS
    )
    assert "libphonenumber" in organisation["phone"]["description"]
    for key in ("name_kana", "postal_code", "corporate_number", "phone"):
        assert organisation[key]["example"], key


def test_text_is_not_blank_and_no_string_sent_holds_a_control_character(app: Flask) -> None:
    schemas = _schemas(app)
    assert (
        schemas["Organisation"]["properties"]["name"]["pattern"] == fields.Text.openapi["pattern"]
    )
    assert schemas["Login"]["properties"]["password"]["pattern"] == fields.NO_CONTROLS
    # Answers only: no pattern (what the server writes is not checked at the door).
    assert "pattern" not in schemas["Application"]["properties"]["status"]


def test_path_parameters_that_are_strings_refuse_control_characters(app: Flask) -> None:
    seen = 0
    for item in document_of(app)["paths"].values():
        parameters = list(item.get("parameters", []))
        for operation in item.values():
            if isinstance(operation, dict):
                parameters.extend(operation.get("parameters", []))
        for parameter in parameters:
            schema = parameter.get("schema", {}) if isinstance(parameter, dict) else {}
            if parameter.get("in") == "path" and schema.get("type") == "string":
                assert schema.get("pattern") == fields.NO_CONTROLS, parameter
                seen += 1
    assert seen
