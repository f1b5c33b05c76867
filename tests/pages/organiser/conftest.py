"""Data for the organiser page tests, made through the API as the API tests make it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.booths.helpers import approved_application, make_booths, open_edition
from tests.conftest import Api


@pytest.fixture
def edition(organiser: Api) -> dict[str, Any]:
    """A mokucolle edition in October 2027, open for applications, as the API returned it."""
    return open_edition(organiser)


@pytest.fixture
def floor(organiser: Api, exhibitor: Api, edition: dict[str, Any]) -> dict[str, Any]:
    """Four booths in two zones and two approved applications (Tokyo for 2 units, Kyoto for 1)."""
    booths = make_booths(
        organiser,
        edition["id"],
        {"code": "A-1", "zone": "A", "units": 2},
        {"code": "A-2", "zone": "A", "units": 1},
        {"code": "B-1", "zone": "B", "units": 1, "is_corner": True},
        {"code": "B-2", "zone": "B", "units": 2},
    )
    tokyo = approved_application(organiser, exhibitor, edition, units=2, prefecture_code=13)
    kyoto = approved_application(organiser, exhibitor, edition, units=1, prefecture_code=26)
    return {
        "edition": edition,
        "booths": {b["code"]: b for b in booths},
        "tokyo": tokyo,
        "kyoto": kyoto,
    }
