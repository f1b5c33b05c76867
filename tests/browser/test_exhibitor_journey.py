"""An exhibitor's journey through the pages: signs up and confirms the address from the mailed
link, registers an organisation, applies to each of the three series, uploads a document,
submits, and opens the application from the mailed link."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from eventhub.accounts.models import Role
from eventhub.extensions import db
from eventhub.notifications.models import OutgoingMail
from tests.accounts.helpers import mailed_token, mails_to
from tests.applications.helpers import open_edition
from tests.conftest import PASSWORD, Api

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _open_editions(live_server: Any) -> dict[str, dict[str, Any]]:
    """One open edition per series, made through the API as an organiser would."""
    live_server.create_user(Role.ORGANISER, email="organiser@example.jp")
    client = live_server.app.test_client()
    login = client.post(
        "/api/v1/auth/login", json={"email": "organiser@example.jp", "password": PASSWORD}
    )
    organiser = Api(client, login.json["token"])
    titles = {
        "national-zone": "産業交流展2027 全国ゾーン",
        "takumi": "匠の祭典2027",
        "mokucolle": "モクコレ2027",
    }
    return {
        slug: open_edition(organiser, slug, title_ja=title, title_en=f"{slug} 2027")
        for slug, title in titles.items()
    }


def _fill_common(page: Page, industry: str) -> None:
    page.locator("#f-contact_name").fill("山田 太郎")
    page.locator("#f-contact_name_kana").fill("ヤマダ タロウ")
    page.locator("#f-contact_email").fill("taro@example.jp")
    page.locator("#f-contact_phone").fill("03-1234-5678")
    page.locator("#f-summary_ja").fill("伝統の技を生かした製品を展示します。")
    page.locator("#f-industry_category").select_option(industry)
    page.locator("#f-booth_type").select_option("standard")
    page.locator("#f-booth_units").fill("2")
    page.locator("#f-accept_terms").check()


def _fill_series(page: Page, series: str) -> None:
    if series == "national-zone":
        page.locator("#f-series_fields-recommending_prefecture_code").select_option("13")
        page.locator("#f-series_fields-prefecture_contact-name").fill("東京 花子")
        page.locator("#f-series_fields-prefecture_contact-email").fill("hanako@pref.example.jp")
        page.locator("#f-series_fields-prefecture_contact-phone").fill("03-5321-1111")
        page.locator("#f-series_fields-target_buyers-1").fill("百貨店")
    elif series == "takumi":
        page.locator("#f-series_fields-craft").fill("江戸切子")
        page.locator("#f-series_fields-demonstration").check()
        page.locator("#f-series_fields-demonstration_description").fill("カット実演を1日3回")
        page.locator("#f-series_fields-hands_on-0-title").fill("切子のグラス作り")
        page.locator("#f-series_fields-hands_on-0-duration_minutes").fill("60")
        page.locator("#f-series_fields-hands_on-0-seats_per_slot").fill("8")
    else:
        page.locator("#f-series_fields-timber_species-1").fill("スギ")
        page.get_by_role("checkbox", name="静岡県").check()
        page.get_by_role("checkbox", name="家具").check()
        page.get_by_role("checkbox", name="FSC").check()


def test_exhibitor_applies_to_each_series(
    page: Page, live_server: Any, axe_check: Any, screenshot: Any
) -> None:
    editions = _open_editions(live_server)
    # Sign up, and confirm the address from the link in the mail eventhub sent.
    page.goto(f"{live_server.url}/signup")
    page.get_by_label("メールアドレス").fill("yamada@example.jp")
    page.get_by_label("お名前").fill("山田 太郎")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="アカウントを作成").click()
    expect(page.get_by_role("status")).to_contain_text("yamada@example.jp")
    token = mailed_token(live_server.app, "yamada@example.jp", "/account/verify/")
    link = f"{live_server.url}/account/verify/{token}"
    assert any(link in body for _, body in mails_to(live_server.app, "yamada@example.jp"))
    page.goto(link)
    page.get_by_role("button", name="メールアドレスを確認する").click()
    expect(page.get_by_role("status")).to_contain_text("確認が完了しました")

    page.goto(f"{live_server.url}/login")
    page.get_by_label("メールアドレス").fill("yamada@example.jp")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(f"{live_server.url}/my/")  # an exhibitor lands on the dashboard
    axe_check(page, name="dashboard, no organisation")

    # Register the organisation; a wrong 法人番号 is named at its field first.
    page.get_by_role("link", name="組織を登録").first.click()
    axe_check(page, name="organisation form")
    page.locator("#f-name").fill("株式会社山田製作所")
    page.locator("#f-name_kana").fill("やまだせいさくしょ")
    page.locator("#f-corporate_number").fill("1234567890123")
    page.locator("#f-kind").select_option("company")
    page.locator("#f-postal_code").fill("100-0001")
    page.locator("#f-prefecture_code").select_option("13")
    page.locator("#f-address").fill("千代田区千代田1-1")
    page.locator("#f-phone").fill("03-1234-5678")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#f-corporate_number-error")).to_be_visible()
    axe_check(page, name="organisation form refused")
    page.locator("#f-corporate_number").fill("7000012050002")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="株式会社山田製作所")).to_be_visible()
    expect(page.get_by_text("ヤマダセイサクショ")).to_be_visible()
    axe_check(page, name="organisation page")

    industries = {"national-zone": "food", "takumi": "crafts", "mokucolle": "timber"}
    application_ids = {}
    for series, edition in editions.items():
        page.goto(f"{live_server.url}/my/")
        page.get_by_role("link", name=f"申し込む: {edition['title_ja']}").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(edition["title_ja"])
        axe_check(page, name=f"{series} form")
        _fill_common(page, industries[series])
        _fill_series(page, series)
        screenshot(page, f"exhibitor-form-{series}")
        # By keyboard: the form is used without a mouse as well.
        page.get_by_role("button", name="下書き保存").press("Enter")
        expect(page.get_by_text("下書きを保存しました。")).to_be_visible()
        application_ids[series] = int(page.url.rsplit("/", 1)[1])

        # A catalogue, then the submission.
        page.get_by_label("資料の種類").select_option("catalogue")
        page.get_by_label("ファイル").set_input_files(
            files=[{"name": "カタログ.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        page.get_by_role("button", name="アップロード").click()
        expect(page.get_by_role("link", name="カタログ.pdf")).to_be_visible()
        page.get_by_role("button", name="申込を提出").click()
        expect(page.get_by_text("申込を提出しました。")).to_be_visible()
        expect(page.locator(".status").first).to_have_text("受付済み（審査待ち）")
        axe_check(page, name=f"{series} application page")

    page.goto(f"{live_server.url}/my/")
    for edition in editions.values():
        expect(page.get_by_role("link", name=edition["title_ja"]).first).to_be_visible()
    axe_check(page, name="dashboard with applications")
    screenshot(page, "exhibitor-dashboard")

    # The receipt mail's link opens the application page.
    takumi_id = application_ids["takumi"]
    with live_server.app.app_context():
        bodies = db.session.scalars(
            sa.select(OutgoingMail.body_text).where(
                OutgoingMail.dedupe_key.like(f"application:{takumi_id}:submitted:%")
            )
        ).all()
    assert len(bodies) == 1
    link = re.search(r"https?://\S+/applications/\d+", bodies[0])
    assert link is not None
    assert link.group(0) == f"{live_server.url}/applications/{takumi_id}"
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"申込番号 {takumi_id}")
    expect(page.get_by_role("link", name="カタログ.pdf")).to_be_visible()
    axe_check(page, name="application page from the mail")
    screenshot(page, "exhibitor-application")


def test_mail_link_read_while_logged_out_comes_back_after_login(
    page: Page, live_server: Any
) -> None:
    editions = _open_editions(live_server)
    live_server.create_user(email="sato@example.jp")
    client = live_server.app.test_client()
    login = client.post(
        "/api/v1/auth/login", json={"email": "sato@example.jp", "password": PASSWORD}
    )
    api = Api(client, login.json["token"])
    from tests.applications.helpers import make_organisation, submitted_application

    organisation = make_organisation(api)
    application = submitted_application(api, editions["takumi"], organisation["id"])

    page.goto(f"{live_server.url}/applications/{application['id']}")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("メールアドレス").fill("sato@example.jp")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(f"{live_server.url}/applications/{application['id']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"申込番号 {application['id']}")
