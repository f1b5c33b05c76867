"""Editions, organisations and application bodies shared by the applications API tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

from tests.accounts.helpers import organisation_payload
from tests.conftest import Api

EDITIONS = "/api/v1/editions"
APPLICATIONS = "/api/v1/applications"
ORGANISATIONS = "/api/v1/organisations"
SERIES = ("national-zone", "takumi", "mokucolle")

#: Fields every series' form needs before it can be submitted (besides accept_terms).
COMMON_REQUIRED = {
    "contact_name",
    "contact_name_kana",
    "contact_email",
    "contact_phone",
    "summary_ja",
    "industry_category",
    "booth_type",
    "booth_units",
}
#: The series' own required fields, as a 422 names them.
SERIES_REQUIRED = {
    "national-zone": {
        "series_fields.recommending_prefecture_code",
        "series_fields.prefecture_contact",
        "series_fields.target_buyers",
    },
    "takumi": {"series_fields.craft"},
    "mokucolle": {
        "series_fields.timber_species",
        "series_fields.origin_prefecture_codes",
        "series_fields.product_categories",
    },
}
_INDUSTRY = {"national-zone": "food", "takumi": "crafts", "mokucolle": "timber"}


def application_url(application_id: int, action: str = "") -> str:
    return f"{APPLICATIONS}/{application_id}" + (f"/{action}" if action else "")


def edition_body(series: str = "takumi", **overrides: Any) -> dict[str, Any]:
    """An in-person edition in August 2027 whose applications close at the end of June 2027."""
    body = {
        "series": series,
        "title_ja": f"{series} 2027",
        "title_en": f"{series} 2027",
        "starts_at": "2027-08-07T10:00:00+09:00",
        "ends_at": "2027-08-09T17:00:00+09:00",
        "format": "in_person",
        "applications_close_at": "2027-06-30T17:00:00+09:00",
    }
    body.update(overrides)
    return body


def make_edition(organiser: Api, series: str = "takumi", **overrides: Any) -> dict[str, Any]:
    """A draft edition, as the API returned it."""
    response = organiser.post(EDITIONS, json=edition_body(series, **overrides))
    assert response.status_code == 201, response.json
    return dict(response.json)


@contextmanager
def after_the_end(organiser: Api, edition_id: int) -> Iterator[None]:
    """The editions service's clock just after the edition's end: tests hold their editions
    in years to come, and an edition can be marked held only once it is over."""
    ends_at = datetime.fromisoformat(organiser.get(f"{EDITIONS}/{edition_id}").json["ends_at"])
    with mock.patch("eventhub.events.service.utcnow", return_value=ends_at + timedelta(seconds=1)):
        yield


def post_status(organiser: Api, edition_id: int, status: str, **extra: Any) -> Any:
    """POST the status change; a move to held happens after the edition's end."""
    url, body = f"{EDITIONS}/{edition_id}/status", {"status": status, **extra}
    if status != "held":
        return organiser.post(url, json=body)
    with after_the_end(organiser, edition_id):
        return organiser.post(url, json=body)


def set_edition_status(organiser: Api, edition_id: int, status: str) -> dict[str, Any]:
    response = post_status(organiser, edition_id, status)
    assert response.status_code == 200, response.json
    return dict(response.json)


def open_edition(organiser: Api, series: str = "takumi", **overrides: Any) -> dict[str, Any]:
    """An edition open for applications."""
    edition = make_edition(organiser, series, **overrides)
    return set_edition_status(organiser, edition["id"], "open")


def patch_edition(organiser: Api, edition_id: int, **changes: Any) -> dict[str, Any]:
    response = organiser.patch(f"{EDITIONS}/{edition_id}", json=changes)
    assert response.status_code == 200, response.json
    return dict(response.json)


def make_organisation(api: Api, **overrides: Any) -> dict[str, Any]:
    """An organisation whose first member is ``api``'s user."""
    response = api.post(ORGANISATIONS, json=organisation_payload(**overrides))
    assert response.status_code == 201, response.json
    return dict(response.json)


