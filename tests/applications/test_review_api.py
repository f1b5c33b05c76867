"""Who sees which applications, how reviewers find them, and who may decide."""

from __future__ import annotations

from typing import Any

import pytest

from eventhub.accounts.models import Role
from tests.accounts.helpers import assert_invalid, assert_problem, join
from tests.applications.helpers import (
    APPLICATIONS,
    application_body,
    application_url,
    create_application,
    decide,
    ids,
    make_organisation,
    open_edition,
    start_review,
    submitted_application,
)
from tests.events.helpers import error_fields


@pytest.fixture
def other_exhibitor(make_user):
    return make_user()


@pytest.fixture
def catalogue(organiser, exhibitor, other_exhibitor, organisation, edition) -> dict[str, Any]:
    """Applications to two editions by a Tokyo and an Osaka organisation, by name.

    a1: Tokyo → takumi, submitted (crafts); a2: Osaka → takumi, under review (other);
    a3: Tokyo → mokucolle, submitted (timber); draft: Osaka → mokucolle, never submitted.
    """
    mokucolle = open_edition(organiser, "mokucolle")
    osaka = make_organisation(other_exhibitor, name="大阪木工株式会社", prefecture_code=27)
    a1 = submitted_application(exhibitor, edition, organisation["id"])
    a2 = submitted_application(other_exhibitor, edition, osaka["id"], industry_category="other")
    start_review(organiser, a2)
    a3 = submitted_application(exhibitor, mokucolle, organisation["id"])
    draft = create_application(
        other_exhibitor, mokucolle["id"], application_body("mokucolle", osaka["id"])
    )
    return {
        "a1": a1["id"],
        "a2": a2["id"],
        "a3": a3["id"],
        "draft": draft["id"],
        "editions": {"takumi": edition["id"], "mokucolle": mokucolle["id"]},
    }


def _listed(api, catalogue, **params) -> set[str]:
    """The catalogue names of the applications ``api`` lists."""
    response = api.get(APPLICATIONS, query_string=params)
    assert response.status_code == 200, response.json
    names = {v: k for k, v in catalogue.items() if k != "editions"}
    return {names[item["id"]] for item in response.json["items"]}


@pytest.fixture(params=["organiser", "reviewer"])
def reviewer(request, organiser, make_user):
    return organiser if request.param == "organiser" else make_user(Role.REVIEWER)


# Exhibitors see their own organisations' applications only ----------------------------------


def test_exhibitors_list_only_their_organisations_applications(
    exhibitor, other_exhibitor, catalogue
):
    assert _listed(exhibitor, catalogue) == {"a1", "a3"}
    assert _listed(other_exhibitor, catalogue) == {"a2", "draft"}


@pytest.mark.parametrize("name", ["a2", "draft"])
def test_exhibitor_cannot_read_another_organisations_application(exhibitor, catalogue, name):
    url = application_url(catalogue[name])

    assert_problem(exhibitor.get(url), 404, "not_found")
    assert_problem(exhibitor.get(f"{url}/history"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "action", "body"),
    [
        ("patch", "", {"contact_name": "乗っ取り"}),
        ("post", "submit", {}),
        ("post", "withdraw", {}),
    ],
)
def test_exhibitor_cannot_change_another_organisations_application(
    exhibitor, other_exhibitor, catalogue, method, action, body
):
    url = application_url(catalogue["draft"], action)

    response = getattr(exhibitor, method)(url, json=body)

    assert_problem(response, 404, "not_found")
    assert other_exhibitor.get(application_url(catalogue["draft"])).json["status"] == "draft"


def test_a_new_member_sees_the_organisations_applications(
    make_user, exhibitor, organisation, catalogue
):
    colleague = make_user(email="colleague@example.jp")
    join(exhibitor, colleague, organisation["id"], "colleague@example.jp")

    assert _listed(colleague, catalogue) == {"a1", "a3"}


# Organisers and reviewers ------------------------------------------------------------------


def test_reviewers_list_submitted_applications_but_not_drafts(reviewer, catalogue):
    assert _listed(reviewer, catalogue) == {"a1", "a2", "a3"}


def test_reviewers_cannot_read_another_organisations_draft(reviewer, catalogue):
    assert_problem(reviewer.get(application_url(catalogue["draft"])), 404, "not_found")
    assert _listed(reviewer, catalogue, status="draft") == set()


