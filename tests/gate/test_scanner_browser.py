"""The gate scanner in Chromium: pairing, keyboard-wedge scans, offline decisions and sync."""

from __future__ import annotations

from tests.gate.conftest import (
    figures,
    issued_token,
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
