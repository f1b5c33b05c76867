"""Timetable sessions through HTTP: creating, the rules they obey, listing and cancelling."""

from __future__ import annotations

import pytest

from tests.applications.helpers import set_edition_status
from tests.events.helpers import (
    EDITIONS,
    edition_body,
    error_fields,
    problem_code,
    session_body,
    sessions_url,
)


def _create(api, edition, **overrides):
    response = api.post(sessions_url(edition["id"]), json=session_body(**overrides))
    assert response.status_code == 201, response.json
    return response.json


def _organisation(api):
    response = api.post(
        "/api/v1/organisations",
        json={
            "name": "株式会社テスト工房",
            "name_kana": "テストコウボウ",
            "kind": "company",
            "prefecture_code": 13,
            "postal_code": "100-0005",
            "address": "東京都千代田区丸の内1-1-1",
            "phone": "03-1234-5678",
        },
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


# Creating ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "seats"),
    [("demonstration", None), ("hands_on", 12), ("seminar", 120), ("business_meeting", 24)],
)
def test_organiser_creates_a_session_of_each_kind(organiser, draft, kind, seats):
    response = organiser.post(sessions_url(draft["id"]), json=session_body(kind=kind, seats=seats))

    assert response.status_code == 201, response.json
    session = response.json
    assert session["kind"] == kind
    assert session["seats"] == seats
    assert session["edition_id"] == draft["id"]
    assert session["status"] == "scheduled"
    assert session["version"] == 1
    assert session["starts_at"] == "2026-08-07T11:00:00+09:00"


def test_session_with_an_existing_organisation(organiser, exhibitor, draft):
    organisation_id = _organisation(exhibitor)

    session = _create(organiser, draft, organisation_id=organisation_id)

    assert session["organisation_id"] == organisation_id


def test_session_with_an_organisation_is_created_without_sqlalchemy_warnings(
    organiser, exhibitor, draft
):
    organisation_id = _organisation(exhibitor)

    session = _create(organiser, draft, organisation_id=organisation_id)

    assert session["organisation_id"] == organisation_id


def test_hands_on_session_needs_seats(organiser, draft):
    response = organiser.post(sessions_url(draft["id"]), json=session_body(kind="hands_on"))

    assert error_fields(response) == {"seats"}


@pytest.mark.parametrize("seats", [0, -1])
def test_seats_must_be_positive(organiser, draft, seats):
    response = organiser.post(sessions_url(draft["id"]), json=session_body(seats=seats))

    assert error_fields(response) == {"seats"}


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        ("2026-08-06T23:00:00+09:00", "2026-08-07T00:30:00+09:00"),  # starts the day before
        ("2026-08-09T23:00:00+09:00", "2026-08-10T00:30:00+09:00"),  # ends the day after
        ("2026-09-01T10:00:00+09:00", "2026-09-01T11:00:00+09:00"),
    ],
)
def test_session_must_take_place_on_the_edition_days(organiser, draft, starts_at, ends_at):
    body = session_body(starts_at=starts_at, ends_at=ends_at)

    response = organiser.post(sessions_url(draft["id"]), json=body)

    assert error_fields(response) == {"starts_at"}


def test_session_may_run_until_midnight_of_the_last_day(organiser, draft):
    session = _create(
        organiser, draft, starts_at="2026-08-09T23:00:00+09:00", ends_at="2026-08-10T00:00:00+09:00"
    )

    assert session["ends_at"] == "2026-08-10T00:00:00+09:00"


@pytest.mark.parametrize("ends_at", ["2026-08-07T10:30:00+09:00", "2026-08-07T11:00:00+09:00"])
def test_session_must_end_after_it_starts(organiser, draft, ends_at):
    response = organiser.post(sessions_url(draft["id"]), json=session_body(ends_at=ends_at))

    assert error_fields(response) == {"ends_at"}


def test_unknown_organisation_is_refused(organiser, draft):
    response = organiser.post(sessions_url(draft["id"]), json=session_body(organisation_id=99999))

    assert error_fields(response) == {"organisation_id"}


