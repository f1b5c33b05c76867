"""An application's life through HTTP: draft, submit, amend, review, decide, withdraw."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventhub.db import utcnow
from eventhub.events.models import Edition
from eventhub.extensions import db
from tests.accounts.helpers import assert_invalid, assert_problem
from tests.applications.helpers import (
    COMMON_REQUIRED,
    EDITIONS,
    SERIES,
    SERIES_REQUIRED,
    application_body,
    application_url,
    create_application,
    decide,
    make_edition,
    make_organisation,
    open_edition,
    patch_edition,
    rename,
    series_fields,
    set_edition_status,
    start_review,
    submit,
    submitted_application,
)
from tests.events.helpers import error_fields

PAST = "2026-01-30T17:00:00+09:00"


def _apply(api, edition_id, body):
    return api.post(f"{EDITIONS}/{edition_id}/applications", json=body)


def _complete_changes(series, edition_format="in_person"):
    """What turns an empty draft into a complete application."""
    body = application_body(series, 0, edition_format)
    del body["organisation_id"]
    return body


# The journey ---------------------------------------------------------------------------------


@pytest.mark.parametrize("series", SERIES)
@pytest.mark.parametrize(
    ("decision", "reason"),
    [
        ("approved", None),
        ("rejected", "小間数が上限に達しました。"),
        ("waitlisted", "キャンセル待ちとなります。"),
    ],
)
def test_application_goes_from_draft_to_decision(organiser, exhibitor, series, decision, reason):
    rename(exhibitor, "出展 太郎")
    rename(organiser, "審査 花子")
    edition = open_edition(organiser, series)
    organisation = make_organisation(exhibitor)

    draft = create_application(exhibitor, edition["id"], {"organisation_id": organisation["id"]})
    assert draft["status"] == "draft"
    assert len(exhibitor.get(application_url(draft["id"], "history")).json) == 1

    incomplete = exhibitor.post(application_url(draft["id"], "submit"), json={})
    assert COMMON_REQUIRED | {"accept_terms"} <= error_fields(incomplete)

    changes = {**_complete_changes(series), "version": draft["version"]}
    completed = exhibitor.patch(application_url(draft["id"]), json=changes)
    assert completed.status_code == 200, completed.json
    submitted = submit(exhibitor, completed.json)
    assert submitted["status"] == "submitted"
    assert submitted["submitted_at"] is not None
    assert submitted["terms_accepted_at"] is not None

    amended = exhibitor.patch(application_url(draft["id"]), json={"booth_units": 3})
    assert amended.status_code == 200, amended.json
    assert (amended.json["status"], amended.json["booth_units"]) == ("submitted", 3)

    reviewing = organiser.post(application_url(draft["id"], "review"), json={"reason": "書類審査"})
    assert reviewing.status_code == 200, reviewing.json
    assert reviewing.json["status"] == "under_review"
    late = exhibitor.patch(application_url(draft["id"]), json={"booth_units": 4})
    assert_problem(late, 409, "not_editable")

    if reason:
        assert "reason" in error_fields(decide(organiser, reviewing.json, decision))
    decided = decide(organiser, reviewing.json, decision, reason=reason)
    assert decided.status_code == 200, decided.json
    assert decided.json["status"] == decision
    assert decided.json["decided_at"] is not None
    assert decided.json["decision_reason"] == reason

    history = exhibitor.get(application_url(draft["id"], "history"))
    assert history.status_code == 200, history.json
    steps = [
        (t["from_status"], t["to_status"], t["actor"]["display_name"], t["reason"])
        for t in history.json
    ]
    assert steps == [
        (None, "draft", "出展 太郎", None),
        ("draft", "submitted", "出展 太郎", None),
        ("submitted", "under_review", "審査 花子", "書類審査"),
        ("under_review", decision, "審査 花子", reason),
    ]
    assert all(t["at"] for t in history.json)


# Completeness ------------------------------------------------------------------------------


@pytest.mark.parametrize("series", SERIES)
def test_incomplete_submit_names_every_missing_field_at_once(
    organiser, exhibitor, organisation, series
):
    edition = open_edition(organiser, series)
    draft = create_application(exhibitor, edition["id"], {"organisation_id": organisation["id"]})

    response = exhibitor.post(application_url(draft["id"], "submit"), json={})

    assert error_fields(response) == COMMON_REQUIRED | {"accept_terms"} | SERIES_REQUIRED[series]


@pytest.mark.parametrize("series", SERIES)
def test_submit_names_the_missing_series_fields(organiser, exhibitor, organisation, series):
    edition = open_edition(organiser, series)
    body = application_body(series, organisation["id"], series_fields={})
    draft = create_application(exhibitor, edition["id"], body)

    response = exhibitor.post(application_url(draft["id"], "submit"), json={})

    assert error_fields(response) == SERIES_REQUIRED[series]
    assert exhibitor.get(application_url(draft["id"])).json["status"] == "draft"


def test_submit_needs_the_terms_accepted(exhibitor, edition, organisation):
    body = application_body("takumi", organisation["id"], accept_terms=False)
    draft = create_application(exhibitor, edition["id"], body)
    assert draft["terms_accepted_at"] is None

    response = exhibitor.post(application_url(draft["id"], "submit"), json={})

    assert error_fields(response) == {"accept_terms"}


def test_draft_may_promise_a_demonstration_that_submit_needs_described(
    exhibitor, edition, organisation
):
    fields = {"craft": "江戸切子", "demonstration": True}
    body = application_body("takumi", organisation["id"], series_fields=fields)
    draft = create_application(exhibitor, edition["id"], body)
    assert draft["series_fields"]["demonstration"] is True

    response = exhibitor.post(application_url(draft["id"], "submit"), json={})

    assert error_fields(response) == {"series_fields.demonstration_description"}


def test_draft_may_ask_for_business_meetings_that_submit_needs_buyers_for(
    organiser, exhibitor, organisation
):
    edition = open_edition(organiser, "mokucolle")
    fields = {**series_fields("mokucolle"), "buyer_types": []}
    body = application_body("mokucolle", organisation["id"], series_fields=fields)
    draft = create_application(exhibitor, edition["id"], body)

    response = exhibitor.post(application_url(draft["id"], "submit"), json={})

    assert error_fields(response) == {"series_fields.buyer_types"}


def test_online_takumi_edition_needs_a_video_url_to_submit(organiser, exhibitor, organisation):
    edition = open_edition(organiser, "takumi", format="online")
    body = application_body("takumi", organisation["id"], "in_person")
    draft = create_application(exhibitor, edition["id"], body)
    assert error_fields(exhibitor.post(application_url(draft["id"], "submit"), json={})) == {
        "series_fields.video_url"
    }

    video = {"series_fields": {"video_url": "https://video.example.jp/kiriko"}}
    assert exhibitor.patch(application_url(draft["id"]), json=video).status_code == 200
    submit(exhibitor, draft)


def test_amending_a_submitted_application_keeps_it_complete(exhibitor, edition, organisation):
    application = submitted_application(exhibitor, edition, organisation["id"])

    emptied = exhibitor.patch(application_url(application["id"]), json={"contact_name": None})
    no_craft = exhibitor.patch(
        application_url(application["id"]), json={"series_fields": {"craft": None}}
    )

    assert error_fields(emptied) == {"contact_name"}
    assert "series_fields.craft" in error_fields(no_craft)
    assert exhibitor.get(application_url(application["id"])).json["contact_name"] == "山田 太郎"


def test_series_fields_are_merged_on_update(exhibitor, edition, organisation):
    draft = create_application(
        exhibitor, edition["id"], application_body("takumi", organisation["id"])
    )

    response = exhibitor.patch(
        application_url(draft["id"]), json={"series_fields": {"sales": True}}
    )

    assert response.status_code == 200, response.json
    assert response.json["series_fields"]["sales"] is True
    assert response.json["series_fields"]["craft"] == "江戸切子"


# Input normalisation and validation ----------------------------------------------------------


def test_furigana_in_hiragana_is_stored_as_katakana(exhibitor, edition, organisation):
    body = {"organisation_id": organisation["id"], "contact_name_kana": "やまだ たろう"}

    draft = create_application(exhibitor, edition["id"], body)

    assert draft["contact_name_kana"] == "ヤマダ タロウ"
    stored = exhibitor.get(application_url(draft["id"])).json
    assert stored["contact_name_kana"] == "ヤマダ タロウ"


def test_furigana_in_kanji_is_refused(exhibitor, edition, organisation):
    body = {"organisation_id": organisation["id"], "contact_name_kana": "山田太郎"}

    assert_invalid(_apply(exhibitor, edition["id"], body), "contact_name_kana")


def test_organisation_you_are_not_a_member_of_is_refused(
    make_user, exhibitor, edition, organisation
):
    outsider = make_user()

    response = _apply(outsider, edition["id"], {"organisation_id": organisation["id"]})

    assert error_fields(response) == {"organisation_id"}


def test_unknown_organisation_is_refused(exhibitor, edition):
    assert error_fields(_apply(exhibitor, edition["id"], {"organisation_id": 999_999})) == {
        "organisation_id"
    }


def test_organisation_id_is_required(exhibitor, edition):
    assert error_fields(_apply(exhibitor, edition["id"], {"contact_name": "山田"})) == {
        "organisation_id"
    }


def test_unknown_fields_are_refused(exhibitor, edition, organisation):
    body = {"organisation_id": organisation["id"], "favourite_colour": "藍"}

    assert error_fields(_apply(exhibitor, edition["id"], body)) == {"favourite_colour"}


def test_unknown_series_fields_are_refused(exhibitor, edition, organisation):
    body = {"organisation_id": organisation["id"], "series_fields": {"timber_species": ["スギ"]}}

    assert error_fields(_apply(exhibitor, edition["id"], body)) == {"series_fields.timber_species"}


@pytest.mark.parametrize("field", ["status", "submitted_at", "organisation_id"])
def test_update_cannot_set_read_only_fields(exhibitor, edition, organisation, field):
    draft = create_application(exhibitor, edition["id"], {"organisation_id": organisation["id"]})

    response = exhibitor.patch(application_url(draft["id"]), json={field: draft[field]})

    assert error_fields(response) == {field}


def test_invalid_series_field_values_are_named(organiser, exhibitor, organisation):
    edition = open_edition(organiser, "national-zone")
    fields = {"recommending_prefecture_code": 48, "prefecture_contact": {"email": "x"}}
    body = {"organisation_id": organisation["id"], "series_fields": fields}

    named = error_fields(_apply(exhibitor, edition["id"], body))

    assert {
        "series_fields.recommending_prefecture_code",
        "series_fields.prefecture_contact.email",
    } <= named


# One active application per organisation and edition ---------------------------------------


def test_second_active_application_for_the_same_edition_conflicts(exhibitor, edition, organisation):
    first = create_application(exhibitor, edition["id"], {"organisation_id": organisation["id"]})

    response = _apply(exhibitor, edition["id"], {"organisation_id": organisation["id"]})

    body = assert_problem(response, 409, "application_exists")
    assert body["existing_id"] == first["id"]


def test_another_organisation_may_apply_to_the_same_edition(exhibitor, edition, organisation):
    create_application(exhibitor, edition["id"], {"organisation_id": organisation["id"]})
    other = make_organisation(exhibitor, name="株式会社ほかの工房")

    create_application(exhibitor, edition["id"], {"organisation_id": other["id"]})


def test_organisation_may_apply_again_after_withdrawing(exhibitor, edition, organisation):
    first = submitted_application(exhibitor, edition, organisation["id"])
    withdrawn = exhibitor.post(application_url(first["id"], "withdraw"), json={})
    assert withdrawn.status_code == 200, withdrawn.json

    second = create_application(exhibitor, edition["id"], {"organisation_id": organisation["id"]})

    assert second["id"] != first["id"]


def test_organisation_may_apply_again_after_rejection(organiser, exhibitor, edition, organisation):
    first = submitted_application(exhibitor, edition, organisation["id"])
    assert decide(organiser, first, "rejected", reason="対象外です。").status_code == 200

    create_application(exhibitor, edition["id"], {"organisation_id": organisation["id"]})


def test_waitlisted_application_still_blocks_a_second_one(
    organiser, exhibitor, edition, organisation
):
    first = submitted_application(exhibitor, edition, organisation["id"])
    assert decide(organiser, first, "waitlisted", reason="満席").status_code == 200

    response = _apply(exhibitor, edition["id"], {"organisation_id": organisation["id"]})

    assert_problem(response, 409, "application_exists")


# Withdrawing --------------------------------------------------------------------------------


def test_withdrawal_is_recorded_with_its_reason(exhibitor, edition, organisation):
    application = submitted_application(exhibitor, edition, organisation["id"])

    response = exhibitor.post(
        application_url(application["id"], "withdraw"), json={"reason": "社内事情により"}
    )

    assert response.status_code == 200, response.json
    assert response.json["status"] == "withdrawn"
    last = exhibitor.get(application_url(application["id"], "history")).json[-1]
    assert (last["from_status"], last["to_status"], last["reason"]) == (
        "submitted",
        "withdrawn",
        "社内事情により",
    )


def test_withdrawing_twice_conflicts(exhibitor, edition, organisation):
    application = submitted_application(exhibitor, edition, organisation["id"])
    assert (
        exhibitor.post(application_url(application["id"], "withdraw"), json={}).status_code == 200
    )

    again = exhibitor.post(application_url(application["id"], "withdraw"), json={})

    assert_problem(again, 409, "invalid_transition")


def test_withdrawn_application_can_no_longer_be_edited(exhibitor, edition, organisation):
    draft = create_application(exhibitor, edition["id"], {"organisation_id": organisation["id"]})
    exhibitor.post(application_url(draft["id"], "withdraw"), json={})

    response = exhibitor.patch(application_url(draft["id"]), json={"contact_name": "山田"})

    assert_problem(response, 409, "not_editable")


# Transitions that are not allowed -----------------------------------------------------------


def test_submitting_twice_conflicts(exhibitor, edition, organisation):
    application = submitted_application(exhibitor, edition, organisation["id"])

    again = exhibitor.post(application_url(application["id"], "submit"), json={})

    assert_problem(again, 409, "invalid_transition")


def test_review_starts_only_on_a_submitted_application(organiser, exhibitor, edition, organisation):
    application = submitted_application(exhibitor, edition, organisation["id"])
    start_review(organiser, application)

    again = organiser.post(application_url(application["id"], "review"), json={})

    assert_problem(again, 409, "invalid_transition")


def test_approved_application_cannot_be_decided_again(organiser, exhibitor, edition, organisation):
    application = submitted_application(exhibitor, edition, organisation["id"])
    approved = decide(organiser, application, "approved")
    assert approved.status_code == 200, approved.json

    again = decide(organiser, approved.json, "rejected", reason="取り消し")

    assert_problem(again, 409, "invalid_transition")


def test_waitlisted_application_may_later_be_approved(organiser, exhibitor, edition, organisation):
    application = submitted_application(exhibitor, edition, organisation["id"])
    waitlisted = decide(organiser, application, "waitlisted", reason="満席")

    approved = decide(organiser, waitlisted.json, "approved")

    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "approved"
    assert approved.json["decision_reason"] is None


@pytest.mark.parametrize("decision", ["rejected", "waitlisted"])
@pytest.mark.parametrize("reason", [None, ""])
def test_refusal_needs_a_reason(organiser, exhibitor, edition, organisation, decision, reason):
    application = submitted_application(exhibitor, edition, organisation["id"])

    response = decide(organiser, application, decision, reason=reason)

    assert error_fields(response) == {"reason"}
    assert organiser.get(application_url(application["id"])).json["status"] == "submitted"


def test_unknown_decision_is_refused(organiser, exhibitor, edition, organisation):
    application = submitted_application(exhibitor, edition, organisation["id"])

    response = decide(organiser, application, "maybe", reason="未定")

    assert "decision" in error_fields(response)


# The edition's application window ------------------------------------------------------------


def test_applying_to_an_unknown_edition_is_not_found(exhibitor, organisation):
    response = _apply(exhibitor, 999_999, {"organisation_id": organisation["id"]})

    assert_problem(response, 404, "not_found")


def test_draft_edition_is_hidden_from_exhibitors(organiser, exhibitor, organisation):
    edition = make_edition(organiser, "takumi")

    response = _apply(exhibitor, edition["id"], {"organisation_id": organisation["id"]})

    assert_problem(response, 404, "not_found")


def test_no_one_who_may_apply_sees_a_draft_edition(organiser, make_user):
    """Only organisers see drafts, and an organiser belongs to no organisation: a member is
    refused the role, so a draft takes no application from anyone."""
    edition = make_edition(organiser, "takumi")
    insider = make_user()
    organisation = make_organisation(insider)
    granted = organiser.post(f"/api/v1/users/{insider.user_id}/roles", json={"role": "organiser"})
    assert_problem(granted, 409, "member_not_organiser")

    response = _apply(insider, edition["id"], {"organisation_id": organisation["id"]})

    assert_problem(response, 404, "not_found")


def test_closed_edition_takes_no_applications(organiser, exhibitor, edition, organisation):
    set_edition_status(organiser, edition["id"], "closed")

    response = _apply(exhibitor, edition["id"], {"organisation_id": organisation["id"]})

    assert_problem(response, 409, "applications_closed")


def test_draft_cannot_be_submitted_once_the_edition_closed(
    organiser, exhibitor, edition, organisation
):
    draft = create_application(
        exhibitor, edition["id"], application_body("takumi", organisation["id"])
    )
    set_edition_status(organiser, edition["id"], "closed")

    response = exhibitor.post(application_url(draft["id"], "submit"), json={})

    assert_problem(response, 409, "applications_closed")


def test_applications_before_the_window_opens_are_refused(organiser, exhibitor, organisation):
    edition = open_edition(organiser, "takumi", applications_open_at="2027-03-01T10:00:00+09:00")

    response = _apply(exhibitor, edition["id"], {"organisation_id": organisation["id"]})

    body = assert_problem(response, 409, "applications_not_open_yet")
    assert body["opens_at"] == "2027-03-01T10:00:00+09:00"  # Tokyo time, as every answer


def test_submit_after_the_deadline_is_refused(organiser, exhibitor, edition, organisation):
    draft = create_application(
        exhibitor, edition["id"], application_body("takumi", organisation["id"])
    )
    patch_edition(organiser, edition["id"], applications_close_at=PAST)

    response = exhibitor.post(application_url(draft["id"], "submit"), json={})

    body = assert_problem(response, 409, "deadline_passed")
    assert body["closed_at"].startswith("2026-01-30T17:00:00")
    assert body["closed_at"].endswith("+09:00")
    assert exhibitor.get(application_url(draft["id"])).json["status"] == "draft"


def test_new_application_after_the_deadline_is_refused(organiser, exhibitor, organisation):
    edition = open_edition(organiser, "takumi", applications_close_at=PAST)

    response = _apply(exhibitor, edition["id"], {"organisation_id": organisation["id"]})

    assert_problem(response, 409, "deadline_passed")


def test_submitted_application_cannot_be_amended_after_the_deadline(
    organiser, exhibitor, edition, organisation
):
    application = submitted_application(exhibitor, edition, organisation["id"])
    patch_edition(organiser, edition["id"], applications_close_at=PAST)

    response = exhibitor.patch(application_url(application["id"]), json={"booth_units": 5})

    assert_problem(response, 409, "deadline_passed")


def test_deadline_is_checked_at_the_stored_instant(app, exhibitor, edition, organisation):
    """The window is closed as soon as ``applications_close_at`` passes."""
    draft = create_application(
        exhibitor, edition["id"], application_body("takumi", organisation["id"])
    )
    with app.app_context():
        db.session.get(Edition, edition["id"]).applications_close_at = utcnow() - timedelta(
            seconds=1
        )
        db.session.commit()

    response = exhibitor.post(application_url(draft["id"], "submit"), json={})

    assert_problem(response, 409, "deadline_passed")


# Optimistic locking ------------------------------------------------------------------------


def test_update_with_a_stale_version_conflicts(exhibitor, edition, organisation):
    draft = create_application(exhibitor, edition["id"], {"organisation_id": organisation["id"]})
    url = application_url(draft["id"])
    first = exhibitor.patch(url, json={"contact_name": "山田", "version": draft["version"]})
    assert first.status_code == 200, first.json
    assert first.json["version"] == draft["version"] + 1

    stale = exhibitor.patch(url, json={"contact_name": "佐藤", "version": draft["version"]})

    body = assert_problem(stale, 409, "version_conflict")
    assert (body["current_version"], body["current_status"]) == (first.json["version"], "draft")
    assert exhibitor.get(url).json["contact_name"] == "山田"


def test_submit_with_a_stale_version_conflicts(exhibitor, edition, organisation):
    draft = create_application(
        exhibitor, edition["id"], application_body("takumi", organisation["id"])
    )
    exhibitor.patch(application_url(draft["id"]), json={"booth_units": 1})

    response = exhibitor.post(
        application_url(draft["id"], "submit"), json={"version": draft["version"]}
    )

    assert assert_problem(response, 409, "version_conflict")["current_version"] == 2


def test_every_write_bumps_the_version(organiser, exhibitor, edition, organisation):
    draft = create_application(
        exhibitor, edition["id"], application_body("takumi", organisation["id"])
    )
    submitted = submit(exhibitor, draft)
    reviewing = start_review(organiser, submitted)

    assert draft["version"] < submitted["version"] < reviewing["version"]


@pytest.mark.parametrize("action", ["submit", "decision"])
def test_each_transition_bumps_the_version_once(
    organiser, exhibitor, edition, organisation, action
):
    draft = create_application(
        exhibitor, edition["id"], application_body("takumi", organisation["id"])
    )
    before = draft if action == "submit" else submit(exhibitor, draft)

    if action == "submit":
        after = exhibitor.post(application_url(draft["id"], "submit"), json={})
    else:
        after = decide(organiser, before, "approved")

    assert after.status_code == 200, after.json
    assert after.json["version"] == before["version"] + 1
