"""An example of every request body in the OpenAPI document, by operationId.

They show a client writer a body that works: tests load each one with the view's own schema
and post a representative set to the app (tests/test_openapi_document.py), so an example that
drifts from its schema fails them. One story runs through them: 株式会社金沢精機, a precision
parts maker of Ishikawa (JIS prefecture code 17), exhibits at the FY2027 national zone of the
Industrial Exchange Expo at Tokyo Big Sight; times are Tokyo time (+09:00). Ids in bodies
(``organisation_id``, ``booth_id``…) stand for rows the client has read before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Named:
    """Several examples of one body, each with a one-line summary: ``{name: (summary, value)}``."""

    examples: dict[str, tuple[str, Any]]


@dataclass(frozen=True)
class ByMedia:
    """A body offered as several media types, each with its own example."""

    examples: dict[str, Any]


#: A pass's QR code text, as a gate scanner or a booth's lead scanner reads it; signed by a
#: throw-away key, so no edition accepts it.
PASS_TOKEN = (
    "ATp8keKSCAcBJ78CAAECYEUzpjgFJXNcSB2L2pexlb0YcPJEtRvSEtZjc2Qhy8VmhyhT0WLqzEgSd2WXU5g8lDCK"  # noqa: S105
    "p523CMTf0r-stzkF"
)
#: The token of a mailed link (verification, password reset, unlock, email change).
LINK_TOKEN = "Yq3vN8kT2mWd7rJx5cLp9sHb4gFz1aQe6uVo0iKn_Rw"  # noqa: S105 - made up

EXHIBITOR_EMAIL = "yamada@kanazawa-seiki.example.jp"

ORGANISATION = {
    "name": "株式会社金沢精機",
    "name_kana": "カブシキガイシャカナザワセイキ",
    "corporate_number": "8220001012345",
    "kind": "company",
    "prefecture_code": 17,
    "postal_code": "920-0981",
    "address": "石川県金沢市片町2-3-4",
    "phone": "076-223-4567",
    "website": "https://www.kanazawa-seiki.example.jp",
}

EDITION = {
    "series": "national-zone",
    "fiscal_year": 2027,
    "title_ja": "産業交流展2027 全国ゾーン",
    "title_en": "Industrial Exchange Expo 2027: National Zone",
    "venue_ja": "東京ビッグサイト 東展示棟",
    "venue_en": "Tokyo Big Sight, East Halls",
    "venue_address": "東京都江東区有明3-11-1",
    "starts_at": "2027-11-10T10:00:00+09:00",
    "ends_at": "2027-11-12T17:00:00+09:00",
    "format": "in_person",
    "applications_open_at": "2027-05-10T10:00:00+09:00",
    "applications_close_at": "2027-07-16T17:00:00+09:00",
    "booth_capacity": 60,
    "staff_per_unit": 3,
}

SESSION = {
    "kind": "business_meeting",
    "title_ja": "石川県企業との個別商談会",
    "title_en": "Meetings with Ishikawa firms",
    "description_ja": "石川県の機械・部品メーカー8社と事前予約制で商談できます。",
    "description_en": "Book a meeting with eight machinery and parts makers of Ishikawa.",
    "starts_at": "2027-11-11T10:00:00+09:00",
    "ends_at": "2027-11-11T16:00:00+09:00",
    "place": "商談ブース2",
    "seats": 24,
}

APPLICATION = {
    "organisation_id": 42,
    "contact_name": "山田 太郎",
    "contact_name_kana": "ヤマダ タロウ",
    "contact_title": "営業部 課長",
    "contact_email": EXHIBITOR_EMAIL,
    "contact_phone": "076-223-4567",
    "summary_ja": "航空機・医療機器向けの精密切削部品を、試作から量産まで一貫して手がけています。",
    "summary_en": "Precision machined parts for aircraft and medical devices, prototype to series.",
    "products": "チタン製インプラント部品、アルミ削り出し筐体、5軸加工サンプル",
    "industry_category": "manufacturing",
    "booth_type": "standard",
    "booth_units": 1,
    "co_exhibitors": [],
    "will_sell": False,
    "needs_electricity": True,
    "heavy_items": False,
    "accept_terms": True,
}

BOOTHS = [
    {"code": "E1-012", "zone": "東1ホール", "units": 2, "is_corner": True},
    {"code": "E1-013", "zone": "東1ホール", "units": 1},
    {"code": "E1-014", "zone": "東1ホール", "units": 1, "note": "柱あり（奥側）"},
]

SCAN = {
    "token": PASS_TOKEN,
    "direction": "entry",
    "scanned_at": "2027-11-10T10:02:31+09:00",
    "nonce": "e1-ipad3-000184",
}

REQUEST_EXAMPLES: dict[str, Any] = {
    # Accounts --------------------------------------------------------------------------------
    "login": {"email": EXHIBITOR_EMAIL, "password": "hokuriku-2027-expo", "token_name": "laptop"},
    "create_token": {"name": "基幹システム連携", "scopes": ["read"], "days": 90},
    "sign_up": {
        "email": EXHIBITOR_EMAIL,
        "password": "hokuriku-2027-expo",
        "display_name": "山田 太郎",
        "locale": "ja",
    },
    "verify_email": {"token": LINK_TOKEN},
    "resend_verification": {"email": EXHIBITOR_EMAIL},
    "request_password_reset": {"email": EXHIBITOR_EMAIL},
    "reset_password": {"token": LINK_TOKEN, "password": "kenrokuen-winter-2027"},
    "unlock_login": {"token": LINK_TOKEN},
    "confirm_email_change": {"token": LINK_TOKEN},
    "update_me": {"display_name": "山田 太郎（金沢精機）", "locale": "en"},
    "change_password": {
        "current_password": "hokuriku-2027-expo",
        "password": "kenrokuen-winter-2027",
    },
    "request_email_change": {
        "email": "t.yamada@kanazawa-seiki.example.jp",
        "password": "hokuriku-2027-expo",
    },
    "grant_role": Named(
        {
            "prefecture_contact": (
                "Ishikawa's contact, who endorses its exhibitors",
                {"role": "prefecture_contact", "prefecture_code": 17},
            ),
            "gate_staff": ("Gate staff of one edition", {"role": "gate_staff", "edition_id": 7}),
            "reviewer": ("A reviewer of applications", {"role": "reviewer"}),
        }
    ),
    "create_organisation": ORGANISATION,
    "update_organisation": {
        "phone": "076-223-4568",
        "website": "https://kanazawa-seiki.example.jp",
    },
    "invite_member": {"email": "sato@kanazawa-seiki.example.jp"},
    # Series, editions and timetables ---------------------------------------------------------
    "create_edition": EDITION,
    "update_edition": {
        "booth_capacity": 64,
        "applications_close_at": "2027-07-23T17:00:00+09:00",
        "version": 1,
    },
    "change_edition_status": Named(
        {
            "open": ("Publish: open for applications", {"status": "open", "version": 1}),
            "cancel": (
                "Cancel, with the reason exhibitors and visitors are told",
                {
                    "status": "cancelled",
                    "reason": "台風の接近に伴い、開催を中止します。",
                    "version": 3,
                },
            ),
        }
    ),
    "create_session": SESSION,
    "update_session": Named(
        {
            "seats": ("More seats", {"seats": 30, "version": 1}),
            "cancel": ("Cancel the session", {"status": "cancelled", "version": 2}),
        }
    ),
    # Applications ----------------------------------------------------------------------------
    "create_application": APPLICATION,
    "update_application": {"booth_units": 2, "booth_type": "corner", "version": 1},
    "submit_application": {"version": 2},
    "withdraw_application": {"reason": "社内事情により今回の出展を見送ります。", "version": 3},
    "start_review": {"version": 3},
    "decide_application": Named(
        {
            "approve": ("Approve", {"decision": "approved", "version": 4}),
            "reject": (
                "Reject, with the reason the exhibitor reads",
                {
                    "decision": "rejected",
                    "reason": "出展対象（地域の中小企業）に該当しないため。",
                    "version": 4,
                },
            ),
        }
    ),
    "accept_offer": {"version": 6},
    "decide_applications": {
        "items": [
            {"id": 101, "decision": "approved", "version": 4},
            {"id": 102, "decision": "approved", "version": 5},
            {
                "id": 107,
                "decision": "waitlisted",
                "reason": "小間数の上限に達したため、キャンセル待ちとなります。",
                "version": 4,
            },
        ]
    },
    "set_prefecture_quota": {"max_endorsements": 5},
    "add_application_staff": {
        "name": "佐藤 花子",
        "name_kana": "サトウ ハナコ",
        "email": "sato@kanazawa-seiki.example.jp",
    },
    "upload_document": {"kind": "catalogue", "file": "kanazawa-seiki-catalogue-2027.pdf"},
    # Booths ----------------------------------------------------------------------------------
    "create_booths": Named(
        {
            "one": ("One booth", BOOTHS[0]),
            "many": ("Several booths at once (all or none)", BOOTHS),
        }
    ),
    "update_booth": {"note": "柱あり（奥側）", "version": 1},
    "propose_booths": {"group_by": "prefecture", "apply": False},
    "allocate_booth": {"booth_id": 12},
    # Passes ----------------------------------------------------------------------------------
    "create_registration": {
        "name": "鈴木 一郎",
        "name_kana": "スズキ イチロウ",
        "email": "suzuki@hokuriku-shoji.example.jp",
        "organisation_name": "株式会社北陸商事",
        "prefecture_code": 16,
        "attendee_type": "buyer",
        "accept_terms": True,
        "shares_contact": True,
        "locale": "ja",
    },
    "set_pass_settings": {
        "registration_capacity": 5000,
        "capacity_by_type": {"buyer": 800, "press": 50},
        "reentry_allowed": True,
        "auto_exit_at_close": True,
    },
    "update_pass": {"kind": "buyer", "valid_days": ["2027-11-11", "2027-11-12"]},
    # Check-in --------------------------------------------------------------------------------
    "create_gate": {"name_ja": "東1ホール入口", "name_en": "East Hall 1 entrance"},
    "create_device": {"name": "東1-iPad-3", "gate_id": 3, "offline_policy": "auto"},
    "update_device": {"gate_id": 4, "offline_policy": "manual"},
    "scan_pass": SCAN,
    "upload_scan_batch": {
        "scans": [
            {**SCAN, "decided_offline": True, "local_result": "admitted"},
            {
                **SCAN,
                "direction": "exit",
                "scanned_at": "2027-11-10T12:40:05+09:00",
                "nonce": "e1-ipad3-000185",
                "decided_offline": True,
                "local_result": "exited",
            },
        ]
    },
    "pair_device": {"code": "7K3M9-QXD2F"},
    "manual_checkin": {"pass_id": 1042, "direction": "entry", "gate_id": 3},
    "scan_lead": {
        "token": PASS_TOKEN,
        "notes": "チタン部品の試作に関心。12月中に見積依頼予定。",
        "rating": 4,
        "tags": ["見積依頼", "医療機器"],
    },
    # Bookings --------------------------------------------------------------------------------
    "create_booking": {"session_id": 58, "seats": 1},
    "record_attendance": {"attended": True},
    # Calendars -------------------------------------------------------------------------------
    "renew_exhibitor_calendar_link": {"lang": "ja"},
    "renew_attendee_calendar_link": {"lang": "en"},
    "create_schedule_item": Named(
        {
            "opening": (
                "Opening hours of a day",
                {
                    "kind": "opening",
                    "starts_at": "2027-11-10T10:00:00+09:00",
                    "ends_at": "2027-11-10T17:00:00+09:00",
                    "note_ja": "最終入場は16時30分",
                    "note_en": "Last entry 16:30",
                },
            ),
            "setup": (
                "The exhibitors' set-up",
                {
                    "kind": "setup",
                    "starts_at": "2027-11-09T13:00:00+09:00",
                    "ends_at": "2027-11-09T20:00:00+09:00",
                    "note_ja": "搬入口は東1ホール北側",
                },
            ),
        }
    ),
    "update_schedule_item": {"ends_at": "2027-11-12T16:00:00+09:00", "version": 1},
    # Reports ---------------------------------------------------------------------------------
    "create_past_figures": {
        "series": "national-zone",
        "fiscal_year": "平成30年度",
        "edition_no": 1,
        "held_from": "2018-11",
        "venue_ja": "東京ビッグサイト",
        "venue_en": "Tokyo Big Sight",
        "format": "in_person",
        "status": "held",
        "exhibitors": 212,
        "prefectures": ["北海道", "石川県", 13, "Okinawa"],
        "visitors": 18500,
        "visitors_approximate": True,
        "business_meetings": 640,
    },
    "import_past_figures": ByMedia(
        {
            "text/csv": (
                "シリーズ,年度,回,開催月,会場,出展者数,来場者数,商談数\r\n"
                "national-zone,令和元年度,2,2019-11,東京ビッグサイト,230,19800,702\r\n"
            ),
            "multipart/form-data": {"file": "past-figures.csv"},
        }
    ),
    "start_build": Named(
        {
            "western": ("By western year", {"fiscal_year": 2026}),
            "japanese": ("By Japanese era", {"fiscal_year": "令和8年度"}),
        }
    ),
    # Tallies ---------------------------------------------------------------------------------
    "record_online_participation": {
        "source": "platform",
        "items": [
            {"registration_id": 2211, "day": "2027-11-10"},
            {"registration_id": 2211, "day": "2027-11-11"},
            {"registration_id": 2230, "day": "2027-11-10"},
        ],
    },
    "record_deal": {
        "lead_id": 318,
        "amount_yen": 1200000,
        "closed_on": "2027-12-15",
        "note": "チタン製試作部品 300個",
    },
}


def add_example(operation_id: str, content: dict[str, Any]) -> None:
    """Put the operation's example (or examples) on each media type of its body."""
    example = REQUEST_EXAMPLES.get(operation_id)
    if example is None:
        return
    for media_type, media in content.items():
        if isinstance(example, ByMedia):
            if media_type in example.examples:
                media.setdefault("example", example.examples[media_type])
        elif isinstance(example, Named):
            media.setdefault(
                "examples",
                {
                    name: {"summary": summary, "value": value}
                    for name, (summary, value) in example.examples.items()
                },
            )
        else:
            media.setdefault("example", example)