def national_zone_fields(recommending_prefecture_code: int = 13) -> dict[str, Any]:
    """Complete national-zone fields, recommended by the prefecture of the JIS code given."""
    return {
        "recommending_prefecture_code": recommending_prefecture_code,
        "prefecture_contact": {
            "name": "東京 花子",
            "email": "hanako@pref.tokyo.example.jp",
            "phone": "03-5321-1111",
        },
        "target_buyers": ["百貨店", "商社"],
    }


def series_fields(series: str, edition_format: str = "in_person") -> dict[str, Any]:
    """Complete series fields; a takumi form for an online edition carries a video."""
    if series == "national-zone":
        return national_zone_fields()
    if series == "takumi":
        fields: dict[str, Any] = {
            "craft": "江戸切子",
            "traditional_craft": "江戸切子",
            "demonstration": True,
            "demonstration_description": "カット実演を1日3回行います。",
        }
        if edition_format == "online":
            fields["video_url"] = "https://video.example.jp/kiriko"
        return fields
    if series == "mokucolle":
        return {
            "timber_species": ["スギ", "ヒノキ"],
            "origin_prefecture_codes": [19, 20],
            "product_categories": ["furniture", "interior"],
            "business_meetings": True,
            "buyer_types": ["工務店", "設計事務所"],
        }
    raise ValueError(series)


def application_body(
    series: str, organisation_id: int, edition_format: str = "in_person", **overrides: Any
) -> dict[str, Any]:
    """A complete application, ready to submit."""
    body: dict[str, Any] = {
        "organisation_id": organisation_id,
        "contact_name": "山田 太郎",
        "contact_name_kana": "ヤマダ タロウ",
        "contact_title": "営業部長",
        "contact_email": "taro@example.jp",
        "contact_phone": "03-1234-5678",
        "summary_ja": "伝統の技を生かした製品を展示します。",
        "industry_category": _INDUSTRY[series],
        "booth_type": "standard",
        "booth_units": 2,
        "accept_terms": True,
        "series_fields": series_fields(series, edition_format),
    }
    body.update(overrides)
    return body


def create_application(api: Api, edition_id: int, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post(f"{EDITIONS}/{edition_id}/applications", json=body)
    assert response.status_code == 201, response.json
    return dict(response.json)


def submit(api: Api, application: dict[str, Any]) -> dict[str, Any]:
    response = api.post(application_url(application["id"], "submit"), json={})
    assert response.status_code == 200, response.json
    return dict(response.json)


def submitted_application(
    api: Api, edition: dict[str, Any], organisation_id: int, **overrides: Any
) -> dict[str, Any]:
    """A complete application of ``api``'s organisation, submitted to ``edition``."""
    series = edition["series"]["slug"]
    body = application_body(series, organisation_id, edition["format"], **overrides)
    return submit(api, create_application(api, edition["id"], body))


def recommended_application(
    make_user: Callable[..., Api], edition: dict[str, Any], prefecture_code: int
) -> dict[str, Any]:
    """A national-zone application of a new exhibitor's organisation, submitted with the
    recommendation of the prefecture ``prefecture_code``: one for that prefecture to endorse."""
    api = make_user()
    fields = national_zone_fields(prefecture_code)
    return submitted_application(api, edition, make_organisation(api)["id"], series_fields=fields)


def start_review(reviewer: Api, application: dict[str, Any]) -> dict[str, Any]:
    response = reviewer.post(application_url(application["id"], "review"), json={})
    assert response.status_code == 200, response.json
    return dict(response.json)


def decide(reviewer: Api, application: dict[str, Any], decision: str, **extra: Any) -> Any:
    body = {"decision": decision, "version": application["version"], **extra}
    return reviewer.post(application_url(application["id"], "decision"), json=body)


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def rename(api: Api, display_name: str) -> None:
    """Give ``api``'s user a display name of its own, to tell actors apart in histories."""
    response = api.patch("/api/v1/users/me", json={"display_name": display_name})
    assert response.status_code == 200, response.json
