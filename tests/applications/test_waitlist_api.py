"""Booth capacity and the waitlist: a full edition waitlists, freed places are offered in order."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from eventhub.applications import waitlist
from eventhub.applications.models import Application
from eventhub.db import utcnow
from eventhub.extensions import db
from tests.applications.helpers import (
    application_url,
    decide,
    make_organisation,
    open_edition,
    patch_edition,
    submitted_application,
)


def _exhibitors(make_user, count):
    """``count`` exhibitors, each with an organisation of its own."""
    out = []
    for _ in range(count):
        api = make_user()
        out.append((api, make_organisation(api)["id"]))
    return out


def _fill(organiser, make_user, capacity, units, count):
    edition = open_edition(organiser, "takumi", booth_capacity=capacity)
    apps = [
        (api, submitted_application(api, edition, org_id, booth_units=units))
        for api, org_id in _exhibitors(make_user, count)
    ]
    return edition, apps


def _get(api, application):
    return api.get(application_url(application["id"])).json


def test_approval_beyond_capacity_is_refused(organiser, make_user):
    _edition, [(_, first), (_, second)] = _fill(organiser, make_user, 3, 2, 2)

    assert decide(organiser, first, "approved").status_code == 200
    response = decide(organiser, second, "approved")

    assert response.status_code == 409
    assert response.json["code"] == "edition_full"
    assert response.json["free_units"] == 1


def test_submission_to_a_full_edition_goes_on_the_waitlist(organiser, make_user):
    edition = open_edition(organiser, "takumi", booth_capacity=2)
    (a_api, a_org), (b_api, b_org) = _exhibitors(make_user, 2)
    first = submitted_application(a_api, edition, a_org, booth_units=2)
    assert decide(organiser, first, "approved").json["status"] == "approved"

    late = submitted_application(b_api, edition, b_org, booth_units=1)

    assert late["status"] == "waitlisted"
    history = b_api.get(application_url(late["id"], "history")).json
    assert [h["to_status"] for h in history] == ["draft", "submitted", "waitlisted"]


def test_full_edition_that_does_not_waitlist_refuses_submissions(organiser, make_user):
    edition = open_edition(organiser, "takumi", booth_capacity=1, waitlist_when_full=False)
    (a_api, a_org), (b_api, b_org) = _exhibitors(make_user, 2)
    assert (
        decide(
            organiser, submitted_application(a_api, edition, a_org, booth_units=1), "approved"
        ).status_code
        == 200
    )
    from tests.applications.helpers import application_body, create_application

    draft = create_application(
        b_api, edition["id"], application_body("takumi", b_org, booth_units=1)
    )
    response = b_api.post(application_url(draft["id"], "submit"), json={})

    assert response.status_code == 409
    assert response.json["code"] == "edition_full"


def test_withdrawal_offers_the_place_to_the_first_waitlisted(organiser, make_user):
    _edition, apps = _fill(organiser, make_user, 2, 2, 3)
    (a_api, first), (b_api, second), (c_api, third) = apps
    first = decide(organiser, first, "approved").json
    second = decide(organiser, second, "waitlisted", reason="満員").json
    third = decide(organiser, third, "waitlisted", reason="満員").json

    a_api.post(application_url(first["id"], "withdraw"), json={"reason": "都合により"})

    offered = _get(b_api, second)
    assert offered["status"] == "offered"
    assert _get(c_api, third)["status"] == "waitlisted"
    accepted = b_api.post(application_url(second["id"], "offer/accept"), json={})
    assert accepted.status_code == 200
    assert accepted.json["status"] == "approved"


def test_more_capacity_offers_places_in_submission_order(organiser, make_user):
    edition, apps = _fill(organiser, make_user, 1, 1, 3)
    (_, first), (b_api, second), (c_api, third) = apps
    decide(organiser, first, "approved")
    decide(organiser, second, "waitlisted", reason="満員")
    decide(organiser, third, "waitlisted", reason="満員")

    patch_edition(organiser, edition["id"], booth_capacity=2)

    assert _get(b_api, second)["status"] == "offered"
    assert _get(c_api, third)["status"] == "waitlisted"


def test_an_offer_that_expires_moves_on(app, organiser, make_user):
    _edition, apps = _fill(organiser, make_user, 1, 1, 3)
    (a_api, first), (b_api, second), (c_api, third) = apps
    first = decide(organiser, first, "approved").json
    decide(organiser, second, "waitlisted", reason="満員")
    decide(organiser, third, "waitlisted", reason="満員")
    a_api.post(application_url(first["id"], "withdraw"), json={})
    assert _get(b_api, second)["status"] == "offered"

    with app.app_context():
        db.session.execute(
            sa.update(Application)
            .where(Application.id == second["id"])
            .values(offer_expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
        assert waitlist.expire_offers() == [second["id"]]

    assert _get(b_api, second)["status"] == "offer_expired"
    assert _get(c_api, third)["status"] == "offered"
    late = b_api.post(application_url(second["id"], "offer/accept"), json={})
    assert late.status_code == 409
    assert late.json["code"] == "no_offer"


def test_offers_never_exceed_capacity_when_run_twice(app, organiser, make_user):
    edition, apps = _fill(organiser, make_user, 2, 1, 4)
    for _, application in apps:
        decide(organiser, application, "waitlisted", reason="満員")

    with app.app_context():
        first_run = waitlist.offer_places(edition["id"])
        second_run = waitlist.offer_places(edition["id"])

    assert len(first_run) == 2
    assert second_run == []
