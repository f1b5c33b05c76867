"""A reviewer decides; a second reviewer, who opened the form before, meets the 409 and decides
again; a prefecture contact endorses. Every page is checked with axe-core."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from eventhub.accounts.models import Role
from tests.applications.helpers import (
    application_url,
    make_organisation,
    open_edition,
    series_fields,
    submitted_application,
)
from tests.conftest import PASSWORD, Api


def _api(live_server: Any, *roles: Role, email: str) -> Api:
    live_server.create_user(*roles, email=email)
    client = live_server.app.test_client()
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.json
    return Api(client, response.json["token"])


def _log_in(page: Page, url: str, email: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()


def test_reviewers_decide_with_a_409_and_a_prefecture_contact_endorses(
    page: Page,
    browser: Browser,
    browser_context_args: dict[str, Any],
    live_server: Any,
    axe_check: Any,
    screenshot: Any,
) -> None:
    url = live_server.url
    organiser = _api(live_server, Role.ORGANISER, email="organiser@example.jp")
    exhibitor = _api(live_server, email="exhibitor@example.jp")
    edition = open_edition(organiser, "national-zone", booth_capacity=20)
    organisation = make_organisation(exhibitor, name="株式会社江戸切子工房")
    application = submitted_application(exhibitor, edition, organisation["id"])
    other = make_organisation(exhibitor, name="株式会社浪速金属", prefecture_code=27)
    osaka = {**series_fields("national-zone"), "recommending_prefecture_code": 27}
    submitted_application(exhibitor, edition, other["id"], series_fields=osaka)
    put = organiser.put(
        f"/api/v1/editions/{edition['id']}/prefecture-quotas/13", json={"max_endorsements": 1}
    )
    assert put.status_code == 200, put.json
    live_server.create_user(Role.REVIEWER, email="first@example.jp")
    live_server.create_user(Role.REVIEWER, email="second@example.jp")
    live_server.create_user(Role.PREFECTURE_CONTACT, email="tokyo@example.jp", prefecture_code=13)

    # The second reviewer opens the application's form first, in a browser of their own.
    second_context = browser.new_context(**browser_context_args)
    try:
        second = second_context.new_page()
        _log_in(second, url, "second@example.jp")
        second.goto(f"{url}/organiser/applications/{application['id']}")
        second.get_by_role("combobox", name="審査結果").select_option("approved")

        # The first reviewer goes from the editions to the dashboard, the list, the application.
        _log_in(page, url, "first@example.jp")
        expect(page.get_by_role("heading", name="審査する回")).to_be_visible()
        axe_check(page, name="organiser index")
        page.get_by_role("link", name=edition["title_ja"]).click()
        expect(page.get_by_role("heading", name="ダッシュボード")).to_be_visible()
        axe_check(page, name="dashboard")
        screenshot(page, "review-dashboard")
        page.locator(".edition-tabs").get_by_role("link", name="出展申込一覧").click()
        expect(page.get_by_role("heading", name="出展申込一覧")).to_be_visible()
        expect(page.get_by_role("link", name="株式会社浪速金属")).to_be_visible()
        axe_check(page, name="application list")
        screenshot(page, "review-list")
        page.get_by_label("出展者の所在都道府県").select_option("13")
        page.get_by_role("button", name="表示").click()
        expect(page.get_by_role("link", name="株式会社浪速金属")).to_have_count(0)
        page.get_by_role("link", name="株式会社江戸切子工房").click()
        expect(page.get_by_role("heading", name="履歴")).to_be_visible()
        axe_check(page, name="application page")
        screenshot(page, "review-application")
        page.get_by_role("combobox", name="審査結果").select_option("waitlisted")
        page.get_by_label("出展者への理由").fill("小間数が上限に達したため")
        page.get_by_role("button", name="審査結果を登録").click()
        expect(page.get_by_role("status")).to_contain_text("審査結果を登録し")

        # The second reviewer sends the form they loaded before: 409, with what changed.
        second.get_by_role("button", name="審査結果を登録").click()
        conflict = second.get_by_role("alert").filter(has_text="他の審査者が先に決定しました")
        expect(conflict).to_be_visible()
        expect(conflict).to_contain_text("小間数が上限に達したため")
        axe_check(second, name="409 page")
        screenshot(second, "review-conflict")
        # ... and decides again, on the version now shown.
        expect(second.get_by_role("combobox", name="審査結果")).to_have_value("approved")
        second.get_by_role("button", name="審査結果を登録").click()
        expect(second.get_by_role("status")).to_contain_text("審査結果を登録し")
    finally:
        second_context.close()
    assert organiser.get(application_url(application["id"])).json["status"] == "approved"

    page.goto(f"{url}/organiser/editions/{edition['id']}/quotas")
    axe_check(page, name="quotas page")

    # The prefecture contact endorses, within the quota.
    page.get_by_role("button", name="ログアウト").click()
    _log_in(page, url, "tokyo@example.jp")
    expect(page.get_by_role("heading", name="都道府県推薦")).to_be_visible()
    expect(page.get_by_text("株式会社浪速金属")).to_have_count(0)
    axe_check(page, name="prefecture page")
    page.get_by_role("button", name="株式会社江戸切子工房を推薦する").click()
    expect(page.get_by_role("status")).to_contain_text("申込を推薦しました")
    expect(page.locator(".quota-left")).to_have_text("0")
    axe_check(page, name="prefecture page, endorsed")
    screenshot(page, "prefecture-endorsed")
    assert organiser.get(application_url(application["id"])).json["endorsed"] is True
