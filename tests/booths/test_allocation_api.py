"""Giving booths to applications by hand, and who sees them."""

from __future__ import annotations

import pytest

from eventhub.accounts.models import Role
from eventhub.booths import service
from tests.booths.helpers import (
    allocate,
    application_booths_url,
    approve,
    approved_application,
    booth_body,
    booths_url,
    make_booths,
    open_edition,
    problem,
    submitted_application,
)
from tests.events.helpers import error_fields


@pytest.fixture
def booths(organiser, edition):
    """A-1 (1 unit), A-2 (2 units), A-3 (3 units, corner)."""
    return make_booths(
        organiser,
        edition["id"],
        booth_body("A-1", units=1),
        booth_body("A-2", units=2, note="柱の前"),
        booth_body("A-3", units=3, is_corner=True),
    )


def test_organiser_allocates_a_booth_and_the_exhibitor_sees_it(
    organiser, exhibitor, edition, booths
):
    application = approved_application(organiser, exhibitor, edition, units=2)

    response = allocate(organiser, application["id"], booths[1]["id"])

    assert response.status_code == 201, response.json
    seen = exhibitor.get(application_booths_url(application["id"]))
    assert seen.status_code == 200, seen.json
    assert seen.json == [response.json]
    (booth,) = seen.json
    assert (booth["id"], booth["code"], booth["zone"], booth["units"]) == (
        booths[1]["id"],
        "A-2",
        "A",
        2,
    )
    assert booth["is_corner"] is False
    assert booth["allocated_at"].endswith("+09:00")
    assert "note" not in booth  # the organisers' note stays theirs


def test_an_application_may_hold_several_booths_up_to_its_request(
    organiser, exhibitor, edition, booths
):
    application = approved_application(organiser, exhibitor, edition, units=3)

    assert allocate(organiser, application["id"], booths[1]["id"]).status_code == 201
    body = problem(
        allocate(organiser, application["id"], booths[2]["id"]), 409, "over_requested_size"
    )
    assert (body["requested_units"], body["allocated_units"], body["booth_units"]) == (3, 2, 3)
    assert allocate(organiser, application["id"], booths[0]["id"]).status_code == 201

    held = organiser.get(application_booths_url(application["id"])).json
    assert [b["code"] for b in held] == ["A-1", "A-2"]
    assert sum(b["units"] for b in held) == 3


def test_a_booth_larger_than_the_request_is_refused(organiser, exhibitor, edition, booths):
    application = approved_application(organiser, exhibitor, edition, units=2)

    problem(allocate(organiser, application["id"], booths[2]["id"]), 409, "over_requested_size")
    assert organiser.get(application_booths_url(application["id"])).json == []


def test_a_booth_is_given_only_once(organiser, exhibitor, edition, booths):
    first = approved_application(organiser, exhibitor, edition, units=2)
    second = approved_application(organiser, exhibitor, edition, units=2, prefecture_code=20)
    assert allocate(organiser, first["id"], booths[1]["id"]).status_code == 201

    body = problem(allocate(organiser, second["id"], booths[1]["id"]), 409, "booth_taken")
    assert body["application_id"] == first["id"]
    problem(allocate(organiser, first["id"], booths[1]["id"]), 409, "booth_taken")


def test_the_loser_of_a_race_past_the_check_gets_booth_taken(
    organiser, exhibitor, edition, booths, monkeypatch
):
    first = approved_application(organiser, exhibitor, edition, units=2)
    second = approved_application(organiser, exhibitor, edition, units=2, prefecture_code=20)
    assert allocate(organiser, first["id"], booths[1]["id"]).status_code == 201
    # The check misses the allocation once, as it would had the winner committed just after.
    real_holder, missed = service.holder_of, []

    def late_holder(booth_id: int) -> int | None:
        if not missed:
            missed.append(booth_id)
            return None
        return real_holder(booth_id)

    monkeypatch.setattr(service, "holder_of", late_holder)

    body = problem(allocate(organiser, second["id"], booths[1]["id"]), 409, "booth_taken")
    assert body["application_id"] == first["id"]
    assert missed == [booths[1]["id"]]


