"""A scan nonce or a path with a control character is refused with 422 naming the field, not
answered 500 by the database."""

from __future__ import annotations

import json

import pytest

from tests.checkin.gate_helpers import SCANS, edition, issue_pass, make_device, result, scan


def _fields(response) -> list[tuple[str | None, str]]:
    assert response.status_code == 422, response.json
    assert response.json["code"] == "validation_failed"
    return [(e.get("field"), e["location"]) for e in response.json["errors"]]


@pytest.mark.parametrize("nonce", ["n-\x00", "\x01", "n-\x1f", "n-\x7f", "n-\x9b"])
def test_a_nonce_with_a_control_character_is_refused(app, organiser, nonce):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = issue_pass(app, ed["id"])

    assert ("nonce", "json") in _fields(scan(device, issued.token, nonce_=nonce))
    # The device goes on scanning.
    assert result(scan(device, issued.token)) == "admitted"


def test_an_unpaired_surrogate_is_refused(app, organiser):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = issue_pass(app, ed["id"])
    # Valid JSON ("\\ud800", as json.dumps escapes it), but not text that can be stored.
    body = json.dumps({"token": issued.token, "direction": "entry", "nonce": "n-\ud800"})
    response = device.client.post(
        SCANS,
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {device.token}"},
    )
    assert ("nonce", "json") in _fields(response)


@pytest.mark.parametrize("nonce", ["n\t1", "n\n1", "n\r1"])
def test_a_nonce_is_one_printable_line(app, organiser, nonce):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"])
    issued = issue_pass(app, ed["id"])

    assert ("nonce", "json") in _fields(scan(device, issued.token, nonce_=nonce))


def test_a_control_character_in_a_search_query_is_refused(organiser):
    ed = edition(organiser)
    response = organiser.get(
        f"/api/v1/editions/{ed['id']}/checkin/search", query_string={"q": "山田\x00"}
    )
    assert ("q", "query") in _fields(response)


def test_a_control_character_in_a_path_is_refused(anonymous):
    assert ("token", "path") in _fields(anonymous.get("/api/v1/calendars/ab%00cd.ics"))
    assert ("slug", "path") in _fields(anonymous.get("/api/v1/series/tak%01umi/calendar"))


def test_a_control_character_in_a_read_header_is_refused(anonymous):
    response = anonymous.get("/api/v1/passes/1", headers={"X-Pass-Key": "k\x01ey"})
    assert ("X-Pass-Key", "headers") in _fields(response)
