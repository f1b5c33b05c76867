"""Fixtures for the tallies tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from eventhub import tasks
from eventhub.checkin import device_auth
from eventhub.passes import signing
from eventhub.tallies import service


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    # Ids restart between tests, so a key ring or device cached by an earlier test is stale.
    signing.forget()
    device_auth.forget()


@pytest.fixture
def no_settling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scans count as soon as they are stored (eager tests run the task right after them)."""
    monkeypatch.setattr(service, "SETTLE", timedelta(0))


@pytest.fixture
def lost_tasks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """Tasks queued after commit are dropped (and recorded), as if the broker lost them."""
    lost: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(tasks, "_dispatch", lambda name, args: lost.append((name, args)))
    return lost
