"""Two demo editions placed around today, so the gate and the report can be tried on any day.

- One **running today** (yesterday to tomorrow, Tokyo): a gate with a device, the demo attendee
  registered, so a scan made now is admitted.
- One **held last month**: visitors registered, scans over its two days, the edition marked
  held, its attendance tallied and the fiscal year's results report built.

Everything goes through the services the API uses: registration, the admission writer, the
tallies and the report build. Loading twice adds nothing: each edition is looked up by title.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from eventhub.checkin import admission, scanning
from eventhub.checkin import schemas as checkin_schemas
from eventhub.checkin import service as checkin
from eventhub.checkin.models import Gate
from eventhub.db import utcnow
from eventhub.events import schemas as event_schemas
from eventhub.events import service as events
from eventhub.events.models import Edition, EditionStatus
from eventhub.extensions import db
from eventhub.japan.calendar import TOKYO, fiscal_year
from eventhub.passes import printable
from eventhub.passes import schemas as pass_schemas
from eventhub.passes import service as passes
from eventhub.passes.models import Pass
from eventhub.reports import service as reports
from eventhub.tallies import service as tallies

OPENING, CLOSING = time(10, 0), time(17, 0)

#: Visitors of last month's edition: (name, furigana, prefecture code, attendee type).
VISITORS: list[tuple[str, str, int, str]] = [
    (f"{family} {given}", f"{family_kana} {given_kana}", prefecture, kind)
    for (family, family_kana), (given, given_kana), prefecture, kind in itertools.islice(
        zip(
            itertools.cycle(
                [("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ")]
            ),
            itertools.cycle(
                [
                    ("一郎", "イチロウ"),
                    ("花子", "ハナコ"),
                    ("健", "ケン"),
                    ("美咲", "ミサキ"),
                    ("翔太", "ショウタ"),
                    ("陽菜", "ヒナ"),
                ]
            ),
            itertools.cycle([13, 20, 27, 40, 1, 47, 13, 14]),
            itertools.cycle(["general", "general", "buyer", "general", "press", "buyer"]),
            strict=False,
        ),
        24,
    )
]


@dataclass(frozen=True)
class Plan:
    title_ja: str
    title_en: str
    series: str
    first_day: date
    last_day: date


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=TOKYO)


def _local(value: datetime) -> str:
    return value.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M")


def _find(title_ja: str) -> Edition | None:
    return db.session.scalars(sa.select(Edition).where(Edition.title_ja == title_ja)).first()


def _create(plan: Plan, ends_at: datetime) -> Edition:
    """An open edition of ``plan``; ``ends_at`` may differ from the plan's (see ``held``)."""
    now = utcnow()
    data = event_schemas.EditionSchema().load(
        {
            "series": plan.series,
            "title_ja": plan.title_ja,
            "title_en": plan.title_en,
            "venue_ja": "東京ビッグサイト",
            "venue_en": "Tokyo Big Sight",
            "venue_address": "東京都江東区有明3-11-1",
            "starts_at": _local(_at(plan.first_day, OPENING)),
            "ends_at": _local(ends_at),
            "format": "in_person",
            "applications_open_at": _local(
                min(now, _at(plan.first_day, OPENING)) - timedelta(days=90)
            ),
            "applications_close_at": _local(_at(plan.first_day, OPENING) - timedelta(days=30)),
            "booth_capacity": 40,
        }
    )
    edition = events.create_edition(data)
    events.change_edition_status(edition, {"status": EditionStatus.OPEN})
    db.session.flush()
    return edition


def _register(edition: Edition, name: str, kana: str, email: str, prefecture: int,
              kind: str, organisation: str | None = None) -> Pass:  # fmt: skip
    found = passes.registered_pass(edition.id, email)
    if found is not None:
        return found
    data = pass_schemas.RegistrationSchema().load(
        {
            "name": name,
            "name_kana": kana,
            "email": email,
            "organisation_name": organisation,
            "prefecture_code": prefecture,
            "attendee_type": kind,
            "accept_terms": True,
            "locale": "ja",
        }
    )
    registered = passes.register(edition, data).pass_
    assert registered is not None  # register() creates the pass with the registration
    return registered


