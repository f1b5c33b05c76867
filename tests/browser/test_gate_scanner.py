"""The gate scanner in Chromium: pairing, keyboard-wedge scans, offline decisions and sync."""

from __future__ import annotations

import base64
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from eventhub.accounts.models import Role
from eventhub.checkin import device_auth
from eventhub.checkin.models import Scan
from eventhub.extensions import db
from eventhub.gate import views as gate_views
from eventhub.passes import signing
from eventhub.passes.keys import KeyRing
from eventhub.passes.tokens import PassKind, TokenClaims
from tests.browser.gate_helpers import (
    figures,
    issued_token,
    make_gate,
    new_device,
    organiser_api,
    paired_scanner,
    revoke_pass,
    running_edition,
    wedge,
)
from tests.conftest import PASSWORD, Api


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    # The live server's tables are emptied after each test and ids restart: a key ring or a
    # device cached in this process by an earlier test would be stale.
    signing.forget()
    device_auth.forget()


def test_keyboard_wedge_scans_are_decided_by_the_server(live_server, context):
    organiser = organiser_api(live_server)
    edition = running_edition(organiser)
    gate = make_gate(organiser, edition["id"], "東1ホール入口")
    device = new_device(organiser, edition["id"], gate)
    _, token = issued_token(organiser, edition["id"], "wedge@example.jp")
    page = paired_scanner(context, live_server.url, device["pairing_code"])

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
    page.wait_for_function(
        "() => window.gate.state.queue.length === 0 && !window.gate.state.syncing"
    )


def offline_journey(live: Any, context: BrowserContext) -> None:
    """20 scans decided offline, each right; a reload offline; then the sync, applied once."""
    app, base, organiser = live.app, live.url, organiser_api(live)
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
    assert response is not None
    assert response.from_service_worker
    page.wait_for_selector("#scanner:not([hidden])")
    page.wait_for_function("() => window.gate.state.queue.length === 20")
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
    assert counted["entries_decided_offline"] == 16
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
            {
                key: item[key]
                for key in ("token", "direction", "nonce", "scanned_at", "local_result")
            }
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
def test_offline_scans_are_right_and_sync_once_with_a_real_worker(live_stack_server, context):
    offline_journey(live_stack_server, context)


def test_offline_scans_are_right_and_sync_once(live_server, context):
    offline_journey(live_server, context)


def test_two_gates_offline_admit_one_pass_once_and_the_second_shows_the_conflict(
    live_server, browser
):
    organiser = organiser_api(live_server)
    edition = running_edition(organiser)
    east, west = (make_gate(organiser, edition["id"], name) for name in ("東ゲート", "西ゲート"))
    first_device = new_device(organiser, edition["id"], east)
    second_device = new_device(organiser, edition["id"], west)
    _, token = issued_token(organiser, edition["id"], "both@example.jp", "両方 通る")
    contexts = [browser.new_context(locale="ja-JP") for _ in range(2)]
    try:
        first = paired_scanner(contexts[0], live_server.url, first_device["pairing_code"])
        second = paired_scanner(contexts[1], live_server.url, second_device["pairing_code"])
        for context in contexts:
            context.set_offline(True)

        assert wedge(first, token) == "admitted"
        assert wedge(second, token) == "admitted"  # neither knows of the other

        contexts[0].set_offline(False)
        wait_until_synced(first)
        contexts[1].set_offline(False)
        wait_until_synced(second)

        assert figures(organiser, edition["id"])["admitted_today"] == 1
        assert first.is_hidden("#conflicts")
        conflict = second.locator("#conflict-list li")
        assert conflict.count() == 1
        assert conflict.get_attribute("data-server") == "already_inside"
        assert conflict.get_attribute("data-local") == "admitted"
        assert "すでに入場済みです" in conflict.inner_text()
    finally:
        for context in contexts:
            context.close()


