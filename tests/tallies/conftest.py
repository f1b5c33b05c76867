"""Fixtures for the tallies tests."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from eventhub import tasks
from eventhub.checkin import device_auth
from eventhub.passes import signing


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    # Ids restart between tests, so a key ring or device cached by an earlier test is stale.
    signing.forget()
    device_auth.forget()


@pytest.fixture
def no_settling(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scans count as soon as they are stored (eager tests run the task right after them)."""
    monkeypatch.setitem(app.config, "TALLY_SETTLE_SECONDS", 0.0)


@pytest.fixture
def lost_tasks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """Tasks queued after commit are dropped (and recorded), as if the broker lost them."""
    lost: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(tasks, "_dispatch", lambda name, args: lost.append((name, args)))
    return lost
