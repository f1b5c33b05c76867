"""Forms as an exhibitor's browser posts them (names are the API's JSON paths)."""

from __future__ import annotations

from typing import Any

from tests.accounts.helpers import organisation_payload
from tests.pages.conftest import Reader, text_of


def register_organisation(reader: Reader, **overrides: Any) -> int:
    """Register an organisation through its page; its id."""
    response = reader.submit("/my/organisations/new", organisation_payload(**overrides))
    assert response.status_code == 302, text_of(response)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


#: The series' own fields, complete, as the form posts them.
SERIES_FORM: dict[str, list[tuple[str, str]]] = {
    "national-zone": [
        ("series_fields.recommending_prefecture_code", "13"),
        ("series_fields.prefecture_contact.name", "東京 花子"),
        ("series_fields.prefecture_contact.email", "hanako@pref.tokyo.example.jp"),
        ("series_fields.prefecture_contact.phone", "03-5321-1111"),
        ("series_fields.target_buyers", "百貨店"),
        ("series_fields.target_buyers", "商社"),
        ("series_fields.target_buyers", ""),
    ],
    "takumi": [
        ("series_fields.craft", "江戸切子"),
        ("series_fields.traditional_craft", "江戸切子"),
        ("series_fields.demonstration", "false"),
        ("series_fields.demonstration", "true"),
        ("series_fields.demonstration_description", "カット実演を1日3回行います。"),
        ("series_fields.hands_on.present", "1"),
        ("series_fields.hands_on.0.title", "切子のグラス作り"),
        ("series_fields.hands_on.0.duration_minutes", "60"),
        ("series_fields.hands_on.0.seats_per_slot", "8"),
        ("series_fields.hands_on.0.fee_yen", "3000"),
        ("series_fields.sales", "false"),
    ],
    "mokucolle": [
        ("series_fields.timber_species", "スギ"),
        ("series_fields.timber_species", "ヒノキ"),
        ("series_fields.origin_prefecture_codes.present", "1"),
        ("series_fields.origin_prefecture_codes", "19"),
        ("series_fields.origin_prefecture_codes", "20"),
        ("series_fields.product_categories.present", "1"),
        ("series_fields.product_categories", "furniture"),
        ("series_fields.certifications.present", "1"),
        ("series_fields.certifications", "FSC"),
        ("series_fields.business_meetings", "false"),
        ("series_fields.business_meetings", "true"),
        ("series_fields.buyer_types.present", "1"),
        ("series_fields.buyer_types", "工務店"),
    ],
}

COMMON_FORM: list[tuple[str, str]] = [
    ("contact_name", "山田 太郎"),
    ("contact_name_kana", "やまだ たろう"),
    ("contact_title", "営業部長"),
    ("contact_email", "taro@example.jp"),
    ("contact_phone", "03-1234-5678"),
    ("summary_ja", "伝統の技を生かした製品を展示します。"),
    ("industry_category", "crafts"),
    ("booth_type", "standard"),
    ("booth_units", "2"),
    ("co_exhibitors.present", "1"),
    ("will_sell", "false"),
    ("needs_electricity", "false"),
    ("needs_electricity", "true"),
    ("heavy_items", "false"),
    ("accept_terms", "false"),
    ("accept_terms", "true"),
]


def application_form(series: str, organisation_id: int | None, action: str = "draft") -> Any:
    """A complete application form of ``series`` (a list of pairs: names repeat)."""
    pairs = list(COMMON_FORM) + SERIES_FORM[series] + [("action", action)]
    if organisation_id is not None:
        pairs.append(("organisation_id", str(organisation_id)))
    return pairs


def location_id(response: Any) -> int:
    assert response.status_code == 302, text_of(response)
    return int(response.headers["Location"].split("/applications/")[1].split("/")[0].split("#")[0])


def post_pairs(
    reader: Reader, url: str, pairs: list[tuple[str, str]], form_at: str | None = None
) -> Any:
    """POST a form whose names repeat (lists, checkboxes), with the page's CSRF token."""
    from werkzeug.datastructures import MultiDict

    token = reader.csrf_token(form_at or url)
    return reader.client.post(url, data=MultiDict([*pairs, ("csrf_token", token)]))
