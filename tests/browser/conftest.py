"""Browser tests: Playwright driving Debian's Chromium against a live eventhub server.

The server is the app itself, served by werkzeug in a thread of the test process, on its own
SQLite database with eager tasks (``live_server``), or on the service stack's PostgreSQL,
Redis and Celery worker (``live_stack_server``, for tests marked ``service``). Chromium is the
one Debian packages (``/usr/bin/chromium``; CHROMIUM overrides): never Playwright's download.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from eventhub import create_app
from eventhub.accounts import service as accounts
from eventhub.accounts.models import Role
from eventhub.config import RATE_LIMIT_DEFAULTS
from eventhub.extensions import db
from tests import services
from tests.conftest import PASSWORD, SEEDED_TABLES

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: Where tests leave the screenshots a reviewer looks at (the closing notes list them).
SCREENSHOTS = Path(
    os.environ.get("EVENTHUB_SCREENSHOTS") or Path(tempfile.gettempdir()) / "eventhub-screenshots"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: install Debian's (apt-get install chromium); "
            "never `playwright install`",
            pytrace=False,
        )
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "ja-JP", "timezone_id": "Asia/Tokyo"}


@dataclass
class LiveServer:
    app: Flask
    url: str

    def create_user(
        self,
        *roles: Role,
        email: str,
        prefecture_code: int | None = None,
        verified: bool = True,
    ) -> int:
        with self.app.app_context():
            user = accounts.create_user(email, PASSWORD, "ブラウザ 利用者", verified=verified)
            for role in roles:
                code = prefecture_code if role == Role.PREFECTURE_CONTACT else None
                accounts.grant_role(user, role, code, None)
            db.session.commit()
            return user.id


def _serve(app: Flask) -> Iterator[LiveServer]:
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    # Links in mails and pairing codes point at this server.
    app.config["EVENTHUB_BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, url)
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _empty_tables(app: Flask) -> None:
    with app.app_context():
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in SEEDED_TABLES]
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                db.session.execute(table.delete())
        db.session.commit()


@pytest.fixture(scope="session")
def _live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'live.sqlite3'}",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": 9,  # nothing listens: mails stay in outgoing_mails, read from there
            # Every journey signs in from 127.0.0.1: the limits stay on, far above the suite's.
            **dict.fromkeys(RATE_LIMIT_DEFAULTS, "1000 per minute"),
        }
    )
    with app.app_context():
        services.migrate_to_head()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def _live_server(_live_app: Flask) -> Iterator[LiveServer]:
    yield from _serve(_live_app)


@pytest.fixture
def live_server(_live_server: LiveServer) -> Iterator[LiveServer]:
    """eventhub on SQLite with eager tasks, emptied after each test."""
    yield _live_server
    _empty_tables(_live_server.app)


@pytest.fixture(scope="session")
def _live_stack_server(service_app: Flask) -> Iterator[LiveServer]:
    yield from _serve(service_app)


@pytest.fixture
def live_stack_server(_live_stack_server: LiveServer) -> Iterator[LiveServer]:
    """eventhub on the service stack: PostgreSQL, Redis and a real Celery worker (mark the
    test ``service``); emptied after each test."""
    yield _live_stack_server
    _empty_tables(_live_stack_server.app)


@pytest.fixture
def axe_check() -> Callable[..., None]:
    """``axe_check(page)``: axe-core finds no serious or critical violation on the page."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page: Any, *, name: str = "") -> None:
        results = axe.run(page)
        bad = [
            v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
        ]
        details = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in bad
        )
        assert not bad, f"axe-core on {name or page.url}:\n{details}"

    return check


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """``screenshot(page, "name")`` keeps a full-page PNG in EVENTHUB_SCREENSHOTS."""

    def take(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