def test_a_scanner_whose_clock_runs_ahead_is_told_and_its_queue_drains(live_server, context):
    """Scans dated ahead of the server's clock admit nobody: online the scanner shows why, in
    both languages; offline it decides alone, and the upload is answered once and for all
    (shown as a conflict), so the queue empties instead of being sent forever."""
    organiser = organiser_api(live_server)
    edition = running_edition(organiser)
    device = new_device(organiser, edition["id"], make_gate(organiser, edition["id"], "北口"))
    _, online = issued_token(organiser, edition["id"], "ahead-online@example.jp")
    _, offline = issued_token(organiser, edition["id"], "ahead-offline@example.jp", "先 走る")
    page = paired_scanner(context, live_server.url, device["pairing_code"])
    ahead = page.evaluate("Date.now()") + 40 * 60 * 1000  # 40 minutes fast
    page.clock.set_system_time(ahead / 1000)

    assert wedge(page, online) == "time_out_of_range"
    assert (
        page.inner_text("#result-main")
        == "スキャン時刻が範囲外です（端末の時計を確認してください）"
    )
    assert page.inner_text("#result-other") == "Scan time out of range (check the scanner's clock)"

    context.set_offline(True)
    assert wedge(page, offline) == "admitted"  # alone, the scanner cannot know its clock
    context.set_offline(False)
    wait_until_synced(page)

    assert figures(organiser, edition["id"])["admitted_today"] == 0
    conflict = page.locator("#conflict-list li")
    assert conflict.count() == 1
    assert conflict.get_attribute("data-server") == "time_out_of_range"
    assert "スキャン時刻が範囲外です" in conflict.inner_text()
    assert page.evaluate("window.gate.state.queue.length") == 0


def test_a_scanner_whose_clock_is_off_tells_the_staff_until_it_is_set(live_server, context):
    """The scanner compares its clock with the server's at every refresh and says, in the
    reader's language, how far off it is; a set clock takes the warning away."""
    organiser = organiser_api(live_server)
    edition = running_edition(organiser)
    device = new_device(organiser, edition["id"], make_gate(organiser, edition["id"], "南口"))
    issued_token(organiser, edition["id"], "clock@example.jp")  # the edition's key exists
    page = paired_scanner(context, live_server.url, device["pairing_code"])
    clock = page.locator("#clock")
    expect(clock).to_be_hidden()
    now = page.evaluate("Date.now()")

    page.clock.set_system_time((now + 40 * 60 * 1000) / 1000)  # 40 minutes fast
    page.evaluate("window.gate.refresh()")

    expect(clock).to_be_visible()
    expect(clock).to_contain_text("サーバーより40分進んでいます")
    page.select_option("#lang", "en")
    expect(clock).to_contain_text("40 min ahead of the server's")

    page.clock.set_system_time((now - 3 * 60 * 1000) / 1000)  # 3 minutes slow
    page.evaluate("window.gate.refresh()")
    expect(clock).to_contain_text("3 min behind the server's")

    page.clock.set_system_time(page.evaluate("Date.now()") / 1000 + 3 * 60)  # set right
    page.evaluate("window.gate.refresh()")
    expect(clock).to_be_hidden()


def test_an_open_scanner_page_reloads_into_a_new_release(live_server, context, monkeypatch):
    """A page left open all day still moves to the release the server runs: at a refresh it
    finds the new service worker, which takes it over, and it reloads with its pairing and
    its waiting scans kept."""
    organiser = organiser_api(live_server)
    edition = running_edition(organiser)
    device = new_device(organiser, edition["id"], make_gate(organiser, edition["id"], "西口"))
    _, token = issued_token(organiser, edition["id"], "release@example.jp")
    page = paired_scanner(context, live_server.url, device["pairing_code"])
    old_release = page.get_attribute("body", "data-version")
    context.set_offline(True)
    assert wedge(page, token) == "admitted"  # waiting to be sent
    context.set_offline(False)
    page.evaluate("window.__old_page = true")

    monkeypatch.setattr(gate_views, "version", lambda: "a-new-release")
    with page.expect_event("load", timeout=30_000):
        page.evaluate("window.gate.refresh()")

    assert page.evaluate("window.__old_page === undefined")
    assert page.get_attribute("body", "data-version") == "a-new-release" != old_release
    page.wait_for_function("() => window.gate.state.keys.size > 0")  # still paired
    wait_until_synced(page)
    assert figures(organiser, edition["id"])["admitted_today"] == 1


