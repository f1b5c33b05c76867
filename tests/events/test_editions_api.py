"""Series and editions through HTTP: who may do what, time rules, statuses, locking, lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.applications.helpers import post_status
from tests.events.helpers import EDITIONS, edition_body, error_fields, problem_code

# Series --------------------------------------------------------------------------------------


def test_anyone_lists_the_three_seeded_series_with_both_names(anonymous):
    response = anonymous.get("/api/v1/series")

    assert response.status_code == 200
    series = {s["slug"]: s for s in response.json}
    assert set(series) == {"national-zone", "takumi", "mokucolle"}
    assert series["takumi"]["name_ja"] == "ものづくり・匠の技の祭典"
    assert (
        series["takumi"]["name_en"] == "Monozukuri: A Celebration of Japanese Artisanal Techniques"
    )
    assert series["mokucolle"]["name_ja"] == "WOODコレクション（モクコレ）"
    assert all(s["name_ja"] and s["name_en"] for s in response.json)


# Creating ------------------------------------------------------------------------------------


def test_organiser_creates_a_draft_edition(organiser):
    response = organiser.post(EDITIONS, json=edition_body())

    assert response.status_code == 201, response.json
    edition = response.json
    assert edition["status"] == "draft"
    assert edition["version"] == 1
    assert edition["fiscal_year"] == 2026
    assert edition["series"]["slug"] == "takumi"
    assert edition["title_ja"] == "ものづくり・匠の技の祭典2026"
    assert edition["timezone"] == "Asia/Tokyo"
    assert organiser.get(f"{EDITIONS}/{edition['id']}").json == edition


@pytest.mark.parametrize(
    ("starts_at", "fiscal_year"),
    [
        ("2027-03-31T23:30:00+09:00", 2026),
        ("2027-04-01T00:30:00+09:00", 2027),
        ("2027-03-31T15:30:00Z", 2027),  # already 1 April in Tokyo
        ("2027-03-31T14:59:00Z", 2026),  # still 31 March in Tokyo
    ],
)
def test_fiscal_year_is_derived_from_the_tokyo_start_day(organiser, starts_at, fiscal_year):
    body = edition_body(starts_at=starts_at, ends_at="2027-04-02T17:00:00+09:00")

    response = organiser.post(EDITIONS, json=body)

    assert response.status_code == 201, response.json
    assert response.json["fiscal_year"] == fiscal_year


def test_consistent_fiscal_year_is_accepted(organiser):
    response = organiser.post(EDITIONS, json=edition_body(fiscal_year=2026))

    assert response.status_code == 201, response.json
    assert response.json["fiscal_year"] == 2026


def test_inconsistent_fiscal_year_is_refused(organiser):
    response = organiser.post(EDITIONS, json=edition_body(fiscal_year=2025))

    assert error_fields(response) == {"fiscal_year"}


def test_naive_datetimes_are_read_as_tokyo_time(organiser):
    body = edition_body(starts_at="2026-08-07T10:00:00", ends_at="2026-08-09T17:00")

    response = organiser.post(EDITIONS, json=body)

    assert response.status_code == 201, response.json
    assert response.json["starts_at"] == "2026-08-07T10:00:00+09:00"
    assert response.json["ends_at"] == "2026-08-09T17:00:00+09:00"


def test_datetimes_are_returned_in_tokyo_time_whatever_the_input_offset(organiser):
    body = edition_body(starts_at="2026-08-07T01:00:00Z", ends_at="2026-08-09T10:00:00+02:00")

    response = organiser.post(EDITIONS, json=body)

    assert response.status_code == 201, response.json
    assert response.json["starts_at"] == "2026-08-07T10:00:00+09:00"
    assert response.json["ends_at"] == "2026-08-09T17:00:00+09:00"


@pytest.mark.parametrize("ends_at", ["2026-08-06T17:00:00+09:00", "2026-08-07T10:00:00+09:00"])
def test_edition_must_end_after_it_starts(organiser, ends_at):
    response = organiser.post(EDITIONS, json=edition_body(ends_at=ends_at))

    assert error_fields(response) == {"ends_at"}


def test_applications_must_close_before_the_edition_starts(organiser):
    body = edition_body(
        applications_open_at="2026-04-01T10:00:00+09:00",
        applications_close_at="2026-08-07T12:00:00+09:00",
    )

    response = organiser.post(EDITIONS, json=body)

    assert error_fields(response) == {"applications_close_at"}


def test_applications_must_close_after_they_open(organiser):
    body = edition_body(
        applications_open_at="2026-05-01T10:00:00+09:00",
        applications_close_at="2026-04-01T10:00:00+09:00",
    )

    response = organiser.post(EDITIONS, json=body)

    assert error_fields(response) == {"applications_close_at"}


def test_application_window_is_stored(organiser):
    body = edition_body(
        applications_open_at="2026-04-01T10:00:00+09:00",
        applications_close_at="2026-05-29T17:00:00+09:00",
    )

    response = organiser.post(EDITIONS, json=body)

    assert response.status_code == 201, response.json
    assert response.json["applications_close_at"] == "2026-05-29T17:00:00+09:00"


def test_unknown_series_is_refused(organiser):
    response = organiser.post(EDITIONS, json=edition_body(series="no-such-series"))

    assert error_fields(response) == {"series"}


def test_unknown_format_is_refused(organiser):
    response = organiser.post(EDITIONS, json=edition_body(format="metaverse"))

    assert error_fields(response) == {"format"}


def test_missing_required_fields_are_each_named(organiser):
    response = organiser.post(EDITIONS, json={})

    assert error_fields(response) >= {"series", "title_ja", "starts_at", "ends_at", "format"}
    assert {e["location"] for e in response.json["errors"]} == {"json"}


def test_exhibitor_cannot_create_an_edition(exhibitor):
    response = exhibitor.post(EDITIONS, json=edition_body())

    assert problem_code(response, 403) == "forbidden"


def test_anonymous_cannot_create_an_edition(anonymous):
    response = anonymous.post(EDITIONS, json=edition_body())

    assert problem_code(response, 401) == "unauthenticated"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


# Visibility ----------------------------------------------------------------------------------


def test_draft_is_hidden_from_anonymous(anonymous, draft):
    assert problem_code(anonymous.get(f"{EDITIONS}/{draft['id']}"), 404) == "not_found"
    assert anonymous.get(EDITIONS).json["items"] == []


def test_draft_is_hidden_from_exhibitors(exhibitor, draft):
    assert problem_code(exhibitor.get(f"{EDITIONS}/{draft['id']}"), 404) == "not_found"
    assert exhibitor.get(EDITIONS).json["items"] == []


def test_draft_is_visible_to_organisers(organiser, draft):
    assert organiser.get(f"{EDITIONS}/{draft['id']}").status_code == 200
    assert [e["id"] for e in organiser.get(EDITIONS).json["items"]] == [draft["id"]]


def test_opened_edition_is_public(anonymous, published):
    assert published["status"] == "open"
    assert anonymous.get(f"{EDITIONS}/{published['id']}").json["status"] == "open"
    assert [e["id"] for e in anonymous.get(EDITIONS).json["items"]] == [published["id"]]


def test_unknown_edition_is_not_found(organiser):
    assert problem_code(organiser.get(f"{EDITIONS}/999999"), 404) == "not_found"


# Status transitions --------------------------------------------------------------------------


def _move(api, edition_id, status, **extra):
    return post_status(api, edition_id, status, **extra)


def test_edition_goes_from_open_to_closed_to_held(organiser, published):
    closed = _move(organiser, published["id"], "closed")
    held = _move(organiser, published["id"], "held")

    assert closed.status_code == 200, closed.json
    assert closed.json["status"] == "closed"
    assert held.status_code == 200, held.json
    assert held.json["status"] == "held"


def test_edition_cannot_be_marked_held_before_its_end(organiser):
    # Ends a year from now: until then its figures are not final.
    ends = datetime.now(UTC) + timedelta(days=365)
    body = edition_body(starts_at=(ends - timedelta(days=2)).isoformat(), ends_at=ends.isoformat())
    edition = organiser.post(EDITIONS, json=body).json
    for status in ("open", "closed"):
        assert _move(organiser, edition["id"], status).status_code == 200

    response = organiser.post(f"{EDITIONS}/{edition['id']}/status", json={"status": "held"})

    assert problem_code(response, 409) == "edition_not_over"
    assert [e["field"] for e in response.json["errors"]] == ["status"]
    assert organiser.get(f"{EDITIONS}/{edition['id']}").json["status"] == "closed"


def test_status_change_increments_version(organiser, draft):
    response = _move(organiser, draft["id"], "open")

    assert response.json["version"] == draft["version"] + 1


@pytest.mark.parametrize("target", ["open", "closed", "draft", "cancelled"])
def test_held_edition_cannot_change_status(organiser, published, target):
    _move(organiser, published["id"], "closed")
    _move(organiser, published["id"], "held")

    response = _move(organiser, published["id"], target, reason="台風のため")

    assert problem_code(response, 409) == "invalid_transition"


def test_draft_cannot_jump_to_held(organiser, draft):
    assert problem_code(_move(organiser, draft["id"], "held"), 409) == "invalid_transition"


def test_a_refused_move_names_the_statuses_in_the_readers_words(organiser, draft):
    url = f"{EDITIONS}/{draft['id']}/status"

    english = organiser.post(url, json={"status": "held"}).json
    japanese = organiser.post(url, json={"status": "held"}, headers={"Accept-Language": "ja"}).json

    assert english["title"] == (
        "An edition cannot go from a draft to held (allowed: cancelled, open for applications)."
    )
    assert japanese["title"] == (
        "「下書き」から「開催済み」には変更できません（変更できる状態：中止、受付中）。"
    )


def test_unknown_status_is_refused(organiser, draft):
    assert error_fields(_move(organiser, draft["id"], "postponed")) == {"status"}


def test_cancelling_needs_a_reason(organiser, published):
    response = _move(organiser, published["id"], "cancelled")

    assert error_fields(response) == {"reason"}
    assert organiser.get(f"{EDITIONS}/{published['id']}").json["status"] == "open"


def test_cancelling_stores_the_reason(organiser, published):
    response = _move(organiser, published["id"], "cancelled", reason="台風接近のため中止")

    assert response.status_code == 200, response.json
    assert response.json["status"] == "cancelled"
    assert response.json["cancellation_reason"] == "台風接近のため中止"


def test_status_change_with_stale_version_conflicts(organiser, published):
    response = _move(organiser, published["id"], "closed", version=published["version"] - 1)

    assert problem_code(response, 409) == "version_conflict"
    assert response.json["current_version"] == published["version"]


def test_exhibitor_cannot_change_status(exhibitor, published):
    assert problem_code(_move(exhibitor, published["id"], "closed"), 403) == "forbidden"


# Updating ------------------------------------------------------------------------------------


def test_patch_with_current_version_updates_and_increments_version(organiser, draft):
    url = f"{EDITIONS}/{draft['id']}"

    response = organiser.patch(url, json={"title_en": "Takumi 2026 (renamed)", "version": 1})

    assert response.status_code == 200, response.json
    assert response.json["title_en"] == "Takumi 2026 (renamed)"
    assert response.json["version"] == 2
    assert organiser.get(url).json["version"] == 2


def test_patch_with_stale_version_conflicts(organiser, draft):
    url = f"{EDITIONS}/{draft['id']}"
    organiser.patch(url, json={"title_en": "First writer", "version": 1})

    response = organiser.patch(url, json={"title_en": "Second writer", "version": 1})

    assert problem_code(response, 409) == "version_conflict"
    assert response.json["current_version"] == 2
    assert organiser.get(url).json["title_en"] == "First writer"


def test_patch_cannot_move_an_edition_to_another_series(organiser, draft):
    response = organiser.patch(f"{EDITIONS}/{draft['id']}", json={"series": "mokucolle"})

    assert error_fields(response) == {"series"}
    assert organiser.get(f"{EDITIONS}/{draft['id']}").json["series"]["slug"] == "takumi"


def test_patch_checks_times_against_the_stored_ones(organiser, draft):
    response = organiser.patch(
        f"{EDITIONS}/{draft['id']}", json={"ends_at": "2026-08-06T17:00:00+09:00"}
    )

    assert error_fields(response) == {"ends_at"}


def test_patch_of_starts_at_rederives_fiscal_year(organiser, draft):
    response = organiser.patch(
        f"{EDITIONS}/{draft['id']}",
        json={"starts_at": "2027-04-01T10:00:00+09:00", "ends_at": "2027-04-03T17:00:00+09:00"},
    )

    assert response.status_code == 200, response.json
    assert response.json["fiscal_year"] == 2027


@pytest.mark.parametrize(
    "final_moves", [["closed", "held"], ["cancelled"]], ids=["held", "cancelled"]
)
def test_held_or_cancelled_edition_cannot_be_patched(organiser, published, final_moves):
    for status in final_moves:
        assert _move(organiser, published["id"], status, reason="中止").status_code == 200

    response = organiser.patch(f"{EDITIONS}/{published['id']}", json={"title_en": "Too late"})

    assert problem_code(response, 409) == "edition_final"


def test_exhibitor_cannot_patch(exhibitor, published):
    response = exhibitor.patch(f"{EDITIONS}/{published['id']}", json={"title_en": "Mine"})

    assert problem_code(response, 403) == "forbidden"


# Listing -------------------------------------------------------------------------------------


@pytest.fixture
def editions(organiser):
    """Four editions across series, years, formats and statuses; returns id by name."""
    specs = {
        "takumi_2026": edition_body(),
        "zone_2026": edition_body(
            series="national-zone",
            format="in_person",
            starts_at="2026-11-11T10:00:00+09:00",
            ends_at="2026-11-13T17:00:00+09:00",
        ),
        "moku_2026": edition_body(
            series="mokucolle",
            starts_at="2027-01-27T10:00:00+09:00",
            ends_at="2027-01-28T17:00:00+09:00",
        ),
        "takumi_2027": edition_body(
            format="online",
            starts_at="2027-08-06T10:00:00+09:00",
            ends_at="2027-08-08T17:00:00+09:00",
        ),
    }
    ids = {}
    for name, body in specs.items():
        response = organiser.post(EDITIONS, json=body)
        assert response.status_code == 201, response.json
        ids[name] = response.json["id"]
    for name in ("takumi_2026", "zone_2026", "moku_2026"):
        assert _move(organiser, ids[name], "open").status_code == 200
    assert _move(organiser, ids["takumi_2026"], "closed").status_code == 200
    return ids


def _listed(api, **query):
    response = api.get(EDITIONS, query_string=query)
    assert response.status_code == 200, response.json
    return [e["id"] for e in response.json["items"]]


def test_list_is_newest_first(organiser, editions):
    assert _listed(organiser) == [
        editions["takumi_2027"],
        editions["moku_2026"],
        editions["zone_2026"],
        editions["takumi_2026"],
    ]


def test_list_filters_by_series_slug(anonymous, editions):
    assert _listed(anonymous, series="takumi") == [editions["takumi_2026"]]
    assert _listed(anonymous, series="mokucolle") == [editions["moku_2026"]]


def test_list_filters_by_fiscal_year(organiser, editions):
    assert _listed(organiser, fiscal_year=2027) == [editions["takumi_2027"]]
    assert len(_listed(organiser, fiscal_year=2026)) == 3


def test_list_filters_by_status(organiser, editions):
    assert _listed(organiser, status="closed") == [editions["takumi_2026"]]
    assert _listed(organiser, status="draft") == [editions["takumi_2027"]]


def test_list_filters_by_format(organiser, editions):
    assert _listed(organiser, format="in_person") == [editions["zone_2026"]]
    assert _listed(organiser, format="online") == [editions["takumi_2027"]]


def test_list_filters_combine(organiser, editions):
    assert _listed(organiser, series="takumi", fiscal_year=2026) == [editions["takumi_2026"]]


def test_list_refuses_unknown_status_filter(anonymous):
    response = anonymous.get(EDITIONS, query_string={"status": "postponed"})

    assert error_fields(response) == {"status"}
    assert response.json["errors"][0]["location"] == "query"


def test_list_is_paginated_with_an_envelope(organiser, editions):
    first = organiser.get(EDITIONS, query_string={"per_page": 3}).json
    second = organiser.get(EDITIONS, query_string={"per_page": 3, "page": 2}).json

    assert {k: first[k] for k in ("page", "per_page", "total")} == {
        "page": 1,
        "per_page": 3,
        "total": 4,
    }
    assert len(first["items"]) == 3
    assert second["page"] == 2
    assert len(second["items"]) == 1
    assert {e["id"] for e in first["items"] + second["items"]} == set(editions.values())


def test_page_beyond_the_end_is_empty(organiser, editions):
    body = organiser.get(EDITIONS, query_string={"page": 9, "per_page": 3}).json

    assert body == {"items": [], "page": 9, "per_page": 3, "total": 4}


def test_fiscal_year_counts_the_tokyo_day_whatever_the_edition_timezone(organiser):
    body = edition_body(
        starts_at="2027-04-01T00:30:00+09:00",  # 31 March in Los Angeles
        ends_at="2027-04-02T17:00:00+09:00",
        timezone="America/Los_Angeles",
    )

    response = organiser.post(EDITIONS, json=body)

    assert response.status_code == 201, response.json
    assert response.json["fiscal_year"] == 2027
