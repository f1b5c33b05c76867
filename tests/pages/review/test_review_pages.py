"""Organisers' and reviewers' pages: the editions, the dashboard, the list with the API's
filters, one application's page with the decision form (and its 409), bulk decisions, quotas."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from eventhub.accounts.models import Role
from tests.applications.helpers import (
    application_url,
    decide,
    make_organisation,
    patch_edition,
    start_review,
    submitted_application,
)
from tests.conftest import PASSWORD, Api
from tests.documents.helpers import PDF, upload
from tests.pages.conftest import Reader, text_of
from tests.passes.helpers import register

_NATIONAL_FIELDS = {
    "recommending_prefecture_code": 13,
    "prefecture_contact": {"name": "県 担当", "email": "c@pref.example.jp", "phone": "0312345678"},
    "target_buyers": ["百貨店"],
}


def _app_url(application: dict[str, Any]) -> str:
    return f"/organiser/applications/{application['id']}"


def _list_url(edition: dict[str, Any], query: str = "") -> str:
    return f"/organiser/editions/{edition['id']}/applications" + (f"?{query}" if query else "")


def _listed(response: Any) -> list[int]:
    """The application ids of the list's rows, in order."""
    assert response.status_code == 200, text_of(response)
    return [int(m) for m in re.findall(r'name="items" value="(\d+):\d+"', text_of(response))]


