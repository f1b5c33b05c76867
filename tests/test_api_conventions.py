"""What every endpoint shares: the OpenAPI description, problem+json errors, health."""

from __future__ import annotations

import os

import pytest

PROBLEM_JSON = "application/problem+json"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
#: Operations anyone may call without a token, and which therefore document no security.
PUBLIC_OPERATIONS = {
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/users"),
    ("post", "/api/v1/auth/verify-email"),
    ("post", "/api/v1/auth/verify-email/resend"),
    ("post", "/api/v1/auth/password-reset"),
    ("post", "/api/v1/auth/password-reset/confirm"),
    ("post", "/api/v1/auth/unlock"),
    ("post", "/api/v1/auth/email-change/confirm"),
    ("get", "/api/v1/health"),
    ("get", "/api/v1/health/ping"),
    ("get", "/api/v1/health/ready"),
    ("post", "/api/v1/device/pair"),
}


def _problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    body = response.json
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    return body


# OpenAPI -------------------------------------------------------------------------------------


@pytest.fixture
def spec(anonymous):
    response = anonymous.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def test_openapi_description_is_version_3_1(spec):
    assert spec["openapi"].startswith("3.1.")


def test_openapi_describes_editions_and_login(spec):
    assert {"/api/v1/editions", "/api/v1/auth/login"} <= set(spec["paths"])


def test_openapi_declares_bearer_auth_and_the_problem_schema(spec):
    components = spec["components"]
    assert components["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert {"type", "title", "status", "code", "errors"} <= set(
        components["schemas"]["Problem"]["properties"]
    )


def test_every_operation_but_the_public_ones_documents_security(spec):
    undocumented = {
        (method, path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS and not operation.get("security")
    }

    assert undocumented == PUBLIC_OPERATIONS


def test_write_operations_require_a_token_in_the_description(spec):
    security = spec["paths"]["/api/v1/editions"]["post"]["security"]

    assert security == [{"bearerAuth": []}]


# Errors --------------------------------------------------------------------------------------


def test_unknown_url_is_a_not_found_problem(anonymous):
    body = _problem(anonymous.get("/api/v1/no-such-thing"), 404)

    assert body["code"] == "not_found"


def test_wrong_method_is_a_method_not_allowed_problem(anonymous):
    body = _problem(anonymous.delete("/api/v1/series"), 405)

    assert body["code"] == "method_not_allowed"


def test_problem_titles_follow_accept_language(anonymous):
    body = _problem(anonymous.get("/api/v1/no-such-thing", headers={"Accept-Language": "ja"}), 404)

    assert body["title"] == "見つかりません。"


def test_invalid_json_body_is_a_client_error_not_a_crash(client):
    response = client.post("/api/v1/auth/login", data="{", content_type="application/json")

    assert response.status_code in {400, 422}
    assert response.mimetype == PROBLEM_JSON
    assert response.json["status"] == response.status_code


def test_per_page_zero_is_refused_naming_the_query_parameter(anonymous):
    body = _problem(anonymous.get("/api/v1/editions", query_string={"per_page": 0}), 422)

    assert body["code"] == "validation_failed"
    assert [(e["field"], e["location"]) for e in body["errors"]] == [("per_page", "query")]


def test_per_page_above_the_maximum_is_refused(anonymous):
    body = _problem(anonymous.get("/api/v1/editions", query_string={"per_page": 101}), 422)

    assert [e["field"] for e in body["errors"]] == ["per_page"]


def test_bad_token_is_refused_even_on_public_reads(anonymous):
    response = anonymous.get("/api/v1/series", headers={"Authorization": "Bearer eh_nonsense"})

    assert _problem(response, 401)["code"] == "unauthenticated"


# Health --------------------------------------------------------------------------------------


def test_health_reports_database_and_eager_tasks(anonymous):
    response = anonymous.get("/api/v1/health")

    assert response.status_code == 200
    assert response.json["database"] == "ok"
    assert response.json["tasks"] == "eager"
    assert "last_heartbeat" in response.json


def test_heartbeat_is_completed_in_process_in_eager_mode(organiser):
    response = organiser.post("/api/v1/health/heartbeats")

    assert response.status_code == 202, response.json
    beat = response.json
    assert beat["completed_at"] is not None
    assert beat["worker_pid"] == os.getpid()
    assert organiser.get(f"/api/v1/health/heartbeats/{beat['id']}").json == beat
    assert organiser.get("/api/v1/health").json["last_heartbeat"] == beat


def test_exhibitor_cannot_request_a_heartbeat(exhibitor):
    body = _problem(exhibitor.post("/api/v1/health/heartbeats"), 403)

    assert body["code"] == "forbidden"


def test_anonymous_cannot_request_a_heartbeat(anonymous):
    body = _problem(anonymous.post("/api/v1/health/heartbeats"), 401)

    assert body["code"] == "unauthenticated"


# No cookie session -----------------------------------------------------------------------------


def test_no_cookie_is_ever_set_not_even_for_a_client_sending_one(organiser):
    organiser.client.set_cookie("session", "eyJ4IjoxfQ.forged")  # stale, from another app
    responses = [
        organiser.get("/api/v1/health/ping"),
        organiser.post("/api/v1/auth/login", json={"email": "nobody@example.jp", "password": "x"}),
        organiser.get("/api/v1/editions"),
    ]
    for response in responses:
        assert "Set-Cookie" not in response.headers, response.headers


def test_writing_to_the_flask_session_fails_loudly_on_the_api(app):
    # The API is sessionless; only pages (outside /api/) have a cookie session.
    from flask import session

    with app.test_request_context("/api/v1/health"), pytest.raises(RuntimeError):
        session["user"] = 1
