from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.events.helpers import EDITIONS, edition_body


@pytest.fixture
def draft(organiser: Api) -> dict[str, Any]:
    """A draft takumi edition, as the API returned it."""
    response = organiser.post(EDITIONS, json=edition_body())
    assert response.status_code == 201, response.json
    return dict(response.json)


@pytest.fixture
def published(organiser: Api, draft: dict[str, Any]) -> dict[str, Any]:
    """The draft edition, opened (published)."""
    response = organiser.post(f"{EDITIONS}/{draft['id']}/status", json={"status": "open"})
    assert response.status_code == 200, response.json
    return dict(response.json)