def _hidden(response: Any, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', text_of(response))
    assert found, f"no hidden {name}"
    return found.group(1)


# Editions and dashboard -------------------------------------------------------------------------


def test_the_index_lists_the_editions_with_their_pages(
    reviewer: Reader, edition: dict[str, Any], apply: Callable[..., Any]
) -> None:
    apply()
    page = reviewer.get("/organiser/")
    assert page.status_code == 200
    html = text_of(page)
    assert "審査する回" in html
    assert f'href="/organiser/editions/{edition["id"]}"' in html
    assert f'href="/organiser/editions/{edition["id"]}/applications"' in html
    assert re.search(r'class="number">1</td>', html)  # one submitted application


def test_the_dashboard_counts_statuses_units_waitlist_and_registrations(
    organiser: Api,
    organiser_reader: Reader,
    reviewer: Reader,
    edition: dict[str, Any],
    apply: Callable[..., Any],
) -> None:
    patch_edition(organiser, edition["id"], booth_capacity=10)
    approved, waitlisted, _waiting = apply(), apply(booth_units=3), apply()
    assert decide(organiser, approved, "approved").status_code == 200
    assert decide(organiser, waitlisted, "waitlisted", reason="満員").status_code == 200
    register(organiser, edition["id"])

    page = organiser_reader.get(f"/organiser/editions/{edition['id']}")
    assert page.status_code == 200
    html = text_of(page)
    assert "状態別の申込" in html
    statuses = re.findall(r'status=(\w+)">[^<]+</a>\s*<p class="figure">(\d+)</p>', html)
    assert statuses == [("submitted", "1"), ("approved", "1"), ("waitlisted", "1")]
    assert "<dt>総小間数</dt><dd>10</dd>" in html
    assert "<dd>2</dd>" in html  # held by the approved one (2 units)
    assert "<dt>空き</dt><dd>8</dd>" in html
    assert "キャンセル待ち 1 件、繰り上げ案内中 0 件" in html
    assert "来場事前登録 1 人" in html
    # The gate's live figures refresh in place, for organisers (the API's figures role).
    assert 'id="live-figures"' in html
    assert f'data-refresh="/organiser/editions/{edition["id"]}"' in html
    assert 'id="live-figures"' not in text_of(reviewer.get(f"/organiser/editions/{edition['id']}"))


# The list ---------------------------------------------------------------------------------------


def test_the_list_filters_sorts_and_pages_as_the_api(
    organiser: Api, reviewer: Reader, edition: dict[str, Any], apply: Callable[..., Any]
) -> None:
    tokyo = [apply(prefecture=13) for _ in range(3)]
    osaka = apply(prefecture=27)
    decide(organiser, tokyo[0], "approved")
    ids = [a["id"] for a in [*tokyo, osaka]]

    assert _listed(reviewer.get(_list_url(edition))) == ids
    assert _listed(reviewer.get(_list_url(edition, "sort=-submitted_at"))) == ids[::-1]
    assert _listed(reviewer.get(_list_url(edition, "prefecture_code=27"))) == [osaka["id"]]
    assert _listed(reviewer.get(_list_url(edition, "status=approved"))) == [tokyo[0]["id"]]
    first = reviewer.get(_list_url(edition, "per_page=3&prefecture_code=&sort=submitted_at"))
    assert _listed(first) == ids[:3]
    assert "2ページ中1ページ目" in text_of(first)
    assert "申込 4 件" in text_of(first)
    following = re.search(r'href="([^"]+)" rel="next"', text_of(first))
    assert following, "no link to the next page"
    next_url = following.group(1).replace("&amp;", "&")
    assert "per_page=3" in next_url  # the filters are kept
    assert "page=2" in next_url
    assert _listed(reviewer.get(next_url)) == ids[3:]
    # The same as the API's list.
    api = organiser.get(f"/api/v1/applications?edition_id={edition['id']}&sort=-submitted_at")
    assert [a["id"] for a in api.json["items"]] == ids[::-1]


def test_a_bad_filter_is_named_next_to_its_field(reviewer: Reader, edition: dict[str, Any]) -> None:
    page = reviewer.get(_list_url(edition, "status=bogus&per_page=1000"))
    assert page.status_code == 422
    html = text_of(page)
    assert 'id="f-status-error"' in html
    assert 'id="f-per_page-error"' in html
    assert "選択肢から選んでください" in html


# One application and its decision ---------------------------------------------------------------


def test_the_application_page_shows_history_and_records_a_decision(
    organiser: Api, reviewer: Reader, apply: Callable[..., Any], exhibitor: Api
) -> None:
    application = apply()
    page = reviewer.get(_app_url(application))
    assert page.status_code == 200
    html = text_of(page)
    assert "株式会社審査1" in html
    assert "提出書類はありません" in html
    assert '<dt>推薦都道府県</dt><dd class="prewrap">東京都</dd>' in html  # series fields
    assert '<dt>対象とするバイヤー</dt><dd class="prewrap">百貨店</dd>' in html
    assert "通常小間 × 2 小間" in html
    assert "受付済み（審査待ち）" in html  # the history's last step
    assert _hidden(page, "version") == str(application["version"])

    refused = reviewer.submit(
        _app_url(application), {"decision": "rejected", "version": _hidden(page, "version")}
    )
    assert refused.status_code == 422
    assert 'id="f-reason-error"' in text_of(refused)

    done = reviewer.submit(
        _app_url(application),
        {"decision": "approved", "reason": "", "version": _hidden(page, "version")},
    )
    assert done.status_code == 303
    assert exhibitor.get(application_url(application["id"])).json["status"] == "approved"
    after = text_of(reviewer.get(_app_url(application)))
    assert "審査結果を登録し、出展者に通知しました" in after
    assert "現在の状態からは決定できません" not in after  # an approved one shows why not
    assert "出展決定" in after


def test_start_review_from_the_page(reviewer: Reader, apply: Callable[..., Any], exhibitor: Api):
    application = apply()
    url = f"/organiser/applications/{application['id']}/review"
    response = reviewer.submit(
        url, {"version": application["version"]}, form_at=_app_url(application)
    )
    assert response.status_code == 303
    assert exhibitor.get(application_url(application["id"])).json["status"] == "under_review"
    assert "審査を開始しました" in text_of(reviewer.get(_app_url(application)))


def test_a_second_reviewer_gets_409_with_what_changed_and_decides_again(
    make_reader: Callable[..., Reader], apply: Callable[..., Any], exhibitor: Api
) -> None:
    first, second = make_reader(Role.REVIEWER), make_reader(Role.REVIEWER)
    application = apply()
    url = _app_url(application)
    seen = second.get(url)  # the second reviewer opens the form first
    version, steps = _hidden(seen, "version"), _hidden(seen, "seen_steps")

    won = first.submit(url, {"decision": "waitlisted", "reason": "小間が不足", "version": version})
    assert won.status_code == 303

    token = _hidden(seen, "csrf_token")
    late = second.client.post(
        url,
        data={
            "csrf_token": token,
            "decision": "approved",
            "reason": "良い出展",
            "version": version,
            "seen_steps": steps,
        },
    )
    assert late.status_code == 409
    html = text_of(late)
    assert "他の審査者が先に決定しました" in html
    assert "小間が不足" in html  # the first reviewer's reason, in what changed
    assert "キャンセル待ち" in html
    assert _hidden(late, "version") != version  # the form now carries the new version
    assert 'value="approved" selected' in html  # and what the reviewer chose
    assert exhibitor.get(application_url(application["id"])).json["status"] == "waitlisted"

    again = second.client.post(
        url,
        data={
            "csrf_token": token,
            "decision": "approved",
            "version": _hidden(late, "version"),
            "seen_steps": _hidden(late, "seen_steps"),
        },
    )
    assert again.status_code == 303
    assert exhibitor.get(application_url(application["id"])).json["status"] == "approved"


def test_a_409_on_an_application_that_can_no_longer_be_decided_says_so(
    make_reader: Callable[..., Reader], apply: Callable[..., Any]
) -> None:
    first, second = make_reader(Role.REVIEWER), make_reader(Role.ORGANISER)
    application = apply()
    seen = second.get(_app_url(application))
    rejected = first.submit(
        _app_url(application),
        {"decision": "rejected", "reason": "対象外", "version": application["version"]},
    )
    assert rejected.status_code == 303
    late = second.submit(
        _app_url(application),
        {"decision": "approved", "version": _hidden(seen, "version"), "seen_steps": "2"},
    )
    assert late.status_code == 409
    html = text_of(late)
    assert "現在の状態からは決定できません" in html
    assert "不採択" in html
    assert 'name="seen_steps"' not in html  # no form to send again


def test_deciding_without_the_csrf_token_is_refused(
    reviewer: Reader, apply: Callable[..., Any], exhibitor: Api
) -> None:
    application = apply()
    response = reviewer.client.post(
        _app_url(application), data={"decision": "approved", "version": application["version"]}
    )
    assert response.status_code == 400
    assert exhibitor.get(application_url(application["id"])).json["status"] == "submitted"


# Bulk decisions ---------------------------------------------------------------------------------


def test_bulk_decisions_show_each_result(
    organiser: Api, reviewer: Reader, edition: dict[str, Any], apply: Callable[..., Any]
) -> None:
    fine, stale, rejected = apply(), apply(), apply()
    page = reviewer.get(_list_url(edition))
    assert _listed(page) == [fine["id"], stale["id"], rejected["id"]]
    # Meanwhile: one is taken into review (its version moves), one is rejected.
    start_review(organiser, stale)
    decide(organiser, rejected, "rejected", reason="対象外")
    response = reviewer.client.post(
        _list_url(edition),
        data={
            "csrf_token": _hidden(page, "csrf_token"),
            "items": [f"{a['id']}:{a['version']}" for a in (fine, stale)]
            + [f"{rejected['id']}:{rejected['version'] + 1}"],
            "decision": "waitlisted",
            "reason": "空き待ち",
        },
    )
    assert response.status_code == 200
    html = text_of(response)
    rows = re.findall(r'<tr class="result-(ok|refused)">\s*<td><a[^>]*>#(\d+)</a>', html)
    assert rows == [
        ("ok", str(fine["id"])),
        ("refused", str(stale["id"])),
        ("refused", str(rejected["id"])),
    ]
    assert "他の人が先に変更しました" in html  # the stale one's version_conflict
    assert "「不採択」の申込は審査結果を決定できません" in html  # the rejected one's
    statuses = {
        a["id"]: organiser.get(application_url(a["id"])).json["status"]
        for a in (fine, stale, rejected)
    }
    assert statuses == {
        fine["id"]: "waitlisted",
        stale["id"]: "under_review",
        rejected["id"]: "rejected",
    }


def test_bulk_needs_a_reason_to_waitlist_and_a_ticked_row(
    reviewer: Reader, edition: dict[str, Any], apply: Callable[..., Any], exhibitor: Api
) -> None:
    application = apply()
    item = f"{application['id']}:{application['version']}"
    no_reason = reviewer.submit(
        _list_url(edition), {"items": item, "decision": "rejected"}, form_at=_list_url(edition)
    )
    assert no_reason.status_code == 422
    assert 'id="f-reason-error"' in text_of(no_reason)
    nothing = reviewer.submit(_list_url(edition), {"decision": "approved"})
    assert nothing.status_code == 422
    assert "申込を1件以上選んでください" in text_of(nothing)
    assert exhibitor.get(application_url(application["id"])).json["status"] == "submitted"


# Quotas -----------------------------------------------------------------------------------------


def test_organisers_set_quotas_and_reviewers_see_them(
    organiser_reader: Reader, reviewer: Reader, edition: dict[str, Any], organiser: Api
) -> None:
    url = f"/organiser/editions/{edition['id']}/quotas"
    saved = organiser_reader.submit(url, {"prefecture_code": "13", "max_endorsements": "2"})
    assert saved.status_code == 303
    listed = organiser.get(f"/api/v1/editions/{edition['id']}/prefecture-quotas").json
    assert listed == [{"prefecture_code": 13, "max_endorsements": 2, "used": 0}]
    page = text_of(reviewer.get(url))
    assert "東京都" in page
    assert "推薦枠の設定" not in page  # only organisers set them
    bad = organiser_reader.submit(url, {"prefecture_code": "99", "max_endorsements": "-1"})
    assert bad.status_code == 422
    assert 'id="f-prefecture_code-error"' in text_of(bad)
    assert 'id="f-max_endorsements-error"' in text_of(bad)
    refused = reviewer.submit(url, {"prefecture_code": "13", "max_endorsements": "5"})
    assert refused.status_code == 403
    assert (
        organiser.get(f"/api/v1/editions/{edition['id']}/prefecture-quotas").json[0][
            "max_endorsements"
        ]
        == 2
    )


# Who may see what -------------------------------------------------------------------------------


def test_an_exhibitor_gets_403_and_a_visitor_the_login_page(
    make_reader: Callable[..., Reader],
    visitor: Reader,
    edition: dict[str, Any],
    apply: Callable[..., Any],
) -> None:
    application = apply()
    exhibitor = make_reader()
    urls = [
        "/organiser/",
        f"/organiser/editions/{edition['id']}",
        _list_url(edition),
        _app_url(application),
        f"/organiser/editions/{edition['id']}/quotas",
    ]
    for url in urls:
        assert exhibitor.get(url).status_code == 403, url
        anonymous = visitor.get(url)
        assert anonymous.status_code == 302, url
        assert anonymous.headers["Location"].startswith("/login?next=")


def test_an_unknown_application_or_edition_is_404(reviewer: Reader) -> None:
    assert reviewer.get("/organiser/applications/999999").status_code == 404
    assert reviewer.get("/organiser/editions/999999").status_code == 404


def test_the_list_costs_the_same_statements_for_3_or_25_applications(
    reviewer: Reader,
    edition: dict[str, Any],
    apply: Callable[..., Any],
    count_queries: Callable[..., Any],
) -> None:
    url = _list_url(edition, "per_page=100")
    for _ in range(3):
        apply()
    reviewer.get(url)  # warm: the reader's session and catalogues
    with count_queries() as few:
        assert len(_listed(reviewer.get(url))) == 3
    for _ in range(22):
        apply()
    with count_queries() as many:
        assert len(_listed(reviewer.get(url))) == 25
    assert many.count == few.count, f"{few}\n---\n{many}"
    assert few.count <= 8, str(few)


def test_documents_are_listed_and_downloaded_from_the_page(
    app: Any,
    tmp_path: Any,
    monkeypatch: Any,
    reviewer: Reader,
    apply: Callable[..., Any],
    exhibitor: Api,
) -> None:
    monkeypatch.setitem(app.config, "EVENTHUB_UPLOAD_DIR", tmp_path)
    application = apply()
    uploaded = upload(exhibitor, application["id"], filename="会社案内.pdf")
    assert uploaded.status_code == 201, uploaded.json
    page = text_of(reviewer.get(_app_url(application)))
    link = f"/organiser/applications/{application['id']}/documents/{uploaded.json['id']}"
    assert f'href="{link}">会社案内.pdf</a>' in page
    download = reviewer.get(link)
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert reviewer.get(link[:-1] + "9").status_code == 404


def test_the_pages_read_in_english_after_the_switch(
    make_reader: Callable[..., Reader], edition: dict[str, Any], apply: Callable[..., Any]
) -> None:
    reader = make_reader(Role.REVIEWER, locale="en")
    reader.submit("/language", {"locale": "en", "next": "/organiser/"}, form_at="/organiser/")
    application = apply()
    html = text_of(reader.get(_app_url(application)))
    assert '<html lang="en">' in html
    assert "Record the decision" in html
    assert "Received, awaiting review" in html
    listing = text_of(reader.get(_list_url(edition)))
    assert "Tokyo" in listing
    assert "Submitted, oldest first" in listing


# Conflict of interest ---------------------------------------------------------------------------


def _api_of(reader: Reader, client: Any) -> Api:
    """An API client for the reader's own account (to apply as exhibitors do)."""
    response = client.post("/api/v1/auth/login", json={"email": reader.email, "password": PASSWORD})
    assert response.status_code == 201, response.json
    return Api(client, response.json["token"], reader.user_id)


def test_a_reviewer_is_refused_their_own_organisations_application_on_the_pages(
    reviewer: Reader, edition: dict[str, Any], organiser: Api
) -> None:
    insider = _api_of(reviewer, organiser.client)
    organisation = make_organisation(insider, name="株式会社身内")
    own = submitted_application(
        insider, edition, organisation["id"], series_fields=_NATIONAL_FIELDS
    )
    page = reviewer.get(_app_url(own))
    refused = reviewer.submit(
        _app_url(own), {"decision": "approved", "reason": "", "version": _hidden(page, "version")}
    )
    assert refused.status_code == 403
    assert "申込団体のメンバーのため" in text_of(refused)

    listed = reviewer.get(_list_url(edition))
    bulk = reviewer.client.post(
        _list_url(edition),
        data={
            "csrf_token": _hidden(listed, "csrf_token"),
            "items": [f"{own['id']}:{own['version']}"],
            "decision": "approved",
            "reason": "",
        },
    )
    assert bulk.status_code == 200
    assert '<tr class="result-refused">' in text_of(bulk)
    assert "申込団体のメンバーのため" in text_of(bulk)
    assert organiser.get(application_url(own["id"])).json["status"] == "submitted"
