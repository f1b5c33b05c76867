"""EditionFigures built by hand, for the sentence and rendering tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from eventhub.tallies.figures import EditionFigures


def figures(**overrides: Any) -> EditionFigures:
    values: dict[str, Any] = {
        "edition_id": 1,
        "series_slug": "national-zone",
        "fiscal_year": 2027,
        "title_ja": "産業交流展2027 全国ゾーン",
        "title_en": "Industrial Exchange Expo 2027, National Zone",
        "format": "in_person",
        "status": "held",
        # 2027-10-28 10:00 to 2027-10-30 17:00 in Tokyo.
        "starts_at": datetime(2027, 10, 28, 1, tzinfo=UTC),
        "ends_at": datetime(2027, 10, 30, 8, tzinfo=UTC),
        "venue_ja": "東京ビッグサイト",
        "venue_en": "Tokyo Big Sight",
        "cancellation_reason": None,
        "exhibitors": 32,
        "exhibitors_present": 30,
        "exhibitor_prefectures": (1, 27, 47),
        "municipalities": 0,
        "organisations_by_kind": {"company": 30, "association": 2},
        "booth_units": 40,
        "registrations": 5000,
        "registrations_by_type": {"general": 4800, "buyer": 200},
        "visitors": 4243,
        "visitors_by_day": {"2027-10-28": 1500, "2027-10-29": 1400, "2027-10-30": 1343},
        "entries_by_hour": {"2027-10-28T10": 800, "2027-10-28T11": 900},
        "visitors_by_gate": {"東1ホール入口": 4243},
        "visitors_by_type": {"general": 4100, "buyer": 143},
        "visitors_by_prefecture": {"13": 4000, "unknown": 243},
        "entries": 4600,
        "online_participants": None,
        "business_meetings": 0,
        "deals": None,
        "hands_on_seats_used": 0,
        "computed_at": datetime(2027, 11, 1, tzinfo=UTC),
    }
    values.update(overrides)
    return EditionFigures(**values)
