from __future__ import annotations

from typing import Any

import pytest

from tests.applications.helpers import make_organisation, open_edition
from tests.conftest import Api


@pytest.fixture
def organisation(exhibitor: Api) -> dict[str, Any]:
    """The exhibitor's organisation, in Tokyo."""
    return make_organisation(exhibitor)


@pytest.fixture
def edition(organiser: Api) -> dict[str, Any]:
    """An open in-person takumi edition."""
    return open_edition(organiser, "takumi")
