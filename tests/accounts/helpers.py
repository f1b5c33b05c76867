"""Assertions and payloads the accounts API tests share."""

from __future__ import annotations

from typing import Any

from tests.conftest import PASSWORD

PROBLEM_JSON = "application/problem+json"
LOGIN = "/api/v1/auth/login"
VALID_CORPORATE_NUMBER = "7000012050002"


def assert_problem(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is a problem+json error with ``status`` (and ``code`` when given)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    body: dict[str, Any] = response.get_json(force=True)
    assert body["status"] == status
    assert body["type"]
    assert body["title"]
    if code is not None:
        assert body["code"] == code, body
    return body


def assert_invalid(response: Any, field: str, location: str = "json") -> dict[str, Any]:
    """A 422 whose ``errors`` name ``field`` at ``location``."""
    body = assert_problem(response, 422, "validation_failed")
    named = {(e.get("field"), e["location"]) for e in body["errors"]}
    assert (field, location) in named, body["errors"]
    return body


def login(client: Any, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN, json={"email": email, "password": password, **extra})


def organisation_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": "株式会社テスト工芸",
        "name_kana": "カブシキガイシャテストコウゲイ",
        "kind": "company",
        "prefecture_code": 13,
        "postal_code": "100-0001",
        "address": "東京都千代田区千代田1-1",
        "phone": "03-1234-5678",
    }
    payload.update(overrides)
    return payload
