"""The figures of one edition as the results report reads them.

The report helper codes against :class:`EditionFigures`; ``edition_figures``
in :mod:`eventhub.tallies.service` returns one, read from the stored tallies
(computed first if they never were).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class EditionFigures:
    """What the data says about one edition; the results report's input."""

    edition_id: int
    series_slug: str
    fiscal_year: int
    title_ja: str
    title_en: str
    format: str  # in_person / online / hybrid
    status: str  # edition status (held, cancelled, ...)
    starts_at: datetime  # UTC aware
    ends_at: datetime
    venue_ja: str | None
    venue_en: str | None
    cancellation_reason: str | None
    exhibitors: int  # approved applications (企業・団体 / 者)
    exhibitors_present: int  # approved exhibitors with at least one staff pass admitted
    exhibitor_prefectures: tuple[
        int, ...
    ]  # sorted distinct JIS codes of approved exhibitors' organisations
    municipalities: int  # approved exhibitors whose organisation kind is municipality
    organisations_by_kind: Mapping[str, int]  # company / association / municipality / other
    booth_units: int
    registrations: int
    registrations_by_type: Mapping[str, int]
    visitors: int  # unique attendee passes (not exhibitor staff) admitted at least once
    visitors_by_day: Mapping[str, int]  # "YYYY-MM-DD" (Tokyo) -> unique visitors that day
    entries_by_hour: Mapping[
        str, int
    ]  # "YYYY-MM-DDTHH" (Tokyo) -> admitted entries incl. re-entries
    visitors_by_gate: Mapping[
        str, int
    ]  # gate name_ja (or "unknown": no gate) -> unique visitors admitted there
    visitors_by_type: Mapping[str, int]
    visitors_by_prefecture: Mapping[
        str, int
    ]  # two-digit JIS code "01".."47" (or "unknown") -> unique visitors
    entries: int  # admitted entries of visitors (not exhibitor staff) including re-entries
    online_participants: int | None  # None for in_person editions
    # 商談: booked business meetings held (bookings.attended_at set, session kind
    # business_meeting) + leads
    business_meetings: int
    deals: int | None  # closed deals if recorded, else None
    hands_on_seats_used: int  # seats of hands_on bookings attended
    computed_at: datetime
    #: Approved exhibitors per prefecture of their organisation: JIS code "01".."47" -> count
    #: (for the chart of exhibitors by prefecture); added after the first contract, hence a default.
    exhibitors_by_prefecture: Mapping[str, int] = field(default_factory=dict)
