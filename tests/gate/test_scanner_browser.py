"""The gate scanner in Chromium: pairing, keyboard-wedge scans, offline decisions and sync."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import BrowserContext, Page

from eventhub.checkin.models import Scan
from eventhub.extensions import db
from tests.conftest import Api
from tests.gate.conftest import (
    figures,
    issued_token,
    revoke_pass,
    make_gate,
    new_device,
    paired_scanner,
    running_edition,
    wedge,
)


def test_keyboard_wedge_scans_are_decided_by_the_server(app, organiser, live_server, gate_context):
    edition = running_edition(organiser)
    gate = make_gate(organiser, edition["id"], "東1ホール入口")
    device = new_device(organiser, edition["id"], gate)
    _, token = issued_token(organiser, edition["id"], "wedge@example.jp")
    page = paired_scanner(gate_context, live_server, device["pairing_code"])

    first = wedge(page, token + "\n")
    again = wedge(page, token)
    out = wedge(page, token, "exit")

    assert (first, again, out) == ("admitted", "already_inside", "exited")
    assert page.get_attribute("#result", "data-offline") == "false"
    assert page.get_attribute("#status", "data-state") == "online"
    assert figures(organiser, edition["id"])["admitted_today"] == 1


def flip_one_byte(token: str, index: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[index] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def offline_marks(app: Flask, device_id: int) -> list[tuple[str, bool, str | None]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Scan.result, Scan.decided_offline, Scan.offline_result)
            .where(Scan.device_id == device_id)
            .order_by(Scan.id)
        ).all()
        return [tuple(row) for row in rows]


def queue_of(page: Page) -> list[dict[str, Any]]:
    return list(page.evaluate("window.gate.state.queue.map((item) => ({...item}))"))


def wait_until_synced(page: Page) -> None:
    page.wait_for_function("window.gate.state.queue.length === 0 && !window.gate.state.syncing")


def offline_journey(app: Flask, organiser: Api, base: str, context: BrowserContext) -> None:
    """20 scans decided offline, each right; a reload offline; then the sync, applied once."""
    edition = running_edition(organiser)
    other = running_edition(organiser, "別の展示会")
    gate = make_gate(organiser, edition["id"], "西ゲート")
    device = new_device(organiser, edition["id"], gate)
    passes = [
        issued_token(organiser, edition["id"], f"visitor{i}@example.jp", f"来場 {i}")
        for i in range(15)
    ]
    revoked_id, revoked = issued_token(organiser, edition["id"], "revoked@example.jp")
    revoke_pass(organiser, revoked_id)
    _, elsewhere = issued_token(organiser, other["id"], "elsewhere@example.jp")
    forged = flip_one_byte(passes[3][1], 20)
    page = paired_scanner(context, base, device["pairing_code"])
    context.set_offline(True)

    plan = [(token, "entry", "admitted") for _, token in passes]
    plan[5:5] = [(passes[0][1], "entry", "already_inside")]
    plan += [
        (passes[1][1], "exit", "exited"),
        (revoked, "entry", "revoked"),
        (forged, "entry", "forged"),
        (elsewhere, "entry", "wrong_edition"),
    ]
    assert len(plan) == 20
    shown = [wedge(page, token, direction) for token, direction, _ in plan]

    assert shown == [expected for _, _, expected in plan]
    assert page.get_attribute("#result", "data-offline") == "true"
    assert page.get_attribute("#status", "data-state") == "offline"
    assert page.get_attribute("#pending", "data-count") == "20"
    assert figures(organiser, edition["id"])["admitted_today"] == 0  # nothing sent yet

    # A reload with no network: the service worker opens the scanner, and it still decides.
    response = page.reload()
    assert response is not None and response.from_service_worker
    page.wait_for_selector("#scanner:not([hidden])")
    page.wait_for_function("window.gate.state.queue.length === 20")
    assert wedge(page, passes[2][1]) == "already_inside"  # remembered who is inside
    assert wedge(page, passes[1][1]) == "reentry_admitted"
    sent = queue_of(page)
    assert len(sent) == 22

    context.set_offline(False)
    wait_until_synced(page)

    counted = figures(organiser, edition["id"])
    assert counted["admitted_today"] == 15
    assert counted["entries_today"] == 16  # one re-entry
    assert counted["inside_now"] == 15
    marks = offline_marks(app, device["id"])
    assert len(marks) == 22
    assert all(offline for _, offline, _ in marks)
    assert all(result == local for result, _, local in marks)
    assert page.is_hidden("#conflicts")

    # Sending the same scans again (a sync cut short, say) changes nothing.
    token = page.evaluate("window.gate.state.token")
    device_api = Api(organiser.client, token)
    body = {
        "scans": [
            {key: item[key] for key in ("token", "direction", "nonce", "scanned_at", "local_result")}
            | {"decided_offline": True}
            for item in sent
        ]
    }
    again = device_api.post("/api/v1/device/scans/batch", json=body)
    assert again.status_code == 200, again.json
    assert [scan["result"] for scan in again.json["scans"]] == [
        item["local_result"] for item in sent
    ]
    assert figures(organiser, edition["id"]) == counted
    assert len(offline_marks(app, device["id"])) == 22


@pytest.mark.service
def test_offline_scans_are_right_and_sync_once_with_a_real_worker(
    service_app, service_organiser, service_live_server, gate_context
):
    offline_journey(service_app, service_organiser, service_live_server, gate_context)


def test_offline_scans_are_right_and_sync_once(app, organiser, live_server, gate_context):
    offline_journey(app, organiser, live_server, gate_context)
