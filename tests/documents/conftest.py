from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import Api
from tests.documents.helpers import draft_application, open_edition


@pytest.fixture(autouse=True)
def upload_dir(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores its files in its own folder, so it can look at exactly what is there."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    monkeypatch.setitem(app.config, "EVENTHUB_UPLOAD_DIR", folder)
    return folder


@pytest.fixture
def small_upload_limit(app: Flask, monkeypatch: pytest.MonkeyPatch) -> int:
    """A 4 KiB file limit: big enough for the tiny test files, small enough to exceed."""
    monkeypatch.setitem(app.config, "EVENTHUB_UPLOAD_MAX_BYTES", 4096)
    return 4096


@pytest.fixture
def edition_id(organiser: Api) -> int:
    return open_edition(organiser)


@pytest.fixture
def application_id(exhibitor: Api, edition_id: int) -> int:
    """A draft application of ``exhibitor``'s organisation."""
    return draft_application(exhibitor, edition_id)
