"""An organiser in a real browser: allocates booths on the map by clicking and with the
keyboard, previews and applies the grouped proposal, starts a recount and a report build and
watches the progress bar refresh; every page passes axe-core and leaves a screenshot."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from eventhub.accounts.models import Role
from eventhub.extensions import db
from eventhub.reports.models import ReportBuild
from tests.booths.helpers import approved_application, make_booths, open_edition
from tests.conftest import PASSWORD, Api
from tests.passes.helpers import register


def _api(live_server: Any, *roles: Role, email: str) -> Api:
    user_id = live_server.create_user(*roles, email=email)
    client = live_server.app.test_client()
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.json
    return Api(client, response.json["token"], user_id)


def _floor(live_server: Any) -> dict[str, Any]:
    organiser = _api(live_server, Role.ORGANISER, email="organiser@example.jp")
    exhibitor = _api(live_server, email="exhibitor@example.jp")
    edition = open_edition(organiser)
    booths = make_booths(
        organiser,
        edition["id"],
        {"code": "A-1", "zone": "A", "units": 2},
        {"code": "A-2", "zone": "A", "units": 1},
        {"code": "B-1", "zone": "B", "units": 1, "is_corner": True},
        {"code": "B-2", "zone": "B", "units": 2},
    )
    apps = {
        name: approved_application(organiser, exhibitor, edition, units=units, prefecture_code=code)
        for name, units, code in (("kyoto", 1, 26), ("tokyo", 2, 13), ("osaka", 2, 27))
    }
    return {"edition": edition, "booths": {b["code"]: b["id"] for b in booths}, **apps}


def _log_in(page: Page, url: str, email: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()


def test_an_organiser_allocates_booths_on_the_map_and_follows_a_report_build(
    page: Page, live_server: Any, axe_check: Any, screenshot: Any
) -> None:
    floor = _floor(live_server)
    edition_id = floor["edition"]["id"]
    base = f"{live_server.url}/organiser/editions/{edition_id}"
    _log_in(page, live_server.url, "organiser@example.jp")

    page.goto(f"{base}/booths")
    expect(page.get_by_role("heading", name="小間配置図")).to_be_visible()
    axe_check(page, name="booth map")

    # By clicking: choose the application, click the free booth on the map.
    page.get_by_label("割り当て先の申込").select_option(
        label="株式会社木工26 — 1 小間中 0 小間割当済"
    )
    page.locator(f"#map-booth-{floor['booths']['A-2']}").click()
    expect(page.get_by_role("status").filter(has_text="小間 A-2 を 株式会社木工26")).to_be_visible()
    expect(page.locator(f"#map-booth-{floor['booths']['A-2']}")).to_have_attribute(
        "data-state", "allocated"
    )

    # With the keyboard: the booths are buttons in the tab order; Enter allocates.
    page.get_by_label("割り当て先の申込").select_option(
        label="株式会社木工13 — 2 小間中 0 小間割当済"
    )
    booth = page.locator(f"#map-booth-{floor['booths']['A-1']}")
    expect(booth).to_have_attribute("role", "button")
    expect(booth).to_have_attribute("tabindex", "0")
    booth.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="小間 A-1 を 株式会社木工13")).to_be_visible()

    # A taken booth answers with a clear conflict, and nothing changes.
    page.get_by_label("割り当て先の申込").select_option(
        label="株式会社木工27 — 2 小間中 0 小間割当済"
    )
    page.get_by_role("button", name="A-1", exact=False).first.focus()
    page.keyboard.press("Enter")  # an allocated booth: focus goes to its release button
    expect(page.get_by_role("button", name="A-1 の割り当てを解除")).to_be_focused()

    # The grouped proposal: previewed on the map, then applied.
    page.get_by_label("グループ分けの基準").select_option("prefecture")
    page.get_by_role("button", name="割り当て案をプレビュー").click()
    expect(page.get_by_role("heading", name="割り当て案のプレビュー")).to_be_visible()
    expect(page.locator(f"#map-booth-{floor['booths']['B-2']}")).to_have_attribute(
        "data-state", "proposed"
    )
    axe_check(page, name="booth map with a proposal")
    screenshot(page, "organiser-booth-map-proposal")
    page.get_by_role("button", name="この案で割り当てる").click()
    expect(page.get_by_role("status").filter(has_text="割り当て案を適用しました")).to_be_visible()
    expect(page.locator(f"#map-booth-{floor['booths']['B-2']}")).to_have_attribute(
        "data-state", "allocated"
    )
    screenshot(page, "organiser-booth-map")

    # Figures: a recount, then a report build followed by its progress bar.
    page.goto(f"{base}/figures")
    axe_check(page, name="figures")
    page.get_by_role("button", name="全件を再集計する").click()
    expect(page.get_by_role("status").filter(has_text="再集計を開始")).to_be_visible()
    with live_server.app.app_context():
        build = ReportBuild(fiscal_year=2027, status="running", progress_done=3, progress_total=8)
        db.session.add(build)
        db.session.commit()
        build_id = build.id
    page.reload()
    bar = page.locator(f"#build-progress-{build_id}")
    expect(bar).to_have_attribute("value", "3")
    expect(bar).to_have_attribute("max", "8")
    axe_check(page, name="figures with a build under way")
    screenshot(page, "organiser-figures")
    with live_server.app.app_context():
        running = db.session.get(ReportBuild, build_id)
        assert running is not None
        running.progress_done = 8
        running.status = "done"
        db.session.commit()
    # The section refreshes itself: no reload.
    expect(page.locator("#figures-live")).to_contain_text("完了", timeout=15_000)
    expect(bar).to_have_count(0)


def test_the_timetable_exports_and_users_pages(
    page: Page, live_server: Any, axe_check: Any, screenshot: Any
) -> None:
    floor = _floor(live_server)
    base = f"{live_server.url}/organiser/editions/{floor['edition']['id']}"
    _log_in(page, live_server.url, "organiser@example.jp")

    page.goto(f"{base}/timetable")
    page.get_by_label("種類").select_option("hands_on")
    page.get_by_label("タイトル（日本語）").first.fill("木工ろくろ体験")
    page.get_by_label("開始日時").first.fill("2027-10-28T11:00")
    page.get_by_label("終了日時").first.fill("2027-10-28T10:00")
    page.get_by_role("button", name="プログラムを追加する").click()
    expect(page.locator("#f-ends_at-error")).to_be_visible()
    axe_check(page, name="timetable with errors")
    page.get_by_label("終了日時").first.fill("2027-10-28T12:00")
    page.get_by_role("button", name="プログラムを追加する").click()
    expect(page.locator("#f-seats-error")).to_contain_text("定員")  # hands-on needs seats
    page.get_by_label("定員").fill("12")
    page.get_by_role("button", name="プログラムを追加する").click()
    expect(page.get_by_role("cell", name="木工ろくろ体験", exact=True)).to_be_visible()
    axe_check(page, name="timetable")
    screenshot(page, "organiser-timetable")

    page.goto(f"{base}/exports")
    axe_check(page, name="exports")
    screenshot(page, "organiser-exports")
    with page.expect_download() as download:
        page.get_by_role("button", name="ダウンロード").click()
    assert download.value.suggested_filename.endswith(".csv")

    page.goto(f"{live_server.url}/organiser/users")
    axe_check(page, name="users")
    page.get_by_role("link", name="ブラウザ 利用者").nth(1).click()
    page.get_by_role("combobox", name="役割").select_option("prefecture_contact")
    page.get_by_role("button", name="役割を付与する").click()
    expect(page.locator("#f-prefecture_code-error")).to_be_visible()
    page.get_by_role("combobox", name="都道府県").select_option("26")
    page.get_by_role("button", name="役割を付与する").click()
    expect(page.get_by_text("都道府県担当者 (京都府)")).to_be_visible()
    axe_check(page, name="a user's roles")
    screenshot(page, "organiser-users")

    page.goto(f"{live_server.url}/organiser/editions/new")
    axe_check(page, name="new edition")


def test_an_organiser_erases_an_attendee_and_finds_it_in_the_audit_log(
    page: Page, live_server: Any, axe_check: Any, screenshot: Any
) -> None:
    organiser = _api(live_server, Role.ORGANISER, email="organiser@example.jp")
    edition = open_edition(organiser)
    register(Api(organiser.client), edition["id"], name="消去 される", email="erase-me@example.jp")
    _log_in(page, live_server.url, "organiser@example.jp")

    page.goto(f"{live_server.url}/organiser/editions/{edition['id']}/registrations")
    axe_check(page, name="registrations")
    page.get_by_role("link", name="消去 される さんの個人情報を消去…").click()
    axe_check(page, name="erasure confirmation")
    page.get_by_role("button", name="個人情報を消去する").click()
    expect(page.get_by_text("来場者の個人情報を消去しました。")).to_be_visible()
    expect(page.get_by_role("cell", name="消去 される")).to_have_count(0)

    page.get_by_role("link", name="操作記録").click()
    expect(page.get_by_role("heading", name="操作記録")).to_be_visible()
    expect(page.get_by_role("cell", name="来場者の個人情報の消去")).to_be_visible()
    page.get_by_label("操作", exact=True).select_option("registration.erased")
    page.get_by_role("button", name="絞り込む").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    axe_check(page, name="audit log")
    screenshot(page, "organiser-audit-log")
