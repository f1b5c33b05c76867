"""An attendee in a real browser: home → edition → pre-registration → the pass from the mail
(its QR code decoded) → print layouts → booking and cancelling a slot; and the report page.

The fast variant runs on ``live_server`` (SQLite, eager tasks); the service variant lets a real
Celery worker issue the pass and queue its mail, on PostgreSQL and Redis.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import zxingcpp
from flask import Flask
from PIL import Image
from playwright.sync_api import Page, expect

from eventhub.accounts.models import Role
from eventhub.extensions import db
from eventhub.notifications.models import OutgoingMail
from eventhub.passes import signing
from eventhub.passes.models import Pass
from tests.bookings.helpers import hands_on
from tests.calendars.helpers import add_session, edition
from tests.conftest import PASSWORD, Api
from tests.reports import reference
from tests.reports.helpers import BUILDS, import_csv
from tests.waiting import wait_until

_PASS_LINK = re.compile(r"(https?://[^\s]+/passes/\d+\?key=[A-Za-z0-9_-]+)")


@pytest.fixture(autouse=True)
def _fresh_key_rings() -> None:
    # Key rings are cached per process; the tables are emptied between tests (see tests/passes).
    signing.forget()


def _organiser_api(server: Any) -> Api:
    email = "organiser-journey@example.jp"
    server.create_user(Role.ORGANISER, email=email)
    client = server.app.test_client()
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.json
    return Api(client, response.json["token"])


def _pass_mail_link(app: Flask, address: str) -> str | None:
    """The pass page link of the queued pass mail to ``address`` (the outgoing_mails row)."""
    with app.app_context():
        mails = db.session.execute(
            db.select(OutgoingMail.subject, OutgoingMail.body_text).where(
                OutgoingMail.to_address == address
            )
        ).all()
        db.session.rollback()
    for subject, body in mails:
        found = _PASS_LINK.search(body)
        if "入場パス" in subject and found:
            return found.group(1)
    return None


def _token_of(app: Flask, pass_id: int) -> str:
    with app.app_context():
        token = db.session.get_one(Pass, pass_id).token
        db.session.rollback()
    assert token
    return token


def _decode_qr(page: Page) -> str:
    """The QR code on the page, read back from pixels by zxing-cpp (not by our encoder)."""
    image = Image.open(io.BytesIO(page.locator("img.pass-qr").first.screenshot()))
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code could be read from the pass image"
    return str(found[0].text)


def _register(page: Page, base: str, edition_id: int, axe_check: Any, screenshot: Any) -> None:
    page.goto(f"{base}/editions/{edition_id}/register")
    expect(page.get_by_role("heading", name="来場事前登録")).to_be_visible()
    axe_check(page, name="registration")
    # Sent empty first: every missing field is named at once, next to it.
    page.get_by_role("button", name="登録する").click()
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.locator("#f-name-error")).to_be_visible()
    expect(page.locator("#f-email-error")).to_be_visible()
    expect(page.locator("#f-accept_terms-error")).to_contain_text("規約に同意")
    axe_check(page, name="registration refused")
    page.get_by_role("textbox", name="氏名").fill("佐藤 花子")
    page.get_by_label("フリガナ").fill("サトウ ハナコ")
    page.get_by_role("textbox", name="メールアドレス").fill("hanako@example.jp")
    page.get_by_role("textbox", name="会社・団体名").fill("株式会社木の家")
    page.get_by_label("都道府県").select_option("20")
    page.get_by_label("来場区分").select_option("buyer")
    page.get_by_label("登録規約に同意する").check()
    screenshot(page, "attendee-registration")
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_role("heading", name="ご登録ありがとうございます")).to_be_visible()
    expect(page.locator(".flash-success")).to_contain_text("hanako@example.jp")
    axe_check(page, name="registered")


def test_attendee_journey(
    page: Page, live_server: Any, axe_check: Any, screenshot: Any, tmp_path: Any
) -> None:
    base, app = live_server.url, live_server.app
    organiser = _organiser_api(live_server)
    shown = edition(organiser, title_en="Mokucolle 2027", venue_address="東京都江東区有明3-11-1")
    eid = shown["id"]
    slot = hands_on(organiser, eid, seats=2, title_en="Wooden spoon making")
    add_session(organiser, eid, kind="business_meeting", title_ja="バイヤー商談会", seats=5)
    add_session(
        organiser,
        eid,
        title_ja="製材の実演",
        starts_at="2027-10-29T13:00:00+09:00",
        ends_at="2027-10-29T13:30:00+09:00",
    )
    assert import_csv(organiser, reference.CSV_JA).status_code == 200
    build = organiser.post(BUILDS, json={"fiscal_year": 2021}).json
    assert build["status"] == "done"
    assert organiser.post(f"{build['url']}/publish").status_code == 200  # public from now on

    # The home page, and the edition's page reached from it.
    page.goto(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", name="WOODコレクション", exact=False)).to_be_visible()
    axe_check(page, name="home")
    screenshot(page, "public-home")
    page.get_by_role("link", name=shown["title_ja"]).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(shown["title_ja"])
    expect(page.get_by_text("令和9年")).to_be_visible()
    expect(page.locator("table.timetable").first).to_contain_text("木のスプーンづくり体験")
    expect(page.locator("table.timetable").first).to_contain_text("残り2席（定員2席）")
    ics = page.get_by_role("link", name=re.compile("カレンダーに追加.*製材の実演"))
    assert "/event.ics?lang=ja" in (ics.get_attribute("href") or "")
    axe_check(page, name="edition")
    screenshot(page, "public-edition")
    page.get_by_role("link", name="来場事前登録").click()

    _register(page, base, eid, axe_check, screenshot)

    # The pass page, from the link in the queued pass mail.
    link = wait_until(lambda: _pass_mail_link(app, "hanako@example.jp"), message="the pass mail")
    assert link.startswith(f"{base}/passes/")
    page.goto(link)
    expect(page.get_by_role("heading", name="入場パス", exact=True)).to_be_visible()
    expect(page.locator(".pass-card")).to_contain_text("佐藤 花子")
    expect(page.locator(".pass-card")).to_contain_text("バイヤー")
    pass_id = int(link.split("/passes/")[1].split("?")[0])
    assert _decode_qr(page) == _token_of(app, pass_id)
    axe_check(page, name="pass")
    screenshot(page, "attendee-pass")

    # The print layouts: one sheet each at their paper size, the QR code still readable.
    for size, width_pt in (("a6", 298.1), ("a4", 595.3)):
        page.goto(link.replace("?key=", f"/print/{size}?key="))
        expect(page.locator(".pass-card")).to_contain_text("佐藤 花子")
        axe_check(page, name=f"print {size}")
        page.emulate_media(media="print")
        expect(page.locator(".print-tools")).to_be_hidden()
        assert _decode_qr(page) == _token_of(app, pass_id)
        screenshot(page, f"attendee-pass-print-{size}")
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
        assert len(boxes) == 1, f"{size}: {len(boxes)} pages"
        assert abs(float(boxes[0][0]) - width_pt) < 2, boxes
        (tmp_path / f"pass-{size}.pdf").write_bytes(pdf)
        page.emulate_media(media="screen")

    # Booking a hands-on slot from the pass page, and cancelling it.
    page.goto(link)
    page.get_by_role("link", name="予約・取消").click()
    expect(page.get_by_role("heading", name="体験・商談の予約")).to_be_visible()
    card = page.locator(f"#session-{slot['id']}")
    expect(card).to_contain_text("残り2席（定員2席）")
    axe_check(page, name="bookings")
    card.get_by_label("席数（ご本人と同行者）").fill("2")
    card.get_by_role("button", name="予約する").click()
    expect(page.locator(".flash-success")).to_contain_text("予約しました")
    expect(page.locator(f"#session-{slot['id']}")).to_contain_text("満席")
    axe_check(page, name="booked")
    screenshot(page, "attendee-bookings")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("予約を取り消す.*木のスプーンづくり体験")).click()
    expect(page.locator(".flash-success")).to_contain_text("取り消しました")
    expect(page.locator(f"#session-{slot['id']}")).to_contain_text("残り2席（定員2席）")

    # The results report, clicked through from the home page.
    page.goto(f"{base}/")
    page.get_by_role("link", name="事業の実績報告を見る").click()
    axe_check(page, name="reports index")
    page.get_by_role("link", name="令和3年度", exact=False).click()
    expect(page.locator("article.report")).to_contain_text(reference.NATIONAL_ZONE_JA[0])
    axe_check(page, name="report")
    screenshot(page, "public-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="report.xlsx").click()
    assert download.value.suggested_filename == "eventhub-report-FY2021-report.xlsx"


@pytest.mark.service
def test_a_real_worker_issues_the_pass_the_mail_links(
    page: Page, live_stack_server: Any, axe_check: Any
) -> None:
    base, app = live_stack_server.url, live_stack_server.app
    organiser = _organiser_api(live_stack_server)
    shown = edition(organiser)
    page.goto(f"{base}/editions/{shown['id']}")
    page.get_by_role("link", name="来場事前登録").click()
    page.get_by_role("textbox", name="氏名").fill("佐藤 花子")
    page.get_by_role("textbox", name="メールアドレス").fill("hanako@example.jp")
    page.get_by_label("登録規約に同意する").check()
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_role("heading", name="ご登録ありがとうございます")).to_be_visible()

    # The worker signs the pass, renders its QR code and queues the mail with the page link.
    link = wait_until(
        lambda: _pass_mail_link(app, "hanako@example.jp"), message="the worker's pass mail"
    )
    # The worker process was started with its own EVENTHUB_BASE_URL, before this server had a
    # port: the mail's link is opened on this server, path and key as mailed.
    path = "/passes/" + link.split("/passes/", 1)[1]
    page.goto(f"{base}{path}")
    pass_id = int(path.split("/passes/")[1].split("?")[0])
    assert _decode_qr(page) == _token_of(app, pass_id)
    expect(page.get_by_role("link", name="A6（名札）で印刷")).to_be_visible()
    axe_check(page, name="pass (service)")
