"""An edition's settings, status and timetable, and creating an edition, as pages."""

from __future__ import annotations

from typing import Any

from eventhub.accounts.models import Role
from tests.conftest import Api
from tests.events.helpers import sessions_url
from tests.pages.conftest import Reader, text_of


def _url(edition_id: int, tail: str = "/timetable") -> str:
    return f"/organiser/editions/{edition_id}{tail}"


SESSION = {
    "kind": "hands_on",
    "title_ja": "木工ろくろ体験",
    "title_en": "Wood turning",
    "starts_at": "2027-10-28T11:00",
    "ends_at": "2027-10-28T12:00",
    "place": "体験コーナー",
    "seats": "12",
}


def test_an_organiser_adds_edits_and_cancels_a_session(
    make_reader: Any, organiser: Api, edition: dict[str, Any]
) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    page = reader.get(_url(edition["id"]))
    assert page.status_code == 200
    assert "プログラムはまだありません" in text_of(page)

    added = reader.submit(_url(edition["id"], "/sessions"), SESSION, form_at=_url(edition["id"]))
    assert added.status_code == 302
    [session] = organiser.get(sessions_url(edition["id"])).json["items"]
    assert session["starts_at"] == "2027-10-28T11:00:00+09:00"  # typed as Tokyo time
    assert session["seats"] == 12
    listed = text_of(reader.get(_url(edition["id"])))
    assert "木工ろくろ体験" in listed
    assert "体験" in listed

    edit_url = _url(edition["id"], f"/sessions/{session['id']}")
    form = text_of(reader.get(edit_url))
    assert 'value="2027-10-28T11:00"' in form
    edited = reader.submit(edit_url, {"seats": "20", "version": str(session["version"])})
    assert edited.status_code == 302
    cancelled = reader.submit(
        edit_url,
        {"status": "cancelled", "version": str(session["version"] + 1)},
        form_at=_url(edition["id"]),
    )
    assert cancelled.status_code == 302
    [after] = organiser.get(sessions_url(edition["id"])).json["items"]
    assert (after["seats"], after["status"]) == (20, "cancelled")


def test_a_bad_session_is_named_per_field_in_japanese(
    make_reader: Any, organiser: Api, edition: dict[str, Any]
) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    bad = {**SESSION, "title_ja": "", "seats": "0", "kind": "party"}
    refused = reader.submit(_url(edition["id"], "/sessions"), bad, form_at=_url(edition["id"]))
    assert refused.status_code == 422
    html = text_of(refused)
    for field in ("title_ja", "seats", "kind"):
        assert f'id="f-{field}-error"' in html
    assert "必須" in html or "入力してください" in html
    assert 'value="体験コーナー"' in html  # nothing typed is lost
    assert organiser.get(sessions_url(edition["id"])).json["total"] == 0


def test_a_stale_session_version_is_a_conflict(
    make_reader: Any, organiser: Api, edition: dict[str, Any]
) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    reader.submit(_url(edition["id"], "/sessions"), SESSION, form_at=_url(edition["id"]))
    [session] = organiser.get(sessions_url(edition["id"])).json["items"]
    edit_url = _url(edition["id"], f"/sessions/{session['id']}")
    assert reader.submit(edit_url, {"seats": "5", "version": "1"}).status_code == 302
    stale = reader.submit(edit_url, {"seats": "6", "version": "1"})
    assert stale.status_code == 409
    assert "form-errors" in text_of(stale)


def test_settings_and_status_are_saved_with_the_api_rules(
    make_reader: Any, organiser: Api, edition: dict[str, Any]
) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    url = _url(edition["id"])
    current = organiser.get(f"/api/v1/editions/{edition['id']}").json
    saved = reader.submit(
        _url(edition["id"], "/settings"),
        {"venue_ja": "東京ビッグサイト", "booth_capacity": "40", "version": current["version"]},
        form_at=url,
    )
    assert saved.status_code == 302
    after = organiser.get(f"/api/v1/editions/{edition['id']}").json
    assert (after["venue_ja"], after["booth_capacity"]) == ("東京ビッグサイト", 40)

    backwards = reader.submit(
        _url(edition["id"], "/settings"),
        {"starts_at": "2027-10-30T10:00", "ends_at": "2027-10-28T10:00"},
        form_at=url,
    )
    assert backwards.status_code == 422
    assert 'id="f-ends_at-error"' in text_of(backwards)

    no_reason = reader.submit(_url(edition["id"], "/status"), {"status": "cancelled"}, form_at=url)
    assert no_reason.status_code == 422
    assert 'id="f-reason-error"' in text_of(no_reason)
    closed = reader.submit(_url(edition["id"], "/status"), {"status": "closed"}, form_at=url)
    assert closed.status_code == 302
    assert organiser.get(f"/api/v1/editions/{edition['id']}").json["status"] == "closed"


def test_an_organiser_creates_an_edition(make_reader: Any, organiser: Api) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    body = {
        "series": "takumi",
        "title_ja": "匠の技の祭典2028",
        "title_en": "Takumi 2028",
        "starts_at": "2028-08-04T10:00",
        "ends_at": "2028-08-06T17:00",
        "format": "in_person",
        "waitlist_when_full": "true",
    }
    created = reader.submit("/organiser/editions/new", body)
    assert created.status_code == 302
    editions = organiser.get("/api/v1/editions?series=takumi").json["items"]
    assert [e["title_ja"] for e in editions] == ["匠の技の祭典2028"]
    assert editions[0]["status"] == "draft"
    assert editions[0]["fiscal_year"] == 2028
    refused = reader.submit("/organiser/editions/new", {"series": "takumi", "format": "party"})
    assert refused.status_code == 422
    html = text_of(refused)
    for field in ("title_ja", "starts_at", "format"):
        assert f'id="f-{field}-error"' in html


def test_reviewers_read_the_timetable_exhibitors_are_refused(
    make_reader: Any, edition: dict[str, Any]
) -> None:
    reviewer: Reader = make_reader(Role.REVIEWER)
    page = reviewer.get(_url(edition["id"]))
    assert page.status_code == 200
    assert "プログラムを追加" not in text_of(page)
    assert reviewer.get("/organiser/editions/new").status_code == 403
    refused = reviewer.submit(
        _url(edition["id"], "/sessions"), SESSION, form_at=_url(edition["id"])
    )
    assert refused.status_code == 403
    exhibitor: Reader = make_reader()
    assert exhibitor.get(_url(edition["id"])).status_code == 403


def test_a_session_form_without_csrf_is_refused(
    make_reader: Any, organiser: Api, edition: dict[str, Any]
) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    refused = reader.client.post(_url(edition["id"], "/sessions"), data=SESSION)
    assert refused.status_code == 400
    assert organiser.get(sessions_url(edition["id"])).json["total"] == 0