def test_reviewers_read_submitted_applications_and_their_history(reviewer, catalogue):
    response = reviewer.get(application_url(catalogue["a2"]))
    history = reviewer.get(application_url(catalogue["a2"], "history"))

    assert response.status_code == 200, response.json
    assert [t["to_status"] for t in history.json] == ["draft", "submitted", "under_review"]


def test_reviewers_cannot_amend_an_application(reviewer, catalogue):
    response = reviewer.patch(application_url(catalogue["a1"]), json={"booth_units": 9})

    assert_problem(response, 403, "forbidden")


def test_reviewers_never_see_a_draft_withdrawn_before_submission(
    reviewer, other_exhibitor, catalogue
):
    withdrawn = other_exhibitor.post(application_url(catalogue["draft"], "withdraw"), json={})
    assert withdrawn.status_code == 200, withdrawn.json

    assert reviewer.get(application_url(catalogue["draft"])).status_code == 404
    assert "draft" not in _listed(reviewer, catalogue)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"edition_id": "takumi"}, {"a1", "a2"}),
        ({"edition_id": "mokucolle"}, {"a3"}),
        ({"series": "mokucolle"}, {"a3"}),
        ({"series": "national-zone"}, set()),
        ({"status": "under_review"}, {"a2"}),
        ({"status": "submitted"}, {"a1", "a3"}),
        ({"prefecture_code": 27}, {"a2"}),
        ({"prefecture_code": "13"}, {"a1", "a3"}),
        ({"industry_category": "timber"}, {"a3"}),
        ({"series": "takumi", "prefecture_code": 13}, {"a1"}),
    ],
)
def test_reviewers_filter_applications(organiser, catalogue, params, expected):
    if "edition_id" in params:
        params = {**params, "edition_id": catalogue["editions"][params["edition_id"]]}

    assert _listed(organiser, catalogue, **params) == expected


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "pending"), ("industry_category", "toys"), ("prefecture_code", 48)],
)
def test_invalid_filters_are_refused(organiser, field, value):
    response = organiser.get(APPLICATIONS, query_string={field: value})

    assert_invalid(response, field, "query")


@pytest.mark.parametrize(
    ("sort", "order"),
    [("submitted_at", ["a1", "a2", "a3"]), ("-submitted_at", ["a3", "a2", "a1"])],
)
def test_applications_sort_by_submission_time(organiser, catalogue, sort, order):
    response = organiser.get(APPLICATIONS, query_string={"sort": sort})

    assert [item["id"] for item in response.json["items"]] == [catalogue[n] for n in order]


@pytest.mark.parametrize("sort", ["submitted_at", "-submitted_at"])
def test_unsubmitted_drafts_sort_last_either_way(other_exhibitor, catalogue, sort):
    response = other_exhibitor.get(APPLICATIONS, query_string={"sort": sort})

    assert [item["id"] for item in response.json["items"]] == [
        catalogue["a2"],
        catalogue["draft"],
    ]


def test_unknown_sort_is_refused(organiser):
    assert_invalid(organiser.get(APPLICATIONS, query_string={"sort": "name"}), "sort", "query")


def test_applications_are_paginated(organiser, catalogue):
    first = organiser.get(APPLICATIONS, query_string={"per_page": 2})
    second = organiser.get(APPLICATIONS, query_string={"per_page": 2, "page": 2})

    assert {k: v for k, v in first.json.items() if k != "items"} == {
        "page": 1,
        "per_page": 2,
        "total": 3,
    }
    assert len(first.json["items"]) == 2
    assert (second.json["page"], second.json["total"], len(second.json["items"])) == (2, 3, 1)
    assert {i["id"] for i in first.json["items"] + second.json["items"]} == {
        catalogue["a1"],
        catalogue["a2"],
        catalogue["a3"],
    }


@pytest.mark.parametrize("per_page", [0, 101])
def test_page_size_is_bounded(organiser, per_page):
    assert_invalid(
        organiser.get(APPLICATIONS, query_string={"per_page": per_page}), "per_page", "query"
    )


def test_anonymous_cannot_list_applications(anonymous):
    assert_problem(anonymous.get(APPLICATIONS), 401, "unauthenticated")


# Deciding ----------------------------------------------------------------------------------


def test_reviewer_role_may_review_and_decide(make_user, exhibitor, edition, organisation):
    reviewer = make_user(Role.REVIEWER)
    application = submitted_application(exhibitor, edition, organisation["id"])
    reviewing = start_review(reviewer, application)

    response = decide(reviewer, reviewing, "approved")

    assert response.status_code == 200, response.json
    assert response.json["status"] == "approved"


