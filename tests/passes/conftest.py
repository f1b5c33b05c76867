"""Fixtures for the passes API tests. Fixtures only: the pure tests here (tokens, keys, qr)
also run with --noconftest, so nothing in this file may be needed by them."""

from __future__ import annotations

from typing import Any

import pytest

from eventhub import tasks
from eventhub.passes import signing
from tests.conftest import Api
from tests.passes.helpers import open_edition


@pytest.fixture(autouse=True)
def _fresh_key_rings() -> None:
    # Key rings are cached per process, and the tables are emptied between tests: a ring
    # cached by an earlier test would hold keys of an edition id that has been reused.
    signing.forget()


@pytest.fixture
def edition(organiser: Api) -> dict[str, Any]:
    """A mokucolle edition, 28–30 October 2027, open (so visitors may register)."""
    return open_edition(organiser)


@pytest.fixture
def lost_tasks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """Tasks queued after commit are dropped (and recorded), as if the broker lost them."""
    lost: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(tasks, "_dispatch", lambda name, args: lost.append((name, args)))
    return lost
