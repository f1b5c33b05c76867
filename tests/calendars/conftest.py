"""The serving cache checks the store on every request in these tests, so what a test
changes shows at once, and no feed cached by an earlier test (same ids) is ever served."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.calendars.helpers import clear_cache


@pytest.fixture(autouse=True)
def _no_feed_cache(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(app.config, "CALENDAR_CACHE_SECONDS", 0)
    clear_cache(app)
    yield
    clear_cache(app)
