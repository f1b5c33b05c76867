"""The floor plan through HTTP: creating, listing, changing and deleting booths."""

from __future__ import annotations

import pytest

from eventhub.accounts.models import Role
from tests.booths.helpers import (
    allocate,
    approved_application,
    booth_body,
    booths_url,
    make_booths,
    open_edition,
    problem,
)
from tests.events.helpers import error_fields

# Creating ------------------------------------------------------------------------------------


def test_organiser_creates_one_booth(organiser, edition):
    body = booth_body("A-12", zone="東1ホール", units=2, is_corner=True, note="柱あり")

    response = organiser.post(booths_url(edition["id"]), json=body)

    assert response.status_code == 201, response.json
    booth = response.json
    assert booth["edition_id"] == edition["id"]
    assert (booth["code"], booth["zone"], booth["units"]) == ("A-12", "東1ホール", 2)
    assert booth["is_corner"] is True
    assert booth["note"] == "柱あり"
    assert booth["allocation"] is None
    assert booth["version"] == 1
    assert organiser.get(booths_url(edition["id"], booth["id"])).json == booth


def test_codes_are_normalised_to_half_width_upper_case(organiser, edition):
    response = organiser.post(booths_url(edition["id"]), json=booth_body("ａ－１２"))

    assert response.status_code == 201, response.json
    assert response.json["code"] == "A-12"
    assert response.json["is_corner"] is False


def test_a_list_creates_many_booths_and_is_answered_with_a_list(organiser, edition):
    bodies = [booth_body("A-1", units=1), booth_body("A-2", units=2), booth_body("B-1", "B", 4)]

    response = organiser.post(booths_url(edition["id"]), json=bodies)

    assert response.status_code == 201, response.json
    assert [(b["code"], b["zone"], b["units"]) for b in response.json] == [
        ("A-1", "A", 1),
        ("A-2", "A", 2),
        ("B-1", "B", 4),
    ]
    listed = organiser.get(booths_url(edition["id"])).json
    assert listed["total"] == 3
    assert [b["code"] for b in listed["items"]] == ["A-1", "A-2", "B-1"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"code", "zone", "units"}),
        (booth_body("A-1", units=0), {"units"}),
        (booth_body("A-1", units="two"), {"units"}),
        (booth_body("", zone="  "), {"code", "zone"}),
        (booth_body("A-123456789012345678901"), {"code"}),
        (booth_body("A-1", is_corner="perhaps"), {"is_corner"}),
    ],
)
def test_invalid_booths_are_refused_naming_the_fields(organiser, edition, body, fields):
    response = organiser.post(booths_url(edition["id"]), json=body)

    assert error_fields(response) == fields


def test_errors_in_a_list_name_the_item(organiser, edition):
    bodies = [booth_body("A-1"), booth_body("A-2", units=-1)]

    response = organiser.post(booths_url(edition["id"]), json=bodies)

    assert error_fields(response) == {"1.units"}
    assert organiser.get(booths_url(edition["id"])).json["total"] == 0


def test_an_empty_list_is_refused(organiser, edition):
    response = organiser.post(booths_url(edition["id"]), json=[])

    assert response.status_code == 422, response.json


def test_a_code_the_edition_already_has_is_a_conflict(organiser, edition):
    make_booths(organiser, edition["id"], booth_body("A-12"))

    response = organiser.post(
        booths_url(edition["id"]), json=[booth_body("B-1"), booth_body("a-12")]
    )

    body = problem(response, 409, "booth_code_exists")
    assert body["codes"] == ["A-12"]
    assert organiser.get(booths_url(edition["id"])).json["total"] == 1  # all or none


def test_a_code_given_twice_in_one_list_is_invalid(organiser, edition):
    response = organiser.post(booths_url(edition["id"]), json=[booth_body("A-1")] * 2)

    assert error_fields(response) == {"1.code"}


def test_another_edition_may_use_the_same_code(organiser, edition):
    other = open_edition(organiser)
    make_booths(organiser, edition["id"], booth_body("A-1"))

    assert organiser.post(booths_url(other["id"]), json=booth_body("A-1")).status_code == 201


def test_booths_may_not_exceed_the_edition_capacity(organiser):
    edition = open_edition(organiser, booth_capacity=4)
    make_booths(organiser, edition["id"], booth_body("A-1", units=3))

    body = problem(
        organiser.post(booths_url(edition["id"]), json=booth_body("A-2", units=2)),
        409,
        "over_capacity",
    )
    assert (body["booth_capacity"], body["units_in_booths"]) == (4, 3)


@pytest.mark.parametrize("roles", [(), (Role.REVIEWER,)])
def test_only_organisers_create_booths(make_user, edition, roles):
    response = make_user(*roles).post(booths_url(edition["id"]), json=booth_body("A-1"))

    problem(response, 403, "forbidden")


def test_booths_of_an_unknown_edition_are_not_found(organiser):
    problem(organiser.post(booths_url(999), json=booth_body("A-1")), 404, "not_found")


