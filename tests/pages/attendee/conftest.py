"""Fixtures of the attendee pages: an open edition with bookable sessions, through the API."""

from __future__ import annotations

from typing import Any

import pytest

from eventhub.passes import signing
from tests.bookings.helpers import hands_on
from tests.calendars.helpers import add_session, edition
from tests.conftest import Api


@pytest.fixture(autouse=True)
def _fresh_key_rings() -> None:
    # Key rings are cached per process and the tables emptied between tests (see tests/passes).
    signing.forget()


@pytest.fixture
def open_edition(organiser: Api) -> dict[str, Any]:
    """A mokucolle edition, 28–30 October 2027 at Tokyo Big Sight, open."""
    return edition(organiser)


@pytest.fixture
def sessions(organiser: Api, open_edition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A hands-on slot of 2 seats, a business meeting at the same time, a later slot, and a
    demonstration (not bookable)."""
    eid = open_edition["id"]
    return {
        "spoon": hands_on(organiser, eid, seats=2, title_en="Wooden spoon making"),
        "meeting": add_session(
            organiser, eid, kind="business_meeting", title_ja="バイヤー商談会", seats=5
        ),
        "later": hands_on(
            organiser,
            eid,
            seats=4,
            title_ja="木箸づくり体験",
            starts_at="2027-10-29T14:00:00+09:00",
            ends_at="2027-10-29T15:00:00+09:00",
        ),
        "demo": add_session(organiser, eid, kind="demonstration", title_ja="製材の実演"),
    }
