"""Each consequential action leaves exactly one audit event naming its actor, and a refused
action leaves none. Everything is driven through the API, as organisers and staff act."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from eventhub.accounts.models import Role
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.fields import TOKYO
from eventhub.passes import signing
from eventhub.passes.models import Pass
from tests.applications.helpers import (
    application_url,
    decide,
    make_organisation,
    open_edition,
    recommended_application,
    submitted_application,
)
from tests.audit.helpers import count, events, only_event
from tests.booths.helpers import approved_application
from tests.booths.helpers import open_edition as open_mokucolle
from tests.checkin.gate_helpers import issue_pass, make_device, scan
from tests.conftest import Api

USERS = "/api/v1/users"


def _email(api: Api) -> str:
    return str(api.get("/api/v1/users/me").json["email"])


def _submitted(make_user, edition) -> dict:
    api = make_user()
    return submitted_application(api, edition, make_organisation(api)["id"])


# Decisions ------------------------------------------------------------------------------------


def test_a_decision_names_the_reviewer_the_change_and_the_address(app, make_user, organiser):
    edition = open_edition(organiser)
    application = _submitted(make_user, edition)
    reviewer = make_user(Role.REVIEWER)

    response = decide(reviewer, application, "rejected", reason="書類不備")

    assert response.status_code == 200, response.json
    event = only_event(organiser, "application.decided")
    assert event["actor_id"] == reviewer.user_id
    assert event["actor_email"] == _email(reviewer)
    assert (event["target_type"], event["target_id"]) == ("application", application["id"])
    assert event["edition_id"] == edition["id"]
    assert event["details"] == {"from": "submitted", "to": "rejected"}
    assert event["client_address"] == "127.0.0.1"
    assert event["created_at"].endswith("+09:00")


def test_a_refused_decision_leaves_no_event(app, make_user, organiser):
    application = _submitted(make_user, open_edition(organiser))

    stale = decide(organiser, application, "approved", version=application["version"] + 1)
    exhibitor_tries = decide(make_user(), application, "approved")

    assert stale.status_code == 409
    assert exhibitor_tries.status_code == 403
    assert count(app, "application.decided") == 0


def test_bulk_decisions_record_only_the_decisions_that_stood(app, make_user, organiser):
    edition = open_edition(organiser)
    first, second = _submitted(make_user, edition), _submitted(make_user, edition)
    items = [
        {"id": first["id"], "version": first["version"], "decision": "approved"},
        {"id": second["id"], "version": 999, "decision": "approved"},
    ]

    response = organiser.post("/api/v1/applications/decisions", json={"items": items})

    assert response.status_code == 200, response.json
    assert [r["status"] for r in response.json] == [200, 409]
    event = only_event(organiser, "application.decided")
    assert event["target_id"] == first["id"]
    assert event["details"] == {"from": "submitted", "to": "approved"}
    assert event["actor_id"] == organiser.user_id


# Endorsements ---------------------------------------------------------------------------------


def test_endorsing_and_withdrawing_are_each_recorded_once(app, make_user, organiser):
    national = open_edition(organiser, "national-zone")
    application = recommended_application(make_user, national, 47)
    contact = make_user(Role.PREFECTURE_CONTACT, prefecture_code=47)
    url = application_url(application["id"], "endorsement")

    assert contact.post(url).status_code == 200
    assert contact.post(url).status_code == 200  # already endorsed: nothing changes
    assert contact.delete(url).status_code == 200
    assert contact.delete(url).status_code == 200  # nothing left to withdraw

    endorsed = only_event(organiser, "application.endorsed")
    withdrawn = only_event(organiser, "application.endorsement_withdrawn")
    for event in (endorsed, withdrawn):
        assert event["actor_id"] == contact.user_id
        assert event["target_id"] == application["id"]
        assert event["edition_id"] == national["id"]
        assert event["details"] == {"prefecture_code": 47}


def test_an_endorsement_over_the_quota_leaves_no_event(app, make_user, organiser):
    national = open_edition(organiser, "national-zone")
    application = recommended_application(make_user, national, 47)
    contact = make_user(Role.PREFECTURE_CONTACT, prefecture_code=47)
    quota = f"/api/v1/editions/{national['id']}/prefecture-quotas/47"
    assert organiser.put(quota, json={"max_endorsements": 0}).status_code == 200

    refused = contact.post(application_url(application["id"], "endorsement"))

    assert refused.status_code == 409
    assert count(app, "application.endorsed") == 0


# Roles ----------------------------------------------------------------------------------------


def test_granting_and_revoking_a_role_are_recorded(app, organiser, exhibitor):
    url = f"{USERS}/{exhibitor.user_id}/roles"
    body = {"role": "prefecture_contact", "prefecture_code": 13}

    grant = organiser.post(url, json=body).json
    assert organiser.post(url, json=body).status_code in {200, 201}  # held already: no change
    assert organiser.delete(f"{url}/{grant['id']}").status_code == 204

    details = {"role": "prefecture_contact", "prefecture_code": 13, "grant_id": grant["id"]}
    for action in ("role.granted", "role.revoked"):
        found = events(organiser, action=action, actor_id=organiser.user_id)
        assert len(found) == 1, found
        event = found[0]
        assert (event["target_type"], event["target_id"]) == ("user", exhibitor.user_id)
        assert event["actor_id"] == organiser.user_id
        assert event["details"] == details


def test_refused_role_changes_leave_no_event(app, organiser, exhibitor):
    own_grant = organiser.get("/api/v1/users/me").json["roles"][0]["id"]

    last = organiser.delete(f"{USERS}/{organiser.user_id}/roles/{own_grant}")
    not_allowed = exhibitor.post(f"{USERS}/{exhibitor.user_id}/roles", json={"role": "organiser"})

    assert last.status_code == 409
    assert not_allowed.status_code == 403
    assert count(app, "role.revoked") == 0
    # The fixtures' own grants were made outside any request: they name no actor.
    assert all(event["actor_id"] is None for event in events(organiser, action="role.granted"))


# Devices --------------------------------------------------------------------------------------


def test_a_device_is_recorded_when_created_given_a_code_paired_and_revoked(
    app, organiser, anonymous
):
    edition = open_edition(organiser)
    created = organiser.post(
        f"/api/v1/editions/{edition['id']}/devices", json={"name": "東口 iPad"}
    ).json
    code = organiser.post(f"/api/v1/devices/{created['id']}/pairing-code").json["pairing_code"]
    assert anonymous.post("/api/v1/device/pair", json={"code": code}).status_code == 201
    assert anonymous.post("/api/v1/device/pair", json={"code": code}).status_code == 422
    assert organiser.post(f"/api/v1/devices/{created['id']}/revoke").status_code == 200
    assert organiser.post(f"/api/v1/devices/{created['id']}/revoke").status_code == 200

    actions = [event["action"] for event in reversed(events(organiser, edition_id=edition["id"]))]
    assert actions == [
        "device.created",
        "device.pairing_code_issued",
        "device.paired",
        "device.revoked",
    ]
    for event in events(organiser, edition_id=edition["id"]):
        assert (event["target_type"], event["target_id"]) == ("device", created["id"])
        assert event["details"]["name"] == "東口 iPad"
    # The scanner pairs itself with the code: no user acted.
    assert only_event(organiser, "device.paired")["actor_id"] is None
    assert only_event(organiser, "device.revoked")["actor_id"] == organiser.user_id


def test_a_revoked_device_refused_a_code_leaves_no_event(app, organiser):
    device = make_device(organiser, open_edition(organiser)["id"])
    organiser.post(f"/api/v1/devices/{device.user_id}/revoke")

    refused = organiser.post(f"/api/v1/devices/{device.user_id}/pairing-code")

    assert refused.status_code == 409
    assert count(app, "device.pairing_code_issued") == 0


# Gate staff -----------------------------------------------------------------------------------


def test_manual_check_in_is_recorded_but_not_a_refused_one(app, organiser, make_user):
    edition = open_edition(organiser)
    issued = issue_pass(app, edition["id"])
    with app.app_context():
        today = utcnow().astimezone(TOKYO).date().isoformat()
        db.session.get(Pass, issued.id).valid_days = [today]
        db.session.commit()
    staff = make_user(Role.GATE_STAFF, edition_id=edition["id"])
    url = f"/api/v1/editions/{edition['id']}/checkin/manual"

    admitted = staff.post(url, json={"pass_id": issued.id})
    inside = staff.post(url, json={"pass_id": issued.id})
    missing = staff.post(url, json={"pass_id": 999_999})

    assert [admitted.json["result"], inside.json["result"]] == ["admitted", "already_inside"]
    assert missing.status_code == 404
    event = only_event(organiser, "checkin.manual")
    assert (event["target_type"], event["target_id"]) == ("pass", issued.id)
    assert event["actor_id"] == staff.user_id
    assert event["details"] == {
        "direction": "entry",
        "gate_id": None,
        "result": "admitted",
        "scan_id": admitted.json["scan_id"],
    }


def test_undoing_a_scan_is_recorded_once(app, organiser, make_user):
    edition = open_edition(organiser)
    device = make_device(organiser, edition["id"])
    issued = issue_pass(app, edition["id"])
    admitted = scan(device, issued.token).json
    staff = make_user(Role.GATE_STAFF, edition_id=edition["id"])

    undone = staff.post(f"/api/v1/scans/{admitted['scan_id']}/undo")
    again = staff.post(f"/api/v1/scans/{admitted['scan_id']}/undo")

    assert (undone.status_code, again.status_code) == (200, 409)
    event = only_event(organiser, "scan.undone")
    assert (event["target_type"], event["target_id"]) == ("scan", admitted["scan_id"])
    assert event["actor_id"] == staff.user_id
    assert event["details"] == {"pass_id": issued.id, "result": "admitted", "device_id": None}


# Exports of personal data ---------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_is_recorded_with_its_format_and_size(app, make_user, organiser, file_format):
    edition = open_edition(organiser)
    _submitted(make_user, edition)
    reviewer = make_user(Role.REVIEWER)
    url = f"/api/v1/editions/{edition['id']}/applications/export"

    response = reviewer.get(url, query_string={"format": file_format})

    assert response.status_code == 200
    if file_format == "csv":
        assert len(list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))) == 2
    else:
        assert load_workbook(io.BytesIO(response.data)).active.max_row == 2
    event = only_event(organiser, "applications.exported")
    assert event["actor_id"] == reviewer.user_id
    assert (event["target_type"], event["target_id"]) == ("edition", edition["id"])
    assert event["details"]["format"] == file_format
    assert event["details"]["rows"] == 1


def test_a_refused_export_leaves_no_event(app, organiser, exhibitor):
    edition = open_edition(organiser)

    response = exhibitor.get(f"/api/v1/editions/{edition['id']}/applications/export")

    assert response.status_code == 403
    assert count(app, "applications.exported") == 0


def test_downloading_leads_is_recorded(app, organiser, exhibitor, make_user):
    edition = open_mokucolle(organiser)
    application = approved_application(organiser, exhibitor, edition)

    response = exhibitor.get(f"/api/v1/applications/{application['id']}/leads.csv")
    stranger = make_user().get(f"/api/v1/applications/{application['id']}/leads.csv")

    assert response.status_code == 200
    assert stranger.status_code == 404
    event = only_event(organiser, "leads.exported")
    assert (event["target_type"], event["target_id"]) == ("application", application["id"])
    assert event["actor_id"] == exhibitor.user_id
    assert event["edition_id"] == edition["id"]


# Signing keys ---------------------------------------------------------------------------------


def test_rotating_and_retiring_keys_are_recorded_and_a_refused_retirement_is_not(app, organiser):
    # Keys have no endpoint yet: they are rotated from the app (maintenance), with no user.
    edition = open_edition(organiser)
    with app.app_context():
        first = signing.ensure_key(edition["id"])
        db.session.commit()
        second = signing.rotate(edition["id"])
        db.session.commit()
        first_id, second_id = first.key_id, second.key_id
        with pytest.raises(DomainError):
            signing.retire(edition["id"], second_id)  # the active key
        db.session.rollback()
        signing.retire(edition["id"], first_id)
        db.session.commit()

    rotated = only_event(organiser, "signing_key.rotated")
    retired = only_event(organiser, "signing_key.retired")
    assert rotated["details"] == {"key_id": second_id}
    assert retired["details"] == {"key_id": first_id}
    assert (rotated["edition_id"], rotated["actor_id"]) == (edition["id"], None)