def _gate(edition: Edition) -> Gate:
    gate = db.session.scalars(checkin.gates_query(edition)).first()
    if gate is None:
        data = checkin_schemas.GateSchema().load(
            {"name_ja": "東1ホール入口", "name_en": "East Hall 1"}
        )
        gate = checkin.create_gate(edition, data)
    return gate


def running_today(attendee_email: str) -> list[str]:
    """The edition open today, with a gate, a device and the demo attendee's pass."""
    today = utcnow().astimezone(TOKYO).date()
    plan = Plan(
        f"産業交流展 全国ゾーン デモ（{today:%Y年%-m月%-d日}を含む3日間）",
        f"Industrial Exchange Expo national zone demo (3 days around {today:%Y-%m-%d})",
        "national-zone",
        today - timedelta(days=1),
        today + timedelta(days=1),
    )
    lines = []
    edition = _find(plan.title_ja)
    if edition is None:
        edition = _create(plan, _at(plan.last_day, CLOSING))
        gate = _gate(edition)
        device_data = checkin_schemas.DeviceSchema().load({"name": "デモ端末", "gate_id": gate.id})
        _, token, code = checkin.create_device(edition, device_data)
        lines.append(
            f"running today: {edition.title_en} (id {edition.id}); gate device token {token}"
            f" (or pair /gate/ with code {code}, valid 30 minutes)"
        )
    pass_ = _register(
        edition, "佐藤 花子", "サトウ ハナコ", attendee_email, 20, "buyer", "株式会社木の家"
    )
    db.session.flush()
    lines.append(f"attendee {attendee_email}'s pass for today: {printable.page_link(pass_)}")
    return lines


def _scan_in_and_out(edition: Edition, gate: Gate, pass_id: int, day: date, hour: int) -> None:
    """A manual entry at ``hour`` and an exit two hours later, through the admission writer."""
    scanner = scanning.Scanner(edition.id, None, gate.id, method="manual")
    execute = db.session.execute
    for direction, at in (
        ("entry", _at(day, time(hour, 7 * (pass_id % 8)))),
        ("exit", _at(day, time(hour + 2, 5 * (pass_id % 11)))),
    ):
        outcome, change = scanning.decide(execute, edition.id, pass_id, None, direction, at)
        admission.admit(scanner, outcome, change, direction, at, None)


def held_last_month() -> list[str]:
    """Last month's edition: visitors, their scans, held, tallied, and the report built."""
    today = utcnow().astimezone(TOKYO).date()
    first_day = today - timedelta(days=35)
    plan = Plan(
        f"WOODコレクション（モクコレ）デモ {first_day:%Y年%-m月}",
        f"WOOD Collection (Mokucolle) demo, {first_day:%B %Y}",
        "mokucolle",
        first_day,
        first_day + timedelta(days=1),
    )
    edition = _find(plan.title_ja)
    if edition is not None and edition.status == EditionStatus.HELD:
        return [f"held last month: {edition.title_en} (id {edition.id})"]
    if edition is None:
        # Registration closes when an edition ends, so the visitors register while it still
        # runs (its end a day ahead) and the end moves back to the plan's once they have.
        edition = _create(plan, utcnow() + timedelta(days=1))
    gate = _gate(edition)
    for n, (name, kana, prefecture, kind) in enumerate(VISITORS, start=1):
        pass_ = _register(edition, name, kana, f"visitor{n:02d}@example.jp", prefecture, kind)
        db.session.flush()
        for day_index, day in enumerate((plan.first_day, plan.last_day)):
            if (n + day_index) % 3:  # about two in three come each day
                _scan_in_and_out(edition, gate, pass_.id, day, 10 + (n % 5))
    edition = db.session.get_one(Edition, edition.id)
    events.update_edition(edition, {"ends_at": _at(plan.last_day, CLOSING)})
    for status in (EditionStatus.CLOSED, EditionStatus.HELD):
        events.change_edition_status(edition, {"status": status})
    db.session.commit()
    tallies.recompute_full(edition.id, settle=timedelta(0))
    build = reports.build_now(fiscal_year(plan.first_day))
    return [
        f"held last month: {edition.title_en} (id {edition.id}), {len(VISITORS)} visitors;"
        f" report FY{build.fiscal_year} build {build.id}: {build.status}"
    ]


def load(attendee_email: str) -> list[str]:
    return [*running_today(attendee_email), *held_last_month()]