def test_unknown_kind_is_refused(organiser, draft):
    response = organiser.post(sessions_url(draft["id"]), json=session_body(kind="party"))

    assert error_fields(response) == {"kind"}


def test_exhibitor_cannot_create_a_session(exhibitor, published):
    response = exhibitor.post(sessions_url(published["id"]), json=session_body())

    assert problem_code(response, 403) == "forbidden"


def test_anonymous_cannot_create_a_session(anonymous, published):
    response = anonymous.post(sessions_url(published["id"]), json=session_body())

    assert problem_code(response, 401) == "unauthenticated"


def test_held_edition_gets_no_new_sessions(organiser, published):
    for status in ("closed", "held"):
        set_edition_status(organiser, published["id"], status)

    response = organiser.post(sessions_url(published["id"]), json=session_body())

    assert problem_code(response, 409) == "edition_final"


# Text ----------------------------------------------------------------------------------------


def test_japanese_titles_round_trip_exactly(organiser, draft):
    title = "南部鉄器の風鈴に絵付け体験〜夏休み特別編〜"

    session = _create(organiser, draft, title_ja=title)

    assert session["title_ja"] == title
    assert organiser.get(f"{sessions_url(draft['id'])}/{session['id']}").json["title_ja"] == title


def test_full_width_input_in_titles_is_kept_as_written(organiser, draft):
    session = _create(organiser, draft, title_ja=" ＡＢＣ実演　ｶｯﾄ①\n", title_en="ＡＢＣ")

    assert session["title_ja"] == "ＡＢＣ実演　ｶｯﾄ①"
    assert session["title_en"] == "ＡＢＣ"


# Listing -------------------------------------------------------------------------------------


@pytest.fixture
def timetable(organiser, published):
    """Four sessions created out of time order; returns their ids by name."""
    specs = {
        "seminar_day2": session_body(
            kind="seminar",
            starts_at="2026-08-08T14:00:00+09:00",
            ends_at="2026-08-08T15:30:00+09:00",
        ),
        "demo_day1": session_body(),
        # 2026-08-07T15:30Z: the 8th in Tokyo, though still the 7th in UTC.
        "late_night_day2": session_body(
            starts_at="2026-08-07T15:30:00Z",
            ends_at="2026-08-08T01:30:00+09:00",
        ),
        "hands_on_day1": session_body(
            kind="hands_on",
            seats=12,
            starts_at="2026-08-07T13:00:00+09:00",
            ends_at="2026-08-07T14:00:00+09:00",
        ),
    }
    return {name: _create(organiser, published, **body)["id"] for name, body in specs.items()}


def _listed(api, edition, **query):
    response = api.get(sessions_url(edition["id"]), query_string=query)
    assert response.status_code == 200, response.json
    return [s["id"] for s in response.json["items"]]


def test_sessions_are_listed_in_time_order(anonymous, published, timetable):
    assert _listed(anonymous, published) == [
        timetable["demo_day1"],
        timetable["hands_on_day1"],
        timetable["late_night_day2"],
        timetable["seminar_day2"],
    ]


def test_sessions_filter_by_kind(anonymous, published, timetable):
    assert _listed(anonymous, published, kind="hands_on") == [timetable["hands_on_day1"]]
    assert _listed(anonymous, published, kind="business_meeting") == []


def test_sessions_filter_by_tokyo_local_day(anonymous, published, timetable):
    assert _listed(anonymous, published, day="2026-08-07") == [
        timetable["demo_day1"],
        timetable["hands_on_day1"],
    ]
    assert _listed(anonymous, published, day="2026-08-08") == [
        timetable["late_night_day2"],
        timetable["seminar_day2"],
    ]
    assert _listed(anonymous, published, day="2026-08-09") == []


def test_sessions_list_has_the_pagination_envelope(anonymous, published, timetable):
    body = anonymous.get(sessions_url(published["id"]), query_string={"per_page": 3}).json

    assert (body["page"], body["per_page"], body["total"]) == (1, 3, 4)
    assert len(body["items"]) == 3


