"""Demo people and an upcoming edition of each series, so every page can be clicked through.

The FY2026 editions of ``eventhub.demo`` are history by now; this adds, for each series, the
next edition on the same calendar days at least two months ahead (dates relative to today),
open for applications and registration, and one person for each kind of page: an exhibitor
with applications, a reviewer, the Tokyo prefecture contact and a pre-registered attendee.
Everything goes through the API's schemas and services. Loading twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from eventhub.accounts import schemas as account_schemas
from eventhub.accounts import service as accounts
from eventhub.accounts.models import Role, User
from eventhub.applications import schemas as application_schemas
from eventhub.applications import service as applications
from eventhub.booths import schemas as booth_schemas
from eventhub.booths import service as booths
from eventhub.db import utcnow
from eventhub.events import schemas as event_schemas
from eventhub.events import service as events
from eventhub.events.models import Edition, EditionStatus
from eventhub.extensions import db
from eventhub.japan.calendar import TOKYO
from eventhub.passes import printable
from eventhub.passes import schemas as pass_schemas
from eventhub.passes import service as passes

#: How far ahead the upcoming editions open, at least.
LEAD_TIME = timedelta(days=60)


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    roles: tuple[Role, ...] = ()
    prefecture_code: int | None = None


EXHIBITOR = Person("exhibitor@example.jp", "デモ 出展者")
REVIEWER = Person("reviewer@example.jp", "デモ 審査員", (Role.REVIEWER,))
TOKYO_CONTACT = Person(
    "tokyo@example.jp", "デモ 東京都担当", (Role.PREFECTURE_CONTACT,), prefecture_code=13
)
ATTENDEE_EMAIL = "attendee@example.jp"

ORGANISATION: dict[str, Any] = {
    "name": "株式会社デモ木工",
    "name_kana": "カブシキガイシャデモモッコウ",
    "kind": "company",
    "prefecture_code": 13,
    "postal_code": "100-0005",
    "address": "東京都千代田区丸の内1-1-1",
    "phone": "03-1234-5678",
    "website": "https://demo-mokko.example.jp",
}

_CONTACT = {
    "contact_name": "山田 太郎",
    "contact_name_kana": "ヤマダ タロウ",
    "contact_title": "営業部長",
    "contact_email": "exhibitor@example.jp",
    "contact_phone": "03-1234-5678",
    "booth_type": "standard",
    "booth_units": 2,
    "accept_terms": True,
}

#: One application per series: (series, industry, summary, series fields, submitted?).
APPLICATIONS: list[tuple[str, str, str, dict[str, Any], bool]] = [
    (
        "national-zone",
        "manufacturing",
        "木工の精密加工技術と、自治体と開発した防災用品を展示します。",
        {
            "recommending_prefecture_code": 13,
            "prefecture_contact": {
                "name": "東京 花子",
                "email": "tokyo@example.jp",
                "phone": "03-5321-1111",
            },
            "target_buyers": ["百貨店", "商社"],
        },
        True,
    ),
    (
        "takumi",
        "crafts",
        "江戸指物の技で作る小箱と、組子細工の実演をご覧いただけます。",
        {
            "craft": "江戸指物",
            "traditional_craft": "江戸指物",
            "demonstration": True,
            "demonstration_description": "組子細工の実演を1日3回行います。",
        },
        True,
    ),
    (
        "mokucolle",
        "timber",
        "多摩産材のスギとヒノキで作る家具を展示します（下書き）。",
        {
            "timber_species": ["スギ", "ヒノキ"],
            "origin_prefecture_codes": [13],
            "product_categories": ["furniture", "interior"],
            "business_meetings": True,
            "buyer_types": ["工務店", "設計事務所"],
        },
        False,
    ),
]


def _shift_years(value: datetime, years: int) -> datetime:
    local = value.astimezone(TOKYO)
    return local.replace(year=local.year + years)


def _years_ahead(starts_at: datetime, now: datetime) -> int:
    years = 1
    while _shift_years(starts_at, years) < now + LEAD_TIME:
        years += 1
    return years


def _local(value: datetime) -> str:
    return value.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M")


def _floor() -> list[dict[str, Any]]:
    """Two rows of six 2-unit booths, corners at each end, for the booth map."""
    schema = booth_schemas.BoothSchema()
    return [
        schema.load({"code": f"{row}-{n:02d}", "zone": zone, "units": 2, "is_corner": n in (1, 6)})
        for row, zone in (("A", "東1ホール"), ("B", "東2ホール"))
        for n in range(1, 7)
    ]


def upcoming_editions(past: list[Edition]) -> list[Edition]:
    """For each past edition, its next one ahead of today (created once, found after)."""
    now = utcnow()
    found = []
    for edition in past:
        years = _years_ahead(edition.starts_at, now)
        starts = _shift_years(edition.starts_at, years)
        old_year, new_year = str(edition.starts_at.astimezone(TOKYO).year), str(starts.year)
        title_ja = edition.title_ja.replace(old_year, new_year)
        existing = db.session.scalars(
            sa.select(Edition).where(Edition.title_ja == title_ja)
        ).first()
        if existing is not None:
            found.append(existing)
            continue
        data = event_schemas.EditionSchema().load(
            {
                "series": edition.series.slug,
                "title_ja": title_ja,
                "title_en": edition.title_en.replace(old_year, new_year),
                "venue_ja": edition.venue_ja,
                "venue_en": edition.venue_en,
                "venue_address": edition.venue_address,
                "starts_at": _local(starts),
                "ends_at": _local(_shift_years(edition.ends_at, years)),
                "format": edition.format,
                "applications_open_at": _local(now - timedelta(days=1)),
                "applications_close_at": _local(starts - timedelta(days=30)),
                "booth_capacity": edition.booth_capacity,
            }
        )
        upcoming = events.create_edition(data)
        for session in edition.sessions:
            events.create_session(
                upcoming,
                event_schemas.SessionSchema().load(
                    {
                        "kind": session.kind,
                        "title_ja": session.title_ja,
                        "title_en": session.title_en,
                        "starts_at": _local(_shift_years(session.starts_at, years)),
                        "ends_at": _local(_shift_years(session.ends_at, years)),
                        "place": session.place,
                        "seats": session.seats,
                    }
                ),
            )
        booths.create_booths(upcoming, _floor())
        events.change_edition_status(upcoming, {"status": EditionStatus.OPEN})
        found.append(upcoming)
    db.session.flush()
    return found


def _person(person: Person, password: str) -> User:
    user = accounts.by_email(person.email)
    if user is None:
        user = accounts.create_user(person.email, password, person.name, verified=True)
    for role in person.roles:
        if not user.has_role(role):
            code = person.prefecture_code if role == Role.PREFECTURE_CONTACT else None
            accounts.grant_role(user, role, code, None)
    return user


def _exhibitor(password: str, upcoming: list[Edition]) -> None:
    user = _person(EXHIBITOR, password)
    if user.memberships:
        return  # loaded before
    organisation = accounts.create_organisation(
        user, account_schemas.OrganisationSchema().load(ORGANISATION)
    )
    db.session.flush()
    by_series = {edition.series.slug: edition for edition in upcoming}
    for series, industry, summary, fields, submit in APPLICATIONS:
        edition = by_series.get(series)
        if edition is None:
            continue
        body = {
            **_CONTACT,
            "organisation_id": organisation.id,
            "industry_category": industry,
            "summary_ja": summary,
            "series_fields": fields,
        }
        data = application_schemas.ApplicationSchema().load(body)
        application = applications.create_draft(edition, user, data)
        db.session.flush()
        if submit:
            applications.submit(application, user, {})
    db.session.flush()


def _attendee(upcoming: list[Edition]) -> str | None:
    """The attendee's pass page: registered for the national zone's next edition."""
    edition = next((e for e in upcoming if e.series.slug == "national-zone"), None)
    if edition is None:
        return None
    found = passes.registered_pass(edition.id, ATTENDEE_EMAIL)
    if found is None:
        data = pass_schemas.RegistrationSchema().load(
            {
                "name": "佐藤 花子",
                "name_kana": "サトウ ハナコ",
                "email": ATTENDEE_EMAIL,
                "organisation_name": "株式会社木の家",
                "prefecture_code": 20,
                "attendee_type": "buyer",
                "accept_terms": True,
                "locale": "ja",
            }
        )
        found = passes.register(edition, data).pass_
    db.session.flush()
    return printable.page_link(found) if found is not None else None


def load(password: str, past: list[Edition]) -> list[str]:
    """Add the upcoming editions and the people; lines for the demo's summary."""
    upcoming = upcoming_editions(past)
    _exhibitor(password, upcoming)
    _person(REVIEWER, password)
    _person(TOKYO_CONTACT, password)
    pass_page = _attendee(upcoming)
    lines = [
        f"exhibitor {EXHIBITOR.email}, reviewer {REVIEWER.email}, "
        f"Tokyo prefecture contact {TOKYO_CONTACT.email}: password {password}",
    ]
    if pass_page:
        lines.append(f"attendee {ATTENDEE_EMAIL}'s pass: {pass_page}")
    return lines
