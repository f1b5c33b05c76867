"""Demo data: an organiser and one FY2026 edition of each series, with timetables.

Loaded through the API's schemas and service functions, so demo data is normalised and checked
like real data. Loading twice adds nothing the second time.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from eventhub import demo_people, demo_today
from eventhub.accounts import service as accounts
from eventhub.events import schemas
from eventhub.events import service as events
from eventhub.events.models import Edition, EditionStatus
from eventhub.extensions import db

DEMO_EMAIL = "organiser@example.jp"
DEMO_PASSWORD = "eventhub-demo"  # noqa: S105  (documented demo login, local use only)


def _session(kind: str, title_ja: str, title_en: str, start: str, end: str, place: str,
             seats: int | None = None) -> dict[str, Any]:  # fmt: skip
    return {
        "kind": kind,
        "title_ja": title_ja,
        "title_en": title_en,
        "starts_at": start,
        "ends_at": end,
        "place": place,
        "seats": seats,
    }


EDITIONS: list[dict[str, Any]] = [
    {
        "edition": {
            "series": "takumi",
            "title_ja": "伝統と革新 ものづくり・匠の技の祭典2026",
            "title_en": "Monozukuri: A Celebration of Japanese Artisanal Techniques 2026",
            "venue_ja": "東京国際フォーラム",
            "venue_en": "Tokyo International Forum",
            "venue_address": "東京都千代田区丸の内3-5-1",
            "starts_at": "2026-08-07T10:00",
            "ends_at": "2026-08-09T17:00",
            "format": "hybrid",
            "applications_open_at": "2026-04-01T10:00",
            "applications_close_at": "2026-05-29T17:00",
            "booth_capacity": 90,
        },
        "status": [EditionStatus.OPEN, EditionStatus.CLOSED, EditionStatus.HELD],
        "sessions": [
            _session(
                "demonstration",
                "江戸切子 カット実演",
                "Edo kiriko glass cutting",
                "2026-08-07T11:00",
                "2026-08-07T11:45",
                "ホールE 実演ステージ",
            ),
            _session(
                "hands_on",
                "南部鉄器の風鈴に絵付け体験",
                "Paint a Nambu ironware wind chime",
                "2026-08-07T13:00",
                "2026-08-07T14:00",
                "体験コーナーA",
                seats=12,
            ),
            _session(
                "hands_on",
                "別府竹細工 コースター編み",
                "Weave a Beppu bamboo coaster",
                "2026-08-08T10:30",
                "2026-08-08T11:30",
                "体験コーナーB",
                seats=10,
            ),
            _session(
                "seminar",
                "伝統工芸の後継者育成を考える",
                "Training the next craftspeople",
                "2026-08-08T14:00",
                "2026-08-08T15:30",
                "ホールB7 セミナー会場",
                seats=120,
            ),
            _session(
                "demonstration",
                "輪島塗 沈金の技",
                "Wajima lacquer: chinkin inlay",
                "2026-08-09T11:00",
                "2026-08-09T11:45",
                "ホールE 実演ステージ",
            ),
        ],
    },
    {
        "edition": {
            "series": "national-zone",
            "title_ja": "産業交流展2026 全国ゾーン",
            "title_en": "Industrial Exchange Expo 2026: National Zone",
            "venue_ja": "東京ビッグサイト 東展示棟",
            "venue_en": "Tokyo Big Sight, East Halls",
            "venue_address": "東京都江東区有明3-11-1",
            "starts_at": "2026-11-11T10:00",
            "ends_at": "2026-11-13T17:00",
            "format": "in_person",
            "applications_open_at": "2026-05-11T10:00",
            "applications_close_at": "2026-07-17T17:00",
            "booth_capacity": 60,
        },
        "status": [EditionStatus.OPEN, EditionStatus.CLOSED, EditionStatus.HELD],
        "sessions": [
            _session(
                "seminar",
                "全国の中小企業による技術・製品紹介",
                "Regional SMEs present",
                "2026-11-11T13:00",
                "2026-11-11T14:30",
                "全国ゾーン プレゼンステージ",
                seats=80,
            ),
            _session(
                "business_meeting",
                "沖縄県企業との個別商談会",
                "Meetings with Okinawa firms",
                "2026-11-12T10:00",
                "2026-11-12T16:00",
                "商談ブース1",
                seats=24,
            ),
            _session(
                "business_meeting",
                "大阪府企業との個別商談会",
                "Meetings with Osaka firms",
                "2026-11-13T10:00",
                "2026-11-13T15:00",
                "商談ブース2",
                seats=20,
            ),
        ],
    },
    {
        "edition": {
            "series": "mokucolle",
            "title_ja": "WOODコレクション（モクコレ）2027",
            "title_en": "WOOD Collection (Mokucolle) 2027",
            "venue_ja": "東京ビッグサイト 南展示棟",
            "venue_en": "Tokyo Big Sight, South Halls",
            "venue_address": "東京都江東区有明3-11-1",
            "starts_at": "2027-01-27T10:00",
            "ends_at": "2027-01-28T17:00",
            "format": "hybrid",
            "applications_open_at": "2026-09-01T10:00",
            "applications_close_at": "2026-12-18T17:00",
            "booth_capacity": 300,
        },
        "status": [EditionStatus.OPEN],
        "sessions": [
            _session(
                "seminar",
                "非住宅建築における国産材活用の最前線",
                "Domestic timber in non-residential buildings",
                "2027-01-27T11:00",
                "2027-01-27T12:00",
                "セミナー会場",
                seats=150,
            ),
            _session(
                "business_meeting",
                "多摩産材 内装材の商談会",
                "Tama timber interiors: meetings",
                "2027-01-27T13:00",
                "2027-01-27T17:00",
                "商談コーナー",
                seats=30,
            ),
            _session(
                "hands_on",
                "ヒノキのカトラリーづくり",
                "Make hinoki cutlery",
                "2027-01-28T11:00",
                "2027-01-28T12:00",
                "体験ワークショップ",
                seats=16,
            ),
            _session(
                "seminar",
                "合法木材とFSC・SGEC認証の基礎",
                "Legal timber, FSC and SGEC basics",
                "2027-01-28T14:00",
                "2027-01-28T15:00",
                "セミナー会場",
                seats=150,
            ),
        ],
    },
]


def load(email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> str:
    organiser = accounts.create_organiser(email, password, "デモ主催者")
    created = 0
    for spec in EDITIONS:
        data = schemas.EditionSchema().load(spec["edition"])
        exists = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Edition)
            .where(Edition.title_ja == data["title_ja"])
        )
        if exists:
            continue
        edition = events.create_edition(data)
        for session in spec["sessions"]:
            events.create_session(edition, schemas.SessionSchema().load(session))
        for status in spec["status"]:
            events.change_edition_status(edition, {"status": status})
        created += 1
    db.session.flush()
    past = list(
        db.session.scalars(
            sa.select(Edition)
            .where(Edition.title_ja.in_([spec["edition"]["title_ja"] for spec in EDITIONS]))
            .order_by(Edition.starts_at)
        )
    )
    people = demo_people.load(password, past)
    # The people's rows are committed first: the gate and report steps commit as they go.
    db.session.commit()
    today = demo_today.load(demo_people.ATTENDEE_EMAIL)
    return "\n".join(
        [
            f"demo data ready: organiser {organiser.email} / password {password}; "
            f"{created} edition(s) added",
            *people,
            *today,
        ]
    )
