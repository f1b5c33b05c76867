"""The automatic proposal through HTTP: groups, sizes, and applying it."""

from __future__ import annotations

from typing import Any

import pytest

from eventhub.accounts.models import Role
from tests.booths.helpers import (
    allocate,
    application_booths_url,
    approved_application,
    booth_body,
    booths_url,
    make_booths,
    problem,
    proposal_url,
    submitted_application,
)
from tests.events.helpers import error_fields


def floor(organiser, edition, *zones: tuple[str, list[int]]) -> list[dict[str, Any]]:
    """Booths zone by zone: ("A", [1, 2]) makes A-1 of 1 unit and A-2 of 2 units."""
    bodies = [
        booth_body(f"{zone}-{n}", zone=zone, units=units)
        for zone, sizes in zones
        for n, units in enumerate(sizes, start=1)
    ]
    return make_booths(organiser, edition["id"], *bodies)


def propose(organiser, edition, group_by: str, apply: bool = False) -> dict[str, Any]:
    response = organiser.post(
        proposal_url(edition["id"]), json={"group_by": group_by, "apply": apply}
    )
    assert response.status_code == 200, response.json
    return dict(response.json)


def codes(result: dict[str, Any]) -> dict[int, list[str]]:
    return {p["application_id"]: [b["code"] for b in p["booths"]] for p in result["placements"]}


def assert_sizes_respected(result: dict[str, Any]) -> None:
    for placement in result["placements"]:
        assert placement["units"] == sum(b["units"] for b in placement["booths"])
        assert 0 < placement["units"] <= placement["requested_units"]
        assert placement["short_by"] == placement["requested_units"] - placement["units"]


def test_proposal_by_prefecture_keeps_each_prefecture_together(organiser, exhibitor, edition):
    floor(organiser, edition, ("A", [1, 1, 1, 1]), ("B", [2, 1]))

    def apply_for(prefecture_code: int, units: int) -> int:
        application = approved_application(
            organiser, exhibitor, edition, units=units, prefecture_code=prefecture_code
        )
        return int(application["id"])

    h1, h2, h3 = apply_for(1, 1), apply_for(1, 1), apply_for(1, 2)
    t1, t2 = apply_for(13, 2), apply_for(13, 1)
    submitted_application(exhibitor, edition, units=1, prefecture_code=47)  # not approved

    result = propose(organiser, edition, "prefecture")

    assert result["group_by"] == "prefecture"
    assert result["applied"] is False
    # Hokkaido asks for 4 units and fills zone A; Tokyo's 3 units fill zone B.
    assert codes(result) == {
        h3: ["A-1", "A-2"],
        h1: ["A-3"],
        h2: ["A-4"],
        t1: ["B-1"],
        t2: ["B-2"],
    }
    assert {p["application_id"]: p["group"] for p in result["placements"]} == {
        h1: "01",
        h2: "01",
        h3: "01",
        t1: "13",
        t2: "13",
    }
    assert all(p["short_by"] == 0 for p in result["placements"])
    assert_sizes_respected(result)
    assert result["unplaced"] == []
    assert organiser.get(application_booths_url(h1)).json == []  # nothing written


def test_proposal_by_category_keeps_each_category_together(organiser, exhibitor, edition):
    floor(organiser, edition, ("A", [1, 1, 1, 1]), ("B", [1, 1, 2]))
    made = {}
    for name, category, units, prefecture_code in [
        ("wood-large", "timber", 2, 1),
        ("wood-small", "timber", 1, 13),
        ("food-1", "food", 1, 1),
        ("food-2", "food", 1, 13),
    ]:
        application = approved_application(
            organiser,
            exhibitor,
            edition,
            units=units,
            category=category,
            prefecture_code=prefecture_code,
        )
        made[name] = application["id"]

    result = propose(organiser, edition, "category")

    # timber (3 units) goes first, into zone A; food (2 units) no longer fits the rest of
    # zone A and starts zone B.
    assert codes(result) == {
        made["wood-large"]: ["A-1", "A-2"],
        made["wood-small"]: ["A-3"],
        made["food-1"]: ["B-1"],
        made["food-2"]: ["B-2"],
    }
    assert {p["group"] for p in result["placements"]} == {"timber", "food"}
    assert_sizes_respected(result)


def test_applying_writes_the_allocations(organiser, exhibitor, edition):
    floor(organiser, edition, ("A", [2, 1, 3]))
    first = approved_application(organiser, exhibitor, edition, units=3)
    second = approved_application(organiser, exhibitor, edition, units=2, prefecture_code=20)

    result = propose(organiser, edition, "prefecture", apply=True)

    assert result["applied"] is True
    assert codes(result) == {first["id"]: ["A-3"], second["id"]: ["A-1"]}
    assert [b["code"] for b in exhibitor.get(application_booths_url(first["id"])).json] == ["A-3"]
    assert [b["code"] for b in exhibitor.get(application_booths_url(second["id"])).json] == ["A-1"]
    occupied = organiser.get(booths_url(edition["id"]), query_string={"state": "occupied"})
    assert occupied.json["total"] == 2
    assert occupied.json["items"][0]["allocation"]["allocated_by_id"] == organiser.user_id
    # Every approved application now holds booths: nothing is left to propose.
    assert propose(organiser, edition, "prefecture", apply=True) == {
        "group_by": "prefecture",
        "applied": True,
        "placements": [],
        "unplaced": [],
    }


def test_applications_with_booths_and_booths_taken_are_left_alone(organiser, exhibitor, edition):
    a1, _ = floor(organiser, edition, ("A", [1, 1]))
    placed = approved_application(organiser, exhibitor, edition, units=2)
    allocate(organiser, placed["id"], a1["id"])
    waiting = approved_application(organiser, exhibitor, edition, units=1, prefecture_code=20)

    result = propose(organiser, edition, "prefecture", apply=True)

    assert codes(result) == {waiting["id"]: ["A-2"]}
    held = organiser.get(application_booths_url(placed["id"])).json
    assert [b["code"] for b in held] == ["A-1"]  # its second unit is the organisers' to give


def test_what_does_not_fit_is_reported_and_never_over_the_request(organiser, exhibitor, edition):
    floor(organiser, edition, ("A", [3]))
    large = approved_application(organiser, exhibitor, edition, units=4)
    small = approved_application(organiser, exhibitor, edition, units=2)

    result = propose(organiser, edition, "prefecture", apply=True)

    (placement,) = result["placements"]
    assert placement["application_id"] == large["id"]
    assert (placement["requested_units"], placement["units"], placement["short_by"]) == (4, 3, 1)
    assert result["unplaced"] == [
        {
            "application_id": small["id"],
            "organisation_name": "株式会社木工13",
            "group": "13",
            "requested_units": 2,
            "reason": "no_free_booth",
        }
    ]
    held = organiser.get(application_booths_url(large["id"])).json
    assert sum(b["units"] for b in held) == 3


def test_group_by_is_required_and_checked(organiser, edition):
    assert error_fields(organiser.post(proposal_url(edition["id"]), json={})) == {"group_by"}
    response = organiser.post(proposal_url(edition["id"]), json={"group_by": "size"})
    assert error_fields(response) == {"group_by"}


@pytest.mark.parametrize("roles", [(), (Role.REVIEWER,)])
def test_only_organisers_propose(make_user, edition, roles):
    response = make_user(*roles).post(proposal_url(edition["id"]), json={"group_by": "category"})

    problem(response, 403, "forbidden")
