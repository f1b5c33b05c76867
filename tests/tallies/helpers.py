"""A small edition built straight in the database, scans inserted as any history may hold
them, and a Python oracle of what the tallies must say about those scans."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.accounts.models import Organisation
from eventhub.applications.models import Application, StaffMember
from eventhub.checkin.models import Gate, Scan
from eventhub.db import utcnow
from eventhub.events.models import Edition, Series
from eventhub.extensions import db
from eventhub.passes.models import Pass, Registration
from eventhub.tallies import service

TOKYO = ZoneInfo("Asia/Tokyo")
#: 2027-08-07 10:00 to 2027-08-09 17:00 in Tokyo.
STARTS = datetime(2027, 8, 7, 10, tzinfo=TOKYO)
ENDS = datetime(2027, 8, 9, 17, tzinfo=TOKYO)
ENTRY_RESULTS = {"admitted", "reentry_admitted"}
_emails = itertools.count(1)


@dataclass(frozen=True)
class Holder:
    pass_id: int
    staff: bool
    attendee_type: str | None
    prefecture_code: int | None


@dataclass(frozen=True)
class World:
    edition_id: int
    gates: dict[int, str]  # id -> name_ja
    holders: list[Holder]
    application_id: int


def make_world(
    visitors: Iterable[tuple[str, int | None]] = (
        ("general", 13),
        ("buyer", 1),
        ("general", None),
        ("press", 27),
        ("buyer", 13),
    ),
    staff: int = 1,
    edition_format: str = "in_person",
) -> World:
    """An edition with two gates, an approved exhibitor with ``staff`` staff passes, and one
    pass per (attendee type, prefecture) visitor."""
    series_id = db.session.scalar(sa.select(Series.id).where(Series.slug == "takumi"))
    edition = Edition(
        series_id=series_id,
        fiscal_year=2027,
        title_ja="匠の技の祭典2027",
        title_en="Takumi 2027",
        starts_at=STARTS,
        ends_at=ENDS,
        format=edition_format,
        status="open",
        venue_ja="東京ビッグサイト",
    )
    db.session.add(edition)
    db.session.flush()
    gates = [Gate(edition_id=edition.id, name_ja=n) for n in ("東1ホール入口", "西2ホール入口")]
    db.session.add_all(gates)
    organisation = Organisation(
        name="株式会社木の家", name_kana="キノイエ", kind="company", prefecture_code=20,
        postal_code="3800001", address="長野市", phone="0260000000",
    )  # fmt: skip
    db.session.add(organisation)
    db.session.flush()
    application = Application(
        edition_id=edition.id, organisation_id=organisation.id, status="approved", booth_units=2
    )
    db.session.add(application)
    db.session.flush()
    holders: list[Holder] = []
    for attendee_type, prefecture in visitors:
        email = f"visitor{next(_emails)}@example.jp"
        registration = Registration(
            edition_id=edition.id, name="来場 者", email=email, email_key=email,
            attendee_type=attendee_type, prefecture_code=prefecture, terms_accepted_at=utcnow(),
        )  # fmt: skip
        db.session.add(registration)
        db.session.flush()
        pass_ = Pass(
            edition_id=edition.id, kind=attendee_type, registration_id=registration.id,
            holder_name="来場 者", holder_email=email,
        )  # fmt: skip
        db.session.add(pass_)
        db.session.flush()
        holders.append(Holder(pass_.id, False, attendee_type, prefecture))
    for _ in range(staff):
        email = f"staff{next(_emails)}@example.jp"
        member = StaffMember(
            application_id=application.id, name="出展 者", email=email, email_key=email
        )
        db.session.add(member)
        db.session.flush()
        pass_ = Pass(
            edition_id=edition.id, kind="exhibitor_staff", staff_member_id=member.id,
            holder_name="出展 者", holder_email=email,
        )  # fmt: skip
        db.session.add(pass_)
        db.session.flush()
        holders.append(Holder(pass_.id, True, None, None))
    db.session.commit()
    return World(edition.id, {g.id: g.name_ja for g in gates}, holders, application.id)


def insert_scans(edition_id: int, rows: list[dict[str, Any]]) -> list[int]:
    """Insert scans in the order given (so ids follow it); returns their ids."""
    ids = []
    for row in rows:
        scan = Scan(edition_id=edition_id, direction=row.pop("direction", "entry"), **row)
        db.session.add(scan)
        db.session.flush()
        ids.append(scan.id)
    db.session.commit()
    return ids


def scan_figures(edition_id: int) -> dict[str, Any]:
    """The figures of the tallies that come from scans."""
    f = service.edition_figures(edition_id)
    return {
        "visitors": f.visitors,
        "entries": f.entries,
        "exhibitors_present": f.exhibitors_present,
        "visitors_by_day": dict(f.visitors_by_day),
        "entries_by_hour": dict(f.entries_by_hour),
        "visitors_by_gate": dict(f.visitors_by_gate),
        "visitors_by_type": dict(f.visitors_by_type),
        "visitors_by_prefecture": dict(f.visitors_by_prefecture),
    }


def oracle(world: World, history: list[dict[str, Any]]) -> dict[str, Any]:
    """What the figures must be for ``history`` (scans in id order, undoes given by index)."""
    undone = {row["undoes"] for row in history if row.get("undoes") is not None}
    by_pass = {h.pass_id: h for h in world.holders}
    entries = [
        row
        for i, row in enumerate(history)
        if row["result"] in ENTRY_RESULTS
        and row["method"] in {"qr", "manual"}
        and row["pass_id"] is not None
        and i not in undone
    ]
    visitor_entries = [row for row in entries if not by_pass[row["pass_id"]].staff]
    days: dict[str, set[int]] = defaultdict(set)
    gates: dict[str, set[int]] = defaultdict(set)
    hours: Counter[str] = Counter()
    for row in visitor_entries:
        local = row["scanned_at"].astimezone(TOKYO)
        days[local.strftime("%Y-%m-%d")].add(row["pass_id"])
        hours[local.strftime("%Y-%m-%dT%H")] += 1
        gates[world.gates.get(row["gate_id"], "unknown")].add(row["pass_id"])
    seen = {row["pass_id"] for row in visitor_entries}
    types: Counter[str] = Counter()
    prefectures: Counter[str] = Counter()
    for pass_id in seen:
        holder = by_pass[pass_id]
        assert holder.attendee_type is not None
        types[holder.attendee_type] += 1
        code = holder.prefecture_code
        prefectures["unknown" if code is None else f"{code:02d}"] += 1
    staff_in = any(by_pass[row["pass_id"]].staff for row in entries)
    return {
        "visitors": len(seen),
        "entries": len(visitor_entries),
        "exhibitors_present": 1 if staff_in else 0,
        "visitors_by_day": {k: len(v) for k, v in sorted(days.items())},
        "entries_by_hour": dict(sorted(hours.items())),
        "visitors_by_gate": {k: len(v) for k, v in sorted(gates.items())},
        "visitors_by_type": dict(sorted(types.items())),
        "visitors_by_prefecture": dict(sorted(prefectures.items())),
    }


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of the edition's ``day`` (0, 1, 2; 3 is the night after) in Tokyo, as UTC."""
    local = datetime(2027, 8, 7, tzinfo=TOKYO) + timedelta(days=day, hours=hour, minutes=minute)
    return local.astimezone(UTC)
