"""A scripted attack over the whole API: every write operation the OpenAPI document lists gets,
in every text field its body schema names, a NUL byte, other C0/C1 control characters and a
spreadsheet formula — as the organiser, as an exhibitor and anonymously.

Nothing may answer 500. A control character answers 422 naming the field; a formula is text
like any other (the exports neutralise it, see tests/test_spreadsheets.py). The operations are
read from the document, so an endpoint added later is attacked without editing this file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.applications.helpers import open_edition
from tests.conftest import Api

WRITE_METHODS = ("post", "put", "patch")
CONTROLS = ("a\x00b", "\x01", "x\x1fy", "\x7f", "\x9b")
FORMULAS = ('=HYPERLINK("http://evil.example/","クリック")', "+1+1", "-2+3", "@SUM(A1)", "\t=1")
DEPTH = 4


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _is_text(schema: dict[str, Any]) -> bool:
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return "string" in kinds and "format" not in schema and "enum" not in schema


def _sample(spec: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    """A plausible value of ``schema``: enough to get past "field required" to the field."""
    schema = _resolve(spec, schema)
    for combinator in ("oneOf", "anyOf", "allOf"):
        if combinator in schema:
            return _sample(spec, schema[combinator][0], depth)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    kinds = schema.get("type")
    kind = next((k for k in kinds if k != "null"), None) if isinstance(kinds, list) else kinds
    if kind == "object" or "properties" in schema:
        if depth >= DEPTH:
            return {}
        return {
            name: _sample(spec, sub, depth + 1)
            for name, sub in schema.get("properties", {}).items()
            if not sub.get("readOnly")
        }
    if kind == "array":
        return [] if depth >= DEPTH else [_sample(spec, schema.get("items", {}), depth + 1)]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    return {
        "date": "2027-08-07",
        "date-time": "2027-08-07T10:00:00+09:00",
        "email": "someone@example.jp",
    }.get(schema.get("format", ""), "テキスト")


def _text_fields(
    spec: dict[str, Any], schema: dict[str, Any], prefix: str = "", depth: int = 0
) -> Iterator[str]:
    """The dotted path of every text property in a body schema (objects nested to DEPTH)."""
    schema = _resolve(spec, schema)
    for combinator in ("oneOf", "anyOf", "allOf"):
        if combinator in schema:
            yield from _text_fields(spec, schema[combinator][0], prefix, depth)
    for name, sub in schema.get("properties", {}).items():
        sub = _resolve(spec, sub)
        path = f"{prefix}{name}"
        if sub.get("readOnly"):
            continue
        if _is_text(sub):
            yield path
        elif depth < DEPTH and (sub.get("properties") or "$ref" in sub):
            yield from _text_fields(spec, sub, f"{path}.", depth + 1)


def _with(body: Any, path: str, value: str) -> Any:
    head, _, rest = path.partition(".")
    if not isinstance(body, dict):
        body = {}
    body = dict(body)
    body[head] = _with(body.get(head, {}), rest, value) if rest else value
    return body


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in WRITE_METHODS:
            operation = item.get(method)
            if not operation:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                yield method, path, content["application/json"]["schema"]


def _url(path: str, edition_id: int) -> str:
    # Real ids where the world has them, so the request reaches the deepest check it can.
    url = path.replace("{edition_id}", str(edition_id))
    while "{" in url:
        start, end = url.index("{"), url.index("}")
        url = f"{url[:start]}1{url[end + 1 :]}"
    return url


@pytest.fixture
def spec(anonymous: Api) -> dict[str, Any]:
    return dict(anonymous.get("/api/v1/openapi.json").json)


@pytest.fixture
def principals(organiser: Api, exhibitor: Api, anonymous: Api) -> dict[str, Api]:
    return {"organiser": organiser, "exhibitor": exhibitor, "anonymous": anonymous}


def _send(api: Api, method: str, url: str, body: Any) -> Any:
    return getattr(api, method)(url, json=body)


def test_the_document_lists_write_operations_with_text_fields(spec):
    # Guards the walk below: if the document changed shape, the attack would test nothing.
    attacked = [
        (method, path, field)
        for method, path, schema in _operations(spec)
        for field in _text_fields(spec, schema)
    ]
    assert len({(m, p) for m, p, _ in attacked}) >= 30
    assert len(attacked) >= 90


def _attack(
    spec: dict[str, Any], principals: dict[str, Api], values: tuple[str, ...], fault: Any
) -> list[str]:
    """Send each value in each text field of each write operation as each principal; one line
    for every answer ``fault`` finds wrong (it returns what is wrong, or None)."""
    ed = open_edition(principals["organiser"])
    failures: list[str] = []
    for method, path, schema in _operations(spec):
        base = _sample(spec, schema)
        url = _url(path, ed["id"])
        for field in _text_fields(spec, schema):
            for who, api in principals.items():
                for value in values:
                    response = _send(api, method, url, _with(base, field, value))
                    wrong = fault(response, field)
                    if wrong is not None:
                        failures.append(
                            f"{method.upper()} {path} {field}={value!r} as {who}: {wrong}"
                        )
    return failures


def test_control_characters_in_every_text_field_are_refused_naming_it(spec, principals):
    def fault(response: Any, field: str) -> str | None:
        named = {e.get("field") for e in (response.json or {}).get("errors", [])}
        if response.status_code == 422 and field in named:
            return None
        return f"{response.status_code} {sorted(filter(None, named))}"

    failures = _attack(spec, principals, CONTROLS, fault)
    assert not failures, "\n".join(failures[:40])


def test_formulas_in_every_text_field_never_break_the_server(spec, principals):
    def fault(response: Any, field: str) -> str | None:
        if response.status_code < 500:
            return None
        return f"{response.status_code} {response.get_data(as_text=True)[:200]}"

    failures = _attack(spec, principals, FORMULAS, fault)
    assert not failures, "\n".join(failures[:40])
