"""An open edition, an organisation and a submitted application, made through the API."""

from __future__ import annotations

from typing import Any

from tests.accounts.helpers import organisation_payload
from tests.conftest import Api

CONTACT = "yamada.taro@example.jp"
ORGANISATION = "株式会社テスト工芸"


def open_edition(organiser: Api) -> dict[str, Any]:
    body = {
        "series": "takumi",
        "title_ja": "ものづくり・匠の技の祭典2027",
        "title_en": "Takumi Festival 2027",
        "starts_at": "2027-08-07T10:00:00+09:00",
        "ends_at": "2027-08-09T17:00:00+09:00",
        "format": "in_person",
        "applications_close_at": "2027-06-30T17:00:00+09:00",
    }
    created = organiser.post("/api/v1/editions", json=body)
    assert created.status_code == 201, created.json
    edition_id = created.json["id"]
    opened = organiser.post(f"/api/v1/editions/{edition_id}/status", json={"status": "open"})
    assert opened.status_code == 200, opened.json
    return dict(opened.json)


def make_organisation(exhibitor: Api) -> dict[str, Any]:
    response = exhibitor.post("/api/v1/organisations", json=organisation_payload(name=ORGANISATION))
    assert response.status_code == 201, response.json
    return dict(response.json)


def submitted_application(exhibitor: Api, edition_id: int, organisation_id: int) -> dict[str, Any]:
    body = {
        "organisation_id": organisation_id,
        "contact_name": "山田 太郎",
        "contact_name_kana": "ヤマダ タロウ",
        "contact_email": CONTACT,
        "contact_phone": "03-1234-5678",
        "summary_ja": "江戸切子の実演と販売を行います。",
        "industry_category": "crafts",
        "booth_type": "standard",
        "booth_units": 2,
        "accept_terms": True,
        "series_fields": {"craft": "江戸切子"},
    }
    draft = exhibitor.post(f"/api/v1/editions/{edition_id}/applications", json=body)
    assert draft.status_code == 201, draft.json
    submitted = exhibitor.post(f"/api/v1/applications/{draft.json['id']}/submit", json={})
    assert submitted.status_code == 200, submitted.json
    return dict(submitted.json)


def decide(organiser: Api, application: dict[str, Any], decision: str, **extra: Any) -> Any:
    body = {"decision": decision, "version": application["version"], **extra}
    return organiser.post(f"/api/v1/applications/{application['id']}/decision", json=body)
