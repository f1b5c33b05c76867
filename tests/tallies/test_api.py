"""The organisers' tallies API: live figures from scans made at the scan endpoint, a full
recompute answered 202 with a place to poll, online participation and deals, and errors."""

from __future__ import annotations

from typing import Any

import pytest

from eventhub.accounts.models import Role
from eventhub.checkin.models import Lead
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.passes.models import Pass
from eventhub.tallies import service
from tests.accounts.helpers import assert_invalid, assert_problem
from tests.applications.helpers import open_edition
from tests.checkin.gate_helpers import issue_pass, make_device, make_gate, result, scan
from tests.passes.helpers import register
from tests.tallies.helpers import make_world

EDITIONS = "/api/v1/editions"
pytestmark = pytest.mark.usefixtures("no_settling")


def tallies(organiser: Any, edition_id: int) -> dict[str, Any]:
    response = organiser.get(f"{EDITIONS}/{edition_id}/tallies")
    assert response.status_code == 200, response.json
    return dict(response.json)


def test_scans_at_the_gate_show_in_the_live_tallies_after_a_recompute(app, organiser):
    edition = open_edition(organiser)
    gate = make_gate(organiser, edition["id"], "東1ホール入口")
    device = make_device(organiser, edition["id"], gate["id"])
    first = issue_pass(app, edition["id"])
    second = issue_pass(app, edition["id"])
    assert result(scan(device, first.token)) == "admitted"
    assert result(scan(device, first.token, "exit", at="2027-08-07T12:00:00+09:00")) == "exited"
    assert result(scan(device, first.token, at="2027-08-08T09:30:00+09:00")) == "reentry_admitted"
    assert result(scan(device, second.token, at="2027-08-07T10:20:00+09:00")) == "admitted"

    before = tallies(organiser, edition["id"])  # computed on first read
    assert before["figures"]["visitors"] == 2
    assert before["pending_scans"] == 0

    response = organiser.post(f"{EDITIONS}/{edition['id']}/tallies/recompute")
    assert response.status_code == 202, response.json
    assert response.headers["Location"].endswith(f"/editions/{edition['id']}/tallies/recompute")
    assert response.json["state"] == "done"  # eager: the task has run
    polled = organiser.get(response.headers["Location"])
    assert polled.status_code == 200
    assert polled.json["state"] == "done"
    assert polled.json["full_computed_at"] is not None

    figures = tallies(organiser, edition["id"])["figures"]
    assert figures["visitors"] == 2
    assert figures["entries"] == 3
    assert figures["visitors_by_day"] == {"2027-08-07": 2, "2027-08-08": 1}
    assert figures["entries_by_hour"] == {"2027-08-07T10": 2, "2027-08-08T09": 1}
    assert figures["visitors_by_gate"] == {"東1ホール入口": 2}
    assert figures["visitors_by_type"] == {"general": 2}
    assert figures["visitors_by_prefecture"] == {"unknown": 2}
    assert figures["online_participants"] is None
    assert figures["deals"] is None


def test_a_lost_recompute_stays_queued_until_the_beat_sends_it_again(app, organiser, lost_tasks):
    edition = open_edition(organiser)
    response = organiser.post(f"{EDITIONS}/{edition['id']}/tallies/recompute")
    assert response.status_code == 202
    assert response.json["state"] == "queued"
    assert lost_tasks == [(service.FULL_TASK, (edition["id"],))]
    with app.app_context():
        queued = service.due(now=utcnow() + service.REDRIVE_AFTER * 2)
    assert edition["id"] in queued["full"]


def test_tallies_are_for_organisers_and_errors_are_problems(app, organiser, exhibitor):
    edition = open_edition(organiser)
    assert_problem(exhibitor.get(f"{EDITIONS}/{edition['id']}/tallies"), 403, "forbidden")
    missing = organiser.get(f"{EDITIONS}/9999/tallies")
    assert_problem(missing, 404, "not_found")
    assert missing.headers["Content-Type"] == "application/problem+json"
    assert_problem(organiser.post(f"{EDITIONS}/9999/tallies/recompute"), 404, "not_found")


def test_online_participation_counts_each_attendee_once(app, organiser, anonymous):
    in_person = open_edition(organiser)
    online = open_edition(organiser, format="online", title_ja="オンライン", title_en="Online")
    one = register(anonymous, online["id"], email="a@example.jp")
    two = register(anonymous, online["id"], email="b@example.jp")
    url = f"{EDITIONS}/{online['id']}/online-participations"
    body = {
        "source": "platform",
        "items": [
            {"registration_id": one["id"], "day": "2027-08-07"},
            {"registration_id": one["id"], "day": "2027-08-08"},
            {"registration_id": two["id"], "day": "2027-08-07"},
        ],
    }
    response = organiser.post(url, json=body)
    assert response.status_code == 200, response.json
    assert response.json == {"recorded": 3, "already_recorded": 0, "online_participants": 2}
    again = organiser.post(url, json=body)
    assert again.json == {"recorded": 0, "already_recorded": 3, "online_participants": 2}
    assert tallies(organiser, online["id"])["figures"]["online_participants"] == 2

    outside = {"items": [{"registration_id": one["id"], "day": "2027-09-01"}]}
    assert_invalid(organiser.post(url, json=outside), "items.0.day")
    stranger = {"items": [{"registration_id": 9999, "day": "2027-08-07"}]}
    assert_invalid(organiser.post(url, json=stranger), "items.0.registration_id")
    refused = organiser.post(
        f"{EDITIONS}/{in_person['id']}/online-participations",
        json={"items": [{"registration_id": one["id"], "day": "2027-08-07"}]},
    )
    assert_problem(refused, 409, "edition_not_online")


def test_deals_are_recorded_once_per_lead_and_counted(app, organiser, make_user):
    with app.app_context():
        world = make_world()
        registration_id = db.session.get_one(Pass, world.holders[0].pass_id).registration_id
        lead = Lead(application_id=world.application_id, registration_id=registration_id)
        db.session.add(lead)
        db.session.commit()
        lead_id, edition_id = lead.id, world.edition_id
    url = f"{EDITIONS}/{edition_id}/deals"
    assert tallies(organiser, edition_id)["figures"]["business_meetings"] == 1
    assert tallies(organiser, edition_id)["figures"]["deals"] is None
    response = organiser.post(url, json={"lead_id": lead_id, "amount_yen": 1200000})
    assert response.status_code == 201, response.json
    assert tallies(organiser, edition_id)["figures"]["deals"] == 1
    assert_problem(organiser.post(url, json={"lead_id": lead_id}), 409, "deal_exists")
    assert_invalid(organiser.post(url, json={}), "lead_id")
    assert_invalid(organiser.post(url, json={"lead_id": 9999}), "lead_id")
    listed = organiser.get(url)
    assert listed.json["total"] == 1
    deleted = organiser.delete(f"{url}/{response.json['id']}")
    assert deleted.status_code == 204
    assert tallies(organiser, edition_id)["figures"]["deals"] is None
    reviewer = make_user(Role.REVIEWER)
    assert_problem(reviewer.post(url, json={"lead_id": lead_id}), 403, "forbidden")
