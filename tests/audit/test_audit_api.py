"""GET /api/v1/audit-events: organisers only, paginated, filtered; the log is append-only."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from eventhub.accounts.models import Role
from eventhub.fields import TOKYO
from tests.applications.helpers import open_edition
from tests.audit.helpers import AUDIT, events
from tests.conftest import Api


def _device(organiser: Api, edition_id: int, name: str) -> None:
    url = f"/api/v1/editions/{edition_id}/devices"
    assert organiser.post(url, json={"name": name}).status_code == 201


@pytest.mark.parametrize("role", [None, Role.REVIEWER, Role.GATE_STAFF, Role.PREFECTURE_CONTACT])
def test_only_organisers_read_the_log(organiser, make_user, role):
    edition_id = open_edition(organiser)["id"]
    api = make_user(*([role] if role else []), prefecture_code=13, edition_id=edition_id)

    response = api.get(AUDIT)

    assert response.status_code == 403
    assert response.json["code"] == "forbidden"


def test_anonymous_readers_must_log_in(anonymous):
    assert anonymous.get(AUDIT).status_code == 401


def test_the_log_has_no_way_to_change_it(organiser):
    for method in (organiser.post, organiser.put, organiser.patch, organiser.delete):
        assert method(AUDIT).status_code == 405
    assert organiser.delete(f"{AUDIT}/1").status_code in {404, 405}


def test_pages_come_newest_first_with_the_total(organiser):
    edition = open_edition(organiser)
    for number in range(5):
        _device(organiser, edition["id"], f"iPad {number}")

    first = organiser.get(AUDIT, query_string={"action": "device.created", "per_page": 2})
    last = organiser.get(AUDIT, query_string={"action": "device.created", "per_page": 2, "page": 3})

    assert first.status_code == 200
    assert (first.json["total"], first.json["page"], first.json["per_page"]) == (5, 1, 2)
    assert [e["details"]["name"] for e in first.json["items"]] == ["iPad 4", "iPad 3"]
    assert [e["details"]["name"] for e in last.json["items"]] == ["iPad 0"]


def test_filters_by_edition_action_and_actor(organiser, make_user, exhibitor):
    first, second = open_edition(organiser), open_edition(organiser, "mokucolle")
    _device(organiser, first["id"], "東口")
    _device(organiser, second["id"], "西口")
    other = make_user(Role.ORGANISER)
    assert (
        other.post(f"/api/v1/users/{exhibitor.user_id}/roles", json={"role": "reviewer"})
    ).status_code == 201

    by_edition = events(organiser, edition_id=second["id"])
    by_action = events(organiser, action="role.granted", actor_id=other.user_id)
    by_actor = events(organiser, actor_id=organiser.user_id)

    assert [(e["action"], e["details"]["name"]) for e in by_edition] == [("device.created", "西口")]
    assert [e["target_id"] for e in by_action] == [exhibitor.user_id]
    assert {e["action"] for e in by_actor} == {"device.created"}
    assert len(by_actor) == 2


def test_filters_by_time_since_inclusive_until_exclusive(organiser):
    edition = open_edition(organiser)
    _device(organiser, edition["id"], "東口")
    created = datetime.fromisoformat(events(organiser, action="device.created")[0]["created_at"])
    later = (created + timedelta(hours=1)).astimezone(TOKYO)

    since_then = events(organiser, action="device.created", since=created.isoformat())
    until_then = events(organiser, action="device.created", until=created.isoformat())
    window = events(organiser, since=later.isoformat(), until=(later + timedelta(1)).isoformat())

    assert len(since_then) == 1
    assert until_then == []
    assert window == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"action": "application.deleted"}, "action"),
        ({"edition_id": "abc"}, "edition_id"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2027-01-02T00:00:00+09:00", "until": "2027-01-01T00:00:00+09:00"}, "until"),
        ({"per_page": 101}, "per_page"),
    ],
)
def test_bad_filters_are_422_naming_the_field(organiser, query, field):
    response = organiser.get(AUDIT, query_string=query)

    assert response.status_code == 422
    assert field in {error["field"] for error in response.json["errors"]}