# Listing -------------------------------------------------------------------------------------


def test_reviewers_list_booths_and_exhibitors_may_not(make_user, exhibitor, organiser, edition):
    make_booths(organiser, edition["id"], booth_body("A-1"))

    assert make_user(Role.REVIEWER).get(booths_url(edition["id"])).json["total"] == 1
    problem(exhibitor.get(booths_url(edition["id"])), 403, "forbidden")


def test_list_shows_the_allocation_and_filters_free_and_occupied(organiser, exhibitor, edition):
    _, a2, _ = make_booths(
        organiser,
        edition["id"],
        booth_body("A-1", units=2),
        booth_body("A-2", units=2),
        booth_body("B-1", zone="B", units=2),
    )
    application = approved_application(organiser, exhibitor, edition, units=2)
    assert allocate(organiser, application["id"], a2["id"]).status_code == 201

    def codes(**query):
        response = organiser.get(booths_url(edition["id"]), query_string=query)
        assert response.status_code == 200, response.json
        return [b["code"] for b in response.json["items"]]

    assert codes(state="free") == ["A-1", "B-1"]
    assert codes(state="occupied") == ["A-2"]
    assert codes(zone="B") == ["B-1"]
    occupied = organiser.get(booths_url(edition["id"], a2["id"])).json["allocation"]
    assert occupied["application_id"] == application["id"]
    assert occupied["organisation_name"] == "株式会社木工13"
    assert occupied["allocated_by_id"] == organiser.user_id
    error_fields(organiser.get(booths_url(edition["id"]), query_string={"state": "taken"}))


# Changing and deleting -----------------------------------------------------------------------


def test_organiser_changes_a_free_booth(organiser, edition):
    (booth,) = make_booths(organiser, edition["id"], booth_body("A-1"))

    response = organiser.patch(
        booths_url(edition["id"], booth["id"]), json={"units": 3, "version": booth["version"]}
    )

    assert response.status_code == 200, response.json
    assert (response.json["units"], response.json["version"]) == (3, 2)
    stale = organiser.patch(booths_url(edition["id"], booth["id"]), json={"units": 4, "version": 1})
    problem(stale, 409, "version_conflict")


def test_changing_to_a_code_in_use_is_a_conflict(organiser, edition):
    _, second = make_booths(organiser, edition["id"], booth_body("A-1"), booth_body("A-2"))

    response = organiser.patch(booths_url(edition["id"], second["id"]), json={"code": "A-1"})

    problem(response, 409, "booth_code_exists")


def test_an_allocated_booth_keeps_its_size_but_its_note_may_change(organiser, exhibitor, edition):
    (booth,) = make_booths(organiser, edition["id"], booth_body("A-1", units=2))
    application = approved_application(organiser, exhibitor, edition, units=2)
    allocate(organiser, application["id"], booth["id"])
    url = booths_url(edition["id"], booth["id"])

    body = problem(organiser.patch(url, json={"units": 1}), 409, "booth_allocated")
    assert body["application_id"] == application["id"]
    problem(organiser.patch(url, json={"code": "Z-9"}), 409, "booth_allocated")
    assert organiser.patch(url, json={"note": "電源2口"}).json["note"] == "電源2口"


def test_organiser_deletes_a_free_booth(organiser, edition):
    (booth,) = make_booths(organiser, edition["id"], booth_body("A-1"))

    response = organiser.delete(booths_url(edition["id"], booth["id"]))

    assert response.status_code == 204
    problem(organiser.get(booths_url(edition["id"], booth["id"])), 404, "not_found")


def test_an_allocated_booth_cannot_be_deleted(organiser, exhibitor, edition):
    (booth,) = make_booths(organiser, edition["id"], booth_body("A-1", units=2))
    application = approved_application(organiser, exhibitor, edition, units=2)
    allocate(organiser, application["id"], booth["id"])

    problem(organiser.delete(booths_url(edition["id"], booth["id"])), 409, "booth_allocated")


def test_a_booth_is_reached_only_through_its_own_edition(organiser, edition):
    other = open_edition(organiser)
    (booth,) = make_booths(organiser, edition["id"], booth_body("A-1"))

    response = organiser.patch(booths_url(other["id"], booth["id"]), json={"units": 2})
    problem(response, 404, "not_found")
    problem(organiser.delete(booths_url(other["id"], booth["id"])), 404, "not_found")


def test_booths_of_a_cancelled_edition_are_final(organiser, edition):
    (booth,) = make_booths(organiser, edition["id"], booth_body("A-1"))
    cancel = {"status": "cancelled", "reason": "台風のため"}
    assert (
        organiser.post(f"/api/v1/editions/{edition['id']}/status", json=cancel).status_code == 200
    )

    problem(organiser.delete(booths_url(edition["id"], booth["id"])), 409, "edition_final")
    response = organiser.post(booths_url(edition["id"]), json=booth_body("A-2"))
    problem(response, 409, "edition_final")