@pytest.mark.parametrize("decision", [None, "waitlisted", "rejected"])
def test_only_approved_applications_get_booths(organiser, exhibitor, edition, booths, decision):
    application = submitted_application(exhibitor, edition, units=2)
    if decision:
        body = {"decision": decision, "version": application["version"], "reason": "満席"}
        decided = organiser.post(f"/api/v1/applications/{application['id']}/decision", json=body)
        assert decided.status_code == 200, decided.json

    body = problem(allocate(organiser, application["id"], booths[1]["id"]), 409, "not_approved")
    assert body["current_status"] == (decision or "submitted")


def test_a_booth_of_another_edition_is_invalid(organiser, exhibitor, edition, booths):
    other = open_edition(organiser)
    (elsewhere,) = make_booths(organiser, other["id"], booth_body("A-1", units=2))
    application = approved_application(organiser, exhibitor, edition, units=2)

    assert error_fields(allocate(organiser, application["id"], elsewhere["id"])) == {"booth_id"}
    assert error_fields(allocate(organiser, application["id"], 999_999)) == {"booth_id"}
    response = organiser.post(application_booths_url(application["id"]), json={})
    assert error_fields(response) == {"booth_id"}


def test_unknown_application_is_not_found(organiser, booths):
    problem(allocate(organiser, 999_999, booths[0]["id"]), 404, "not_found")


@pytest.mark.parametrize("roles", [(), (Role.REVIEWER,)])
def test_only_organisers_allocate(make_user, organiser, exhibitor, edition, booths, roles):
    application = approved_application(organiser, exhibitor, edition, units=2)

    problem(allocate(make_user(*roles), application["id"], booths[1]["id"]), 403, "forbidden")


def test_exhibitor_of_another_organisation_does_not_see_the_booths(
    organiser, exhibitor, make_user, edition, booths
):
    application = approved_application(organiser, exhibitor, edition, units=2)
    allocate(organiser, application["id"], booths[1]["id"])

    problem(make_user().get(application_booths_url(application["id"])), 404, "not_found")
    assert make_user(Role.REVIEWER).get(application_booths_url(application["id"])).json


def test_organiser_takes_a_booth_back(organiser, exhibitor, edition, booths):
    application = approved_application(organiser, exhibitor, edition, units=2)
    allocate(organiser, application["id"], booths[1]["id"])

    response = organiser.delete(application_booths_url(application["id"], booths[1]["id"]))

    assert response.status_code == 204
    assert exhibitor.get(application_booths_url(application["id"])).json == []
    free = organiser.get(booths_url(edition["id"]), query_string={"state": "free"}).json
    assert free["total"] == 3
    again = organiser.delete(application_booths_url(application["id"], booths[1]["id"]))
    problem(again, 404, "not_found")


def test_exhibitor_cannot_take_its_booth_back(organiser, exhibitor, edition, booths):
    application = approved_application(organiser, exhibitor, edition, units=2)
    allocate(organiser, application["id"], booths[1]["id"])

    response = exhibitor.delete(application_booths_url(application["id"], booths[1]["id"]))

    problem(response, 403, "forbidden")


def test_approving_later_makes_an_application_allocatable(organiser, exhibitor, edition, booths):
    application = submitted_application(exhibitor, edition, units=1)
    problem(allocate(organiser, application["id"], booths[0]["id"]), 409, "not_approved")

    approve(organiser, application)

    assert allocate(organiser, application["id"], booths[0]["id"]).status_code == 201


def test_withdrawing_an_approved_application_frees_its_booths(
    app, organiser, exhibitor, edition, booths
):
    application = approved_application(organiser, exhibitor, edition, units=3)
    assert allocate(organiser, application["id"], booths[0]["id"]).status_code == 201
    assert allocate(organiser, application["id"], booths[1]["id"]).status_code == 201

    withdrawn = exhibitor.post(
        f"/api/v1/applications/{application['id']}/withdraw",
        json={"version": application["version"]},
    )

    assert withdrawn.status_code == 200, withdrawn.json
    with app.app_context():
        assert [service.holder_of(booth["id"]) for booth in booths] == [None, None, None]
    other = approved_application(organiser, exhibitor, edition, units=1)
    assert allocate(organiser, other["id"], booths[0]["id"]).status_code == 201
