"""No one decides or endorses an application of an organisation they belong to."""

from __future__ import annotations

from eventhub.accounts.models import Role
from tests.accounts.helpers import assert_problem
from tests.applications.helpers import (
    application_url,
    decide,
    make_organisation,
    national_zone_fields,
    open_edition,
    submitted_application,
)

DECISIONS = "/api/v1/applications/decisions"


def test_a_reviewer_cannot_decide_their_own_organisations_application(
    make_user, organiser, edition
):
    # A member who is made reviewer later. (Organisers decide too, but a member is never
    # made organiser: 409 member_not_organiser.)
    insider = make_user()
    own = submitted_application(insider, edition, make_organisation(insider)["id"])
    granted = organiser.post(f"/api/v1/users/{insider.user_id}/roles", json={"role": Role.REVIEWER})
    assert granted.status_code == 201, granted.json

    refused = decide(insider, own, "approved")

    body = assert_problem(refused, 403, "conflict_of_interest")
    assert "someone else must decide" in body["title"]
    assert insider.get(application_url(own["id"])).json["status"] == "submitted"
    other = make_user(Role.REVIEWER)
    assert decide(other, own, "approved").status_code == 200


def test_bulk_decisions_refuse_the_deciders_own_application_only(make_user, edition):
    insider = make_user(Role.REVIEWER)
    own = submitted_application(insider, edition, make_organisation(insider)["id"])
    stranger = make_user()
    theirs = submitted_application(stranger, edition, make_organisation(stranger)["id"])
    items = [
        {"id": a["id"], "version": a["version"], "decision": "approved"} for a in (own, theirs)
    ]

    response = insider.post(DECISIONS, json={"items": items})

    assert response.status_code == 200
    assert [(r["id"], r["status"], r.get("code")) for r in response.json] == [
        (own["id"], 403, "conflict_of_interest"),
        (theirs["id"], 200, None),
    ]
    assert insider.get(application_url(own["id"])).json["status"] == "submitted"


def test_a_prefecture_contact_cannot_endorse_their_own_organisations_application(
    make_user, organiser
):
    national = open_edition(organiser, "national-zone")
    contact = make_user(Role.PREFECTURE_CONTACT, prefecture_code=47)
    own = submitted_application(
        contact,
        national,
        make_organisation(contact)["id"],
        series_fields=national_zone_fields(47),
    )

    refused = contact.post(application_url(own["id"], "endorsement"))

    assert_problem(refused, 403, "conflict_of_interest")
    assert organiser.get(application_url(own["id"])).json["endorsed"] is False
    other = make_user(Role.PREFECTURE_CONTACT, prefecture_code=47)
    assert other.post(application_url(own["id"], "endorsement")).status_code == 200
