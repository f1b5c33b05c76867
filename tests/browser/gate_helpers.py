"""Helpers of the gate scanner's browser tests: arranging editions, passes and devices
through the API of the live server's app, and driving the scanner page."""

from __future__ import annotations

import logging
import os
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import BrowserContext, Page

from eventhub.accounts.models import Role
from tests.applications.helpers import open_edition
from tests.conftest import PASSWORD, Api
from tests.passes.helpers import get_pass, pass_url, register

TOKYO = ZoneInfo("Asia/Tokyo")
log = logging.getLogger(__name__)
EDITIONS = "/api/v1/editions"
ISSUE_SECONDS = 30


def organiser_api(live: Any) -> Api:
    """An organiser of the live server's app, with an API token, for arranging a test."""
    email = f"gate-organiser-{os.urandom(4).hex()}@example.jp"
    live.create_user(Role.ORGANISER, email=email)
    client = live.app.test_client()
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.json
    return Api(client, response.json["token"])


def running_edition(organiser: Api, title: str = "ゲート試験展") -> dict[str, Any]:
    """An open edition whose days are yesterday, today and tomorrow in Tokyo."""
    today = datetime.now(TOKYO).replace(hour=0, minute=0, second=0, microsecond=0)
    starts = today - timedelta(days=1) + timedelta(hours=10)
    ends = today + timedelta(days=1) + timedelta(hours=17)
    return open_edition(
        organiser,
        title_ja=title,
        title_en=f"{title} (en)",
        starts_at=starts.isoformat(),
        ends_at=ends.isoformat(),
        applications_close_at=(starts - timedelta(days=2)).isoformat(),
    )


def issued_token(organiser: Api, edition_id: int, email: str, name: str = "山田 太郎") -> Any:
    """A visitor registers and the pass is issued (eagerly on the test app, by the worker on
    the service stack): (pass id, token)."""
    registration = register(Api(organiser.client), edition_id, email=email, name=name)
    deadline = time.monotonic() + ISSUE_SECONDS
    issued = get_pass(organiser, registration["pass"]["id"])
    while issued["state"] != "issued" and time.monotonic() < deadline:
        time.sleep(0.2)
        issued = get_pass(organiser, registration["pass"]["id"])
    assert issued["state"] == "issued", issued
    return issued["id"], issued["token"]


def revoke_pass(organiser: Api, pass_id: int) -> None:
    response = organiser.post(pass_url(pass_id, "revoke"))
    assert response.status_code == 200, response.json


def make_gate(organiser: Api, edition_id: int, name_ja: str) -> int:
    response = organiser.post(
        f"{EDITIONS}/{edition_id}/gates", json={"name_ja": name_ja, "name_en": name_ja}
    )
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def new_device(organiser: Api, edition_id: int, gate_id: int | None, **extra: Any) -> Any:
    response = organiser.post(
        f"{EDITIONS}/{edition_id}/devices",
        json={"name": f"tablet-{gate_id}", "gate_id": gate_id, **extra},
    )
    assert response.status_code == 201, response.json
    return response.json


def paired_scanner(context: BrowserContext, base: str, code: str) -> Page:
    """Open /gate/ with the pairing link, as scanning the pairing QR code does, and wait
    until the scanner has paired, loaded its keys and its service worker controls it."""
    page = context.new_page()
    page.on("pageerror", lambda error: log.error("scanner page error: %s", error))
    page.goto(f"{base}/gate/#pair={code}")
    page.wait_for_selector("#scanner:not([hidden])")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function("() => window.gate.state.keys.size > 0")
    return page


def wedge(page: Page, token: str, direction: str = "entry") -> str:
    """Type a token and Enter, as a keyboard-wedge scanner does; the result shown."""
    page.check(f"#dir-{direction}")
    before = page.evaluate(
        "window.gate.state.history.length ? window.gate.state.history[0].nonce : ''"
    )
    page.fill("#code", token)
    page.press("#code", "Enter")
    page.wait_for_function(
        "(before) => ((window.gate.state.history[0] || {}).nonce || '') !== before",
        arg=before,
    )
    return str(page.evaluate("window.gate.state.history[0].result"))


def figures(organiser: Api, edition_id: int) -> dict[str, Any]:
    response = organiser.get(f"{EDITIONS}/{edition_id}/figures")
    assert response.status_code == 200, response.json
    return dict(response.json)
