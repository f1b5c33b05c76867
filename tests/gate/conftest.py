"""The gate scanner in Chromium against a live server on the test app.

The live server here is local to these tests until the shared browser fixtures
(tests/browser/conftest.py) land; then these switch to them. Chromium is Debian's
(/usr/bin/chromium), launched by path: never ``playwright install``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from eventhub.checkin import device_auth
from eventhub.passes import signing
from tests.applications.helpers import open_edition
from tests.conftest import Api
from tests.passes.helpers import get_pass, pass_url, register

CHROMIUM = os.environ.get("EVENTHUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TOKYO = ZoneInfo("Asia/Tokyo")
log = logging.getLogger(__name__)
EDITIONS = "/api/v1/editions"
ISSUE_SECONDS = 30


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    signing.forget()
    device_auth.forget()


@contextlib.contextmanager
def serving(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    with serving(app) as base:
        yield base


@pytest.fixture
def service_live_server(service_app: Flask) -> Iterator[str]:
    """A live server on PostgreSQL, with a real worker issuing the passes."""
    with serving(service_app) as base:
        yield base


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    with sync_playwright() as playwright:
        yield playwright.chromium


@pytest.fixture(scope="session")
def gate_browser(chromium: Any) -> Iterator[Browser]:
    browser = chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def gate_context(gate_browser: Browser) -> Iterator[BrowserContext]:
    context = gate_browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    yield context
    context.close()


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
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_function("window.gate.state.keys.size > 0")
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
