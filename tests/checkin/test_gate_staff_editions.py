"""Gate staff work at the editions granted to them: they search, check in, undo and read the
figures of those only, and search shows them the least that identifies a visitor at the desk
(name, furigana, pass number, a masked email). Organisers keep the full view."""

from __future__ import annotations

from typing import Any

import pytest

from eventhub.accounts.models import Role
from tests.accounts.helpers import assert_invalid, assert_problem
from tests.checkin.gate_helpers import (
    edition,
    fresh_caches,  # noqa: F401  (autouse fixture)
    issue_pass,
    make_device,
    scan,
)

EDITIONS = "/api/v1/editions"


@pytest.fixture
def two_editions(app, organiser) -> tuple[dict[str, Any], dict[str, Any]]:
    return edition(organiser), edition(organiser)


def _search(api: Any, edition_id: int, q: str) -> Any:
    return api.get(f"{EDITIONS}/{edition_id}/checkin/search", query_string={"q": q})


def test_gate_staff_of_one_edition_cannot_search_another(app, make_user, two_editions):
    a, b = two_editions
    issue_pass(app, a["id"], name="山田 太郎", email="taro@example.co.jp")
    issue_pass(app, b["id"], name="山田 次郎", email="jiro@example.co.jp")
    staff = make_user(Role.GATE_STAFF, edition_id=a["id"])

    assert [hit["holder_name"] for hit in _search(staff, a["id"], "山田").json] == ["山田 太郎"]
    refused = _search(staff, b["id"], "山田")
    assert_problem(refused, 403, "forbidden")
    assert "山田" not in refused.get_data(as_text=True)


def test_gate_staff_see_a_masked_email_and_organisers_the_full_one(
    app, organiser, make_user, two_editions
):
    a, _ = two_editions
    issued = issue_pass(
        app, a["id"], name="山田 太郎", kana="ヤマダ タロウ", email="taro.yamada@example.co.jp"
    )
    staff = make_user(Role.GATE_STAFF, edition_id=a["id"])

    (hit,) = _search(staff, a["id"], "taro.yamada@example").json
    (full,) = _search(organiser, a["id"], "やまだ").json

    assert hit["holder_name"] == "山田 太郎"
    assert hit["name_kana"] == "ヤマダ タロウ"
    assert hit["pass_number"] == f"{issued.id}-1"
    assert hit["email_masked"] == "t***@e***.jp"
    assert hit["holder_email"] is None
    assert "taro.yamada" not in str(hit)
    assert full["holder_email"] == "taro.yamada@example.co.jp"
    assert full["email_masked"] == "t***@e***.jp"


def test_gate_staff_of_one_edition_cannot_work_the_desk_of_another(
    app, organiser, make_user, two_editions
):
    a, b = two_editions
    device = make_device(organiser, b["id"])
    issued = issue_pass(app, b["id"])
    admitted = scan(device, issued.token).json
    staff = make_user(Role.GATE_STAFF, edition_id=a["id"])

    manual = staff.post(f"{EDITIONS}/{b['id']}/checkin/manual", json={"pass_id": issued.id})
    assert_problem(manual, 403, "forbidden")
    assert_problem(staff.get(f"{EDITIONS}/{b['id']}/figures"), 403, "forbidden")
    assert_problem(staff.get(f"{EDITIONS}/{b['id']}/gates"), 403, "forbidden")
    assert_problem(staff.post(f"/api/v1/scans/{admitted['scan_id']}/undo"), 404, "not_found")
    assert staff.get(f"{EDITIONS}/{a['id']}/figures").status_code == 200
    # Granted the second edition as well, they work at both.
    grant = organiser.post(
        f"/api/v1/users/{staff.user_id}/roles", json={"role": "gate_staff", "edition_id": b["id"]}
    )
    assert grant.status_code == 201, grant.json
    assert staff.post(f"/api/v1/scans/{admitted['scan_id']}/undo").status_code == 200


def test_gate_staff_grants_name_an_edition_and_only_theirs_do(organiser, make_user, two_editions):
    a, _ = two_editions
    someone = make_user()
    url = f"/api/v1/users/{someone.user_id}/roles"

    assert_invalid(organiser.post(url, json={"role": "gate_staff"}), "edition_id")
    unknown = organiser.post(url, json={"role": "gate_staff", "edition_id": 999_999})
    assert_invalid(unknown, "edition_id")
    assert unknown.json["errors"][0]["message"] == "No edition has this id."
    reviewer = organiser.post(url, json={"role": "reviewer", "edition_id": a["id"]})
    assert_invalid(reviewer, "edition_id")

    granted = organiser.post(url, json={"role": "gate_staff", "edition_id": a["id"]})
    again = organiser.post(url, json={"role": "gate_staff", "edition_id": a["id"]})

    assert granted.status_code == again.status_code == 201
    assert granted.json["edition_id"] == a["id"]
    assert again.json["id"] == granted.json["id"]
    roles = organiser.get(f"/api/v1/users/{someone.user_id}").json["roles"]
    assert [(r["role"], r["edition_id"]) for r in roles] == [("gate_staff", a["id"])]


def test_the_openapi_document_describes_the_grant_and_the_masked_hit(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]

    grant = schemas["RoleGrant"]["properties"]
    hit = schemas["SearchHit"]["properties"]
    assert "edition_id" in grant
    assert "gate staff" in grant["edition_id"]["description"]
    assert {"email_masked", "pass_number", "holder_email"} <= set(hit)
