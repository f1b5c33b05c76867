"""Request bodies and small assertions shared by the events API tests."""

from __future__ import annotations

from typing import Any

EDITIONS = "/api/v1/editions"


def edition_body(**overrides: Any) -> dict[str, Any]:
    """A valid takumi edition, 7–9 August 2026 in Tokyo."""
    body = {
        "series": "takumi",
        "title_ja": "ものづくり・匠の技の祭典2026",
        "title_en": "Takumi 2026",
        "starts_at": "2026-08-07T10:00:00+09:00",
        "ends_at": "2026-08-09T17:00:00+09:00",
        "format": "hybrid",
    }
    body.update(overrides)
    return body


def session_body(**overrides: Any) -> dict[str, Any]:
    """A valid demonstration on the first day of ``edition_body()``."""
    body = {
        "kind": "demonstration",
        "title_ja": "江戸切子 カット実演",
        "title_en": "Edo kiriko glass cutting",
        "starts_at": "2026-08-07T11:00:00+09:00",
        "ends_at": "2026-08-07T11:45:00+09:00",
        "place": "ホールE 実演ステージ",
    }
    body.update(overrides)
    return body


def sessions_url(edition_id: int) -> str:
    return f"{EDITIONS}/{edition_id}/sessions"


def error_fields(response: Any) -> set[str]:
    """The fields a 422 problem names."""
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "validation_failed"
    return {error["field"] for error in response.json["errors"]}


def problem_code(response: Any, status: int) -> str:
    assert response.status_code == status, response.json
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == status
    return str(response.json["code"])