def test_anonymous_reads_sessions_of_a_published_edition(anonymous, organiser, published):
    session = _create(organiser, published)

    one = anonymous.get(f"{sessions_url(published['id'])}/{session['id']}")

    assert one.status_code == 200
    assert one.json == session
    assert _listed(anonymous, published) == [session["id"]]


def test_sessions_of_a_draft_are_hidden_from_anonymous(anonymous, organiser, draft):
    session = _create(organiser, draft)

    listed = anonymous.get(sessions_url(draft["id"]))
    one = anonymous.get(f"{sessions_url(draft['id'])}/{session['id']}")

    assert problem_code(listed, 404) == "not_found"
    assert problem_code(one, 404) == "not_found"


def test_sessions_of_a_draft_are_hidden_from_exhibitors(exhibitor, organiser, draft):
    _create(organiser, draft)

    assert problem_code(exhibitor.get(sessions_url(draft["id"])), 404) == "not_found"


# Updating and cancelling ---------------------------------------------------------------------


def test_cancelled_session_stays_listed_with_its_status(organiser, anonymous, published):
    session = _create(organiser, published)
    url = f"{sessions_url(published['id'])}/{session['id']}"

    response = organiser.patch(url, json={"status": "cancelled", "version": 1})

    assert response.status_code == 200, response.json
    assert response.json["status"] == "cancelled"
    assert response.json["version"] == 2
    listed = anonymous.get(sessions_url(published["id"])).json["items"]
    assert [(s["id"], s["status"]) for s in listed] == [(session["id"], "cancelled")]


def test_session_patch_with_stale_version_conflicts(organiser, published):
    session = _create(organiser, published)
    url = f"{sessions_url(published['id'])}/{session['id']}"
    organiser.patch(url, json={"place": "ホールB", "version": 1})

    response = organiser.patch(url, json={"status": "cancelled", "version": 1})

    assert problem_code(response, 409) == "version_conflict"
    assert response.json["current_version"] == 2
    assert organiser.get(url).json["status"] == "scheduled"


def test_session_patch_checks_times_against_the_stored_ones(organiser, published):
    session = _create(organiser, published)
    url = f"{sessions_url(published['id'])}/{session['id']}"

    response = organiser.patch(url, json={"ends_at": "2026-08-07T10:00:00+09:00"})

    assert error_fields(response) == {"ends_at"}


def test_session_patch_can_link_an_existing_organisation(organiser, exhibitor, published):
    session = _create(organiser, published)
    organisation_id = _organisation(exhibitor)
    url = f"{sessions_url(published['id'])}/{session['id']}"

    response = organiser.patch(url, json={"organisation_id": organisation_id})

    assert response.status_code == 200, response.json
    assert response.json["organisation_id"] == organisation_id


def test_session_patch_refuses_an_unknown_organisation(organiser, published):
    session = _create(organiser, published)
    url = f"{sessions_url(published['id'])}/{session['id']}"

    response = organiser.patch(url, json={"organisation_id": 99999})

    assert error_fields(response) == {"organisation_id"}


def test_exhibitor_cannot_cancel_a_session(organiser, exhibitor, published):
    session = _create(organiser, published)
    url = f"{sessions_url(published['id'])}/{session['id']}"

    assert problem_code(exhibitor.patch(url, json={"status": "cancelled"}), 403) == "forbidden"


def test_session_of_another_edition_is_not_found(organiser, published):
    other = organiser.post(EDITIONS, json=edition_body(title_en="Other")).json
    session = _create(organiser, published)
    url = f"{sessions_url(other['id'])}/{session['id']}"

    assert problem_code(organiser.get(url), 404) == "not_found"
    assert problem_code(organiser.patch(url, json={"status": "cancelled"}), 404) == "not_found"


def test_unknown_session_is_not_found(anonymous, published):
    response = anonymous.get(f"{sessions_url(published['id'])}/99999")

    assert problem_code(response, 404) == "not_found"