@pytest.mark.parametrize("action", ["review", "decision"])
@pytest.mark.parametrize("who", ["member", "prefecture_contact"])
def test_only_organisers_and_reviewers_review_or_decide(
    make_user, exhibitor, edition, organisation, action, who
):
    application = submitted_application(exhibitor, edition, organisation["id"])
    api = exhibitor if who == "member" else make_user(Role.PREFECTURE_CONTACT, prefecture_code=13)
    body = {"decision": "approved", "version": application["version"]}

    response = api.post(application_url(application["id"], action), json=body)

    assert_problem(response, 403, "forbidden")
    assert exhibitor.get(application_url(application["id"])).json["status"] == "submitted"


def test_decision_needs_the_version(organiser, exhibitor, edition, organisation):
    application = submitted_application(exhibitor, edition, organisation["id"])

    response = organiser.post(
        application_url(application["id"], "decision"), json={"decision": "approved"}
    )

    assert error_fields(response) == {"version"}


def test_second_decision_on_the_same_version_conflicts(
    organiser, make_user, exhibitor, edition, organisation
):
    application = submitted_application(exhibitor, edition, organisation["id"])
    first = decide(organiser, application, "waitlisted", reason="満席のため")
    assert first.status_code == 200, first.json

    second = decide(make_user(Role.REVIEWER), application, "approved")

    body = assert_problem(second, 409, "version_conflict")
    assert body["current_status"] == "waitlisted"
    assert body["current_version"] == first.json["version"]
    history = organiser.get(application_url(application["id"], "history")).json
    assert [t["to_status"] for t in history] == ["draft", "submitted", "waitlisted"]


def test_reviewers_cannot_decide_another_organisations_draft(organiser, catalogue):
    draft = {"id": catalogue["draft"], "version": 1}

    assert_problem(decide(organiser, draft, "approved"), 404, "not_found")


# Prefecture contacts -----------------------------------------------------------------------


@pytest.fixture
def recommended(organiser, exhibitor, organisation) -> dict[str, Any]:
    """A national-zone application recommended by Tokyo (13), submitted."""
    edition = open_edition(organiser, "national-zone")
    return submitted_application(exhibitor, edition, organisation["id"])


def test_prefecture_contact_reads_an_application_naming_its_prefecture(make_user, recommended):
    tokyo = make_user(Role.PREFECTURE_CONTACT, prefecture_code=13)

    response = tokyo.get(application_url(recommended["id"]))

    assert response.status_code == 200, response.json
    assert response.json["series_fields"]["recommending_prefecture_code"] == 13
    assert tokyo.get(application_url(recommended["id"], "history")).status_code == 200


def test_prefecture_contact_cannot_read_an_application_naming_another_prefecture(
    make_user, recommended
):
    osaka = make_user(Role.PREFECTURE_CONTACT, prefecture_code=27)

    assert_problem(osaka.get(application_url(recommended["id"])), 404, "not_found")


def test_prefecture_contact_cannot_read_an_unsubmitted_draft_naming_it(
    make_user, organiser, exhibitor, organisation
):
    edition = open_edition(organiser, "national-zone")
    draft = create_application(
        exhibitor, edition["id"], application_body("national-zone", organisation["id"])
    )
    tokyo = make_user(Role.PREFECTURE_CONTACT, prefecture_code=13)

    assert_problem(tokyo.get(application_url(draft["id"])), 404, "not_found")


def test_prefecture_contact_lists_only_applications_naming_its_prefecture(
    make_user, recommended, catalogue
):
    tokyo = make_user(Role.PREFECTURE_CONTACT, prefecture_code=13)
    osaka = make_user(Role.PREFECTURE_CONTACT, prefecture_code=27)

    assert ids(tokyo.get(APPLICATIONS)) == [recommended["id"]]
    assert ids(osaka.get(APPLICATIONS)) == []


def test_prefecture_contact_follows_a_changed_recommendation(make_user, exhibitor, recommended):
    osaka = make_user(Role.PREFECTURE_CONTACT, prefecture_code=27)
    moved = exhibitor.patch(
        application_url(recommended["id"]),
        json={"series_fields": {"recommending_prefecture_code": "27"}},
    )
    assert moved.status_code == 200, moved.json

    assert osaka.get(application_url(recommended["id"])).status_code == 200
