"""Gates and gate devices: organisers register them; device tokens authenticate scanners."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest

from eventhub.accounts.models import Role
from eventhub.checkin.models import GateDevice, Presence, Scan
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.fields import TOKYO
from eventhub.passes.models import Pass
from tests.checkin.gate_helpers import (
    EDITIONS,
    edition,
    fresh_caches,  # noqa: F401  (autouse fixture)
    issue_pass,
    make_device,
    make_gate,
    result,
    scan,
)
from tests.conftest import Api


def test_organiser_creates_and_lists_gates(organiser):
    ed = edition(organiser)
    gate = make_gate(organiser, ed["id"], "東1ホール入口")
    make_gate(organiser, ed["id"], "西2ホール入口")

    listed = organiser.get(f"{EDITIONS}/{ed['id']}/gates")
    duplicate = organiser.post(f"{EDITIONS}/{ed['id']}/gates", json={"name_ja": "東1ホール入口"})

    assert gate["name_ja"] == "東1ホール入口"
    assert listed.json["total"] == 2
    assert [g["name_ja"] for g in listed.json["items"]] == ["東1ホール入口", "西2ホール入口"]
    assert duplicate.status_code == 409
    assert duplicate.json["code"] == "gate_exists"


def test_device_token_is_shown_once_and_stored_hashed(app, organiser):
    ed = edition(organiser)
    gate = make_gate(organiser, ed["id"])

    created = organiser.post(
        f"{EDITIONS}/{ed['id']}/devices", json={"name": "東1-iPad", "gate_id": gate["id"]}
    )
    listed = organiser.get(f"{EDITIONS}/{ed['id']}/devices")

    assert created.status_code == 201
    token = created.json["token"]
    assert token.startswith("ehd_")
    assert created.json["gate_id"] == gate["id"]
    assert "token" not in listed.json["items"][0]
    with app.app_context():
        device = db.session.get(GateDevice, created.json["id"])
        assert device.token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_device_gate_must_belong_to_the_edition(organiser):
    ed, other = edition(organiser), edition(organiser)
    gate = make_gate(organiser, other["id"])

    response = organiser.post(
        f"{EDITIONS}/{ed['id']}/devices", json={"name": "x", "gate_id": gate["id"]}
    )

    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "gate_id"


def test_only_organisers_manage_gates_and_devices(make_user, organiser):
    ed = edition(organiser)
    staff = make_user(Role.GATE_STAFF, edition_id=ed["id"])

    assert staff.post(f"{EDITIONS}/{ed['id']}/gates", json={"name_ja": "x"}).status_code == 403
    assert staff.post(f"{EDITIONS}/{ed['id']}/devices", json={"name": "x"}).status_code == 403
    assert staff.get(f"{EDITIONS}/{ed['id']}/gates").status_code == 200


@pytest.mark.parametrize(
    "header",
    [None, "Bearer ehd_not-a-real-token", "Basic abc", "Bearer eh_a-user-token-shape"],
)
def test_device_endpoints_refuse_missing_or_unknown_tokens(app, organiser, client, header):
    ed = edition(organiser)
    token = issue_pass(app, ed["id"]).token
    headers = {"Authorization": header} if header else {}

    for response in (
        client.post("/api/v1/device/scans", json={"token": token, "nonce": "1"}, headers=headers),
        client.get("/api/v1/device/keys", headers=headers),
    ):
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.json["code"] == "unauthenticated"


def test_user_token_is_not_a_device_token(app, organiser):
    ed = edition(organiser)
    token = issue_pass(app, ed["id"]).token

    assert scan(organiser, token).status_code == 401


def test_revoked_device_is_refused_at_once(app, organiser):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    token = issue_pass(app, ed["id"]).token
    assert result(scan(device, token)) == "admitted"

    revoked = organiser.post(f"/api/v1/devices/{device.user_id}/revoke")

    assert revoked.status_code == 200
    assert revoked.json["revoked_at"]
    assert scan(device, token).status_code == 401


def test_device_is_scoped_to_its_edition(app, organiser):
    ed, other = edition(organiser), edition(organiser)
    device = make_device(organiser, ed["id"])
    other_device = make_device(organiser, other["id"])
    token = issue_pass(app, ed["id"]).token

    assert result(scan(other_device, token)) == "wrong_edition"
    assert result(scan(device, token)) == "admitted"


def test_device_ids_are_not_enumerable_by_others(make_user):
    stranger: Api = make_user()

    assert stranger.post("/api/v1/devices/1/revoke").status_code == 403


# Gate staff: undo, search, manual check-in ----------------------------------------------------


def _undo(api: Api, scan_id: int) -> Any:
    return api.post(f"/api/v1/scans/{scan_id}/undo")


def test_gate_staff_undoes_a_wrong_admission(app, organiser, make_user):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = issue_pass(app, ed["id"])
    staff = make_user(Role.GATE_STAFF, edition_id=ed["id"])
    admitted = scan(device, issued.token).json

    undone = _undo(staff, admitted["scan_id"])
    twice = _undo(staff, admitted["scan_id"])

    assert undone.status_code == 200, undone.json
    assert (undone.json["method"], undone.json["undoes_id"]) == ("undo", admitted["scan_id"])
    assert undone.json["actor_id"] == staff.user_id
    assert twice.status_code == 409
    assert twice.json["code"] == "already_undone"
    with app.app_context():
        presence = db.session.get(Presence, issued.id)
        assert (presence.inside, presence.entries, presence.first_entry_at) == (False, 0, None)
    # The next entry is a first entry again.
    assert result(scan(device, issued.token)) == "admitted"


def test_undo_of_an_exit_lets_the_holder_back_inside(app, organiser):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = issue_pass(app, ed["id"])
    scan(device, issued.token)
    exited = scan(device, issued.token, "exit").json

    assert _undo(organiser, exited["scan_id"]).status_code == 200
    assert result(scan(device, issued.token, "exit")) == "exited"


def test_undo_after_two_minutes_is_refused(app, organiser):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = issue_pass(app, ed["id"])
    scan_id = scan(device, issued.token).json["scan_id"]
    with app.app_context():
        stored = db.session.get(Scan, scan_id)
        stored.received_at = utcnow() - timedelta(minutes=2, seconds=1)
        db.session.commit()

    response = _undo(organiser, scan_id)

    assert response.status_code == 409
    assert response.json["code"] == "undo_window_passed"


def test_refusals_have_nothing_to_undo(app, organiser):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = issue_pass(app, ed["id"])
    scan(device, issued.token)
    already = scan(device, issued.token).json

    response = _undo(organiser, already["scan_id"])

    assert response.status_code == 409
    assert response.json["code"] == "nothing_to_undo"


def test_exhibitors_cannot_undo(app, organiser, exhibitor):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    scan_id = scan(device, issue_pass(app, ed["id"]).token).json["scan_id"]

    assert _undo(exhibitor, scan_id).status_code == 403


def test_search_finds_by_name_furigana_in_hiragana_and_email(app, organiser, make_user):
    ed = edition(organiser)
    staff = make_user(Role.GATE_STAFF, edition_id=ed["id"])
    yamada = issue_pass(
        app, ed["id"], name="山田 太郎", kana="ヤマダ タロウ", email="Taro@Example.jp"
    )
    issue_pass(app, ed["id"], name="佐藤 花子", kana="サトウ ハナコ")
    url = f"{EDITIONS}/{ed['id']}/checkin/search"

    by_name = staff.get(url, query_string={"q": "山田"}).json
    by_kana = staff.get(url, query_string={"q": "やまだ"}).json
    by_email = staff.get(url, query_string={"q": "ＴＡＲＯ@example"}).json
    nobody = staff.get(url, query_string={"q": "%"}).json

    assert [hit["pass_id"] for hit in by_name] == [yamada.id]
    assert [hit["pass_id"] for hit in by_kana] == [yamada.id]
    assert [hit["pass_id"] for hit in by_email] == [yamada.id]
    assert by_name[0]["inside"] is False
    assert nobody == []


def test_manual_check_in_follows_the_scan_rules_and_names_the_actor(app, organiser, make_user):
    ed = edition(organiser)
    staff = make_user(Role.GATE_STAFF, edition_id=ed["id"])
    gate = make_gate(organiser, ed["id"])
    issued = issue_pass(app, ed["id"])
    url = f"{EDITIONS}/{ed['id']}/checkin/manual"
    with app.app_context():
        # Manual check-in happens now; make today a day of the pass.
        db.session.get(Pass, issued.id).valid_days = [utcnow().astimezone(TOKYO).date().isoformat()]
        db.session.commit()

    first = staff.post(url, json={"pass_id": issued.id, "gate_id": gate["id"]})
    second = staff.post(url, json={"pass_id": issued.id})
    out = staff.post(url, json={"pass_id": issued.id, "direction": "exit"})
    missing = staff.post(url, json={"pass_id": 999_999})

    assert [r.json["result"] for r in (first, second, out)] == [
        "admitted",
        "already_inside",
        "exited",
    ]
    assert missing.status_code == 404
    with app.app_context():
        stored = db.session.get(Scan, first.json["scan_id"])
        assert (stored.method, stored.actor_id, stored.gate_id) == (
            "manual",
            staff.user_id,
            gate["id"],
        )
