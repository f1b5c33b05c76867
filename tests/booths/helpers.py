"""Editions, booths and approved applications for the booth tests, made through the API."""

from __future__ import annotations

from typing import Any

from tests.accounts.helpers import organisation_payload
from tests.conftest import Api
from tests.events.helpers import EDITIONS, edition_body

APPLICATIONS = "/api/v1/applications"


def booths_url(edition_id: int, booth_id: int | None = None) -> str:
    return f"{EDITIONS}/{edition_id}/booths" + (f"/{booth_id}" if booth_id else "")


def proposal_url(edition_id: int) -> str:
    return f"{EDITIONS}/{edition_id}/booth-proposal"


def application_booths_url(application_id: int, booth_id: int | None = None) -> str:
    return f"{APPLICATIONS}/{application_id}/booths" + (f"/{booth_id}" if booth_id else "")


def open_edition(organiser: Api, series: str = "mokucolle", **overrides: Any) -> dict[str, Any]:
    """An edition in October 2027, open for applications."""
    body = edition_body(
        series=series,
        starts_at="2027-10-28T10:00:00+09:00",
        ends_at="2027-10-30T17:00:00+09:00",
        format="in_person",
        **overrides,
    )
    response = organiser.post(EDITIONS, json=body)
    assert response.status_code == 201, response.json
    response = organiser.post(f"{EDITIONS}/{response.json['id']}/status", json={"status": "open"})
    assert response.status_code == 200, response.json
    return dict(response.json)


def booth_body(code: str, zone: str = "A", units: int = 1, **overrides: Any) -> dict[str, Any]:
    return {"code": code, "zone": zone, "units": units, **overrides}


def make_booths(organiser: Api, edition_id: int, *bodies: dict[str, Any]) -> list[dict[str, Any]]:
    response = organiser.post(booths_url(edition_id), json=list(bodies))
    assert response.status_code == 201, response.json
    return list(response.json)


def _series_fields(series: str) -> dict[str, Any]:
    if series == "national-zone":
        return {
            "recommending_prefecture_code": 13,
            "prefecture_contact": {
                "name": "東京 花子",
                "email": "hanako@pref.tokyo.example.jp",
                "phone": "03-5321-1111",
            },
            "target_buyers": ["百貨店"],
        }
    return {
        "timber_species": ["スギ"],
        "origin_prefecture_codes": [19],
        "product_categories": ["furniture"],
    }


def submitted_application(
    exhibitor: Api,
    edition: dict[str, Any],
    *,
    units: int = 2,
    prefecture_code: int = 13,
    category: str = "timber",
) -> dict[str, Any]:
    """A complete application of a new organisation of ``exhibitor``'s, submitted."""
    organisation = exhibitor.post(
        "/api/v1/organisations",
        json=organisation_payload(
            prefecture_code=prefecture_code, name=f"株式会社木工{prefecture_code:02d}"
        ),
    )
    assert organisation.status_code == 201, organisation.json
    body = {
        "organisation_id": organisation.json["id"],
        "contact_name": "山田 太郎",
        "contact_name_kana": "ヤマダ タロウ",
        "contact_email": "taro@example.jp",
        "contact_phone": "03-1234-5678",
        "summary_ja": "国産材の家具を展示します。",
        "industry_category": category,
        "booth_type": "standard",
        "booth_units": units,
        "accept_terms": True,
        "series_fields": _series_fields(edition["series"]["slug"]),
    }
    draft = exhibitor.post(f"{EDITIONS}/{edition['id']}/applications", json=body)
    assert draft.status_code == 201, draft.json
    submitted = exhibitor.post(f"{APPLICATIONS}/{draft.json['id']}/submit", json={})
    assert submitted.status_code == 200, submitted.json
    return dict(submitted.json)


def approve(organiser: Api, application: dict[str, Any]) -> dict[str, Any]:
    body = {"decision": "approved", "version": application["version"]}
    response = organiser.post(f"{APPLICATIONS}/{application['id']}/decision", json=body)
    assert response.status_code == 200, response.json
    return dict(response.json)


def approved_application(
    organiser: Api, exhibitor: Api, edition: dict[str, Any], **kwargs: Any
) -> dict[str, Any]:
    """An application of a new organisation of ``exhibitor``'s, submitted and approved."""
    return approve(organiser, submitted_application(exhibitor, edition, **kwargs))


def allocate(organiser: Api, application_id: int, booth_id: int) -> Any:
    return organiser.post(application_booths_url(application_id), json={"booth_id": booth_id})


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is a problem+json with ``status`` and ``code``."""
    assert response.status_code == status, response.json
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == code, response.json
    return dict(response.json)
