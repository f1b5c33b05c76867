from __future__ import annotations

from typing import Any

import pytest

from tests.booths.helpers import open_edition
from tests.conftest import Api


@pytest.fixture
def edition(organiser: Api) -> dict[str, Any]:
    """A mokucolle edition open for applications, as the API returned it."""
    return open_edition(organiser)