def write_y4m(png: bytes, path: Path, frames: int = 10) -> None:
    """A YUV4MPEG2 video (4:2:0) of the QR code on white, for Chromium's fake camera."""
    width, height = 640, 480
    qr = Image.open(io.BytesIO(png)).convert("L")
    qr = qr.resize((360, 360), Image.Resampling.NEAREST)
    picture = Image.new("L", (width, height), 255)
    picture.paste(qr, ((width - 360) // 2, (height - 360) // 2))
    luma = picture.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + luma + chroma + chroma)


def test_the_camera_reads_an_issued_pass_and_admits_it(
    live_server, browser_type, browser_type_launch_args, tmp_path
):
    organiser = organiser_api(live_server)
    edition = running_edition(organiser)
    device = new_device(organiser, edition["id"], make_gate(organiser, edition["id"], "南口"))
    pass_id, _ = issued_token(organiser, edition["id"], "camera@example.jp", "写真 映る")
    png = organiser.get(f"/api/v1/passes/{pass_id}/qr.png")
    assert png.status_code == 200
    video = tmp_path / "pass.y4m"
    write_y4m(png.data, video)
    browser = browser_type.launch(
        executable_path=browser_type_launch_args["executable_path"],
        args=[
            *browser_type_launch_args["args"],
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = browser.new_context(locale="ja-JP", permissions=["camera"])
        page = paired_scanner(context, live_server.url, device["pairing_code"])
        page.click("#scanner [data-camera]")
        page.wait_for_function("() => window.gate.state.history.length > 0", timeout=20000)

        assert page.evaluate("window.gate.state.history[0].result") == "admitted"
        assert page.evaluate("window.gate.state.history[0].name") == "写真 映る"
        assert figures(organiser, edition["id"])["admitted_today"] == 1
        page.click("#scanner [data-camera]")  # stop
        assert page.is_hidden("#camera")
    finally:
        browser.close()


def test_an_organiser_adds_a_device_and_gate_staff_pair_by_typing_the_code(
    live_server, browser, axe_check, screenshot
):
    organiser = organiser_api(live_server)
    edition = running_edition(organiser)
    email = "gate-pages@example.jp"
    live_server.create_user(Role.ORGANISER, email=email)
    office = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    gate_staff = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    try:
        page = office.new_page()
        page.goto(f"{live_server.url}/login")
        page.get_by_label("メールアドレス").fill(email)
        page.get_by_label("パスワード").fill(PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        page.goto(f"{live_server.url}/organiser/editions/{edition['id']}/gates")
        page.get_by_label("名称（日本語）").fill("北ゲート")
        page.get_by_role("button", name="ゲートを追加").click()
        expect(page.locator("table").first).to_contain_text("北ゲート")
        axe_check(page, name="gates and devices")
        page.get_by_label("端末名").fill("北-1")
        page.locator("#f-gate_id").select_option(label="北ゲート")
        page.get_by_role("button", name="端末を追加してペアリングコードを表示").click()
        code = page.locator("#pairing-code").inner_text()
        expect(page.locator("#pairing-qr")).to_be_visible()
        axe_check(page, name="pairing code")
        screenshot(page, "gate-pairing-code")

        scanner = gate_staff.new_page()
        scanner.goto(f"{live_server.url}/gate/")
        axe_check(scanner, name="gate scanner, pairing")
        scanner.get_by_label("ペアリングコード").fill(code.lower())
        scanner.get_by_role("button", name="ペアリング", exact=True).click()
        scanner.wait_for_selector("#scanner:not([hidden])")
        expect(scanner.locator("#where")).to_contain_text("北ゲート")
        axe_check(scanner, name="gate scanner")
        screenshot(scanner, "gate-scanner")

        page.goto(f"{live_server.url}/organiser/editions/{edition['id']}/gates")
        expect(page.locator("tbody").last).to_contain_text("ペアリング済み")
    finally:
        office.close()
        gate_staff.close()


def test_the_scanners_token_reader_and_day_rules_match_the_servers(live_server, page):
    """The scanner's decoder (decide.js) against eventhub's tokens module on edge cases."""
    ring, _ = KeyRing(edition_id=5).rotate()
    masked = TokenClaims(2**40, 5, PassKind.PRESS, date(2027, 8, 7), date(2027, 8, 9), 0b101, 3)
    token = ring.sign(masked)
    # The last character with other spare bits: the same bytes, but not the one spelling.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    assert len(base64.urlsafe_b64decode(token + "==")) % 3 == 1  # 4 spare bits at the end
    body = token[:-1] + alphabet[alphabet.index(token[-1]) ^ 1]
    page.goto(f"{live_server.url}/gate/")
    checked = page.evaluate(
        """async ([token, altered]) => {
          const d = await import("/gate/static/decide.js");
          const t = d.parseToken(token);
          const day = (iso) => d.venueDay(new Date(iso), "Asia/Tokyo");
          return {
            passId: t.passId, editionId: t.editionId, kind: t.kind, serial: t.serial,
            nDays: t.nDays, mask: Number(t.dayMask),
            altered: d.parseToken(altered) === null,
            padded: d.parseToken(token + "=") === null,
            days: [day("2027-08-06T23:59:59+09:00"), day("2027-08-07T00:00:00+09:00"),
                   day("2027-08-07T23:59:59+09:00"), day("2027-08-08T00:00:01+09:00")],
            valid: [0, 1, 2].map((i) => d.validOn(t, t.validFrom + i)),
          };
        }""",
        [token, body],
    )
    first = (date(2027, 8, 7) - date(2000, 1, 1)).days
    assert checked == {
        "passId": 2**40,
        "editionId": 5,
        "kind": PassKind.PRESS,
        "serial": 3,
        "nDays": 3,
        "mask": 0b101,
        "altered": True,
        "padded": True,
        "days": [first - 1, first, first, first + 1],
        "valid": [True, False, True],
    }


def test_the_scanner_reads_key_ids_in_hex_and_a_key_set_stored_before_in_base64url(
    live_server, page
):
    """/device/keys names keys in hex, as passes do; a key set a scanner stored while it was
    spelt in base64url still verifies after the update, offline, the passes printed then."""
    ring, material = KeyRing(edition_id=5).rotate()
    token = ring.sign(
        TokenClaims(7, 5, PassKind.ATTENDEE, date(2027, 8, 7), date(2027, 8, 9), None, 1)
    )
    served = ring.jwks()
    assert served["keys"][0]["kid"] == material.kid.hex()
    stored = {
        "keys": [{**served["keys"][0], "kid": base64.urlsafe_b64encode(material.kid)[:6].decode()}]
    }
    page.goto(f"{live_server.url}/gate/")
    results = page.evaluate(
        """async ([token, sets]) => {
          const d = await import("/gate/static/decide.js");
          const decide = async (jwks) => {
            const state = { keys: await d.importKeys(jwks), editionId: 5, timezone: "Asia/Tokyo",
                            reentryAllowed: true, revoked: new Set(), presence: new Map() };
            const at = new Date("2027-08-07T10:00:00+09:00");
            return (await d.decideOffline(state, token, "entry", at)).result;
          };
          return [await decide(sets[0]), await decide(sets[1]), await decide({ keys: [] })];
        }""",
        [token, [served, stored]],
    )

    assert results == ["admitted", "admitted", "forged"]
