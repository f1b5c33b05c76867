"""An exhibitor-to-be's account, in a real browser: sign up, confirm the address from the mailed
link, log in, forget the password, reset it from the mailed link, log in with the new one;
then the account pages. axe-core checks each page on the way."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.accounts.helpers import mailed_token, mails_to
from tests.conftest import PASSWORD

EMAIL = "journey@example.jp"
NEW_PASSWORD = "a fresh passphrase 2026"


def _mailed_link(live_server: Any, page_path: str) -> str:
    """The link of the newest mail to EMAIL that opens ``page_path``, as the mail has it."""
    token = mailed_token(live_server.app, EMAIL, page_path)
    link = f"{live_server.url}{page_path}{token}"
    assert any(link in body for _, body in mails_to(live_server.app, EMAIL))
    return link


def _log_in(page: Page, url: str, password: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("メールアドレス").fill(EMAIL)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()


def test_sign_up_verify_log_in_and_reset_the_password(
    page: Page, live_server: Any, axe_check: Any, screenshot: Any
) -> None:
    url = live_server.url
    page.goto(f"{url}/login")
    page.get_by_role("link", name="アカウントを作成").click()
    expect(page.get_by_role("heading", name="アカウントを作成")).to_be_visible()
    axe_check(page, name="sign-up")

    page.get_by_role("button", name="アカウントを作成").click()  # empty: every field is named
    expect(page.locator("#f-email-error")).to_be_visible()
    expect(page.locator("#f-password-error")).to_be_visible()
    axe_check(page, name="sign-up refused")
    screenshot(page, "account-signup-errors")

    page.get_by_label("メールアドレス").fill(EMAIL)
    page.get_by_label("お名前").fill("山田 花子")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="アカウントを作成").click()
    expect(page.get_by_role("status")).to_contain_text(EMAIL)
    axe_check(page, name="check your mailbox")

    page.goto(_mailed_link(live_server, "/account/verify/"))
    axe_check(page, name="verification landing")
    page.get_by_role("button", name="メールアドレスを確認する").click()
    expect(page.get_by_role("status")).to_contain_text("確認が完了しました")

    _log_in(page, url, PASSWORD)
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
    page.goto(f"{url}/account")
    expect(page.get_by_text("確認済み")).to_be_visible()
    axe_check(page, name="account")
    screenshot(page, "account-settings")
    page.get_by_role("button", name="ログアウト").click()

    page.goto(f"{url}/login")
    page.get_by_role("link", name="パスワードをお忘れですか？").click()
    axe_check(page, name="forgot password")
    page.get_by_label("メールアドレス").fill(EMAIL)
    page.get_by_role("button", name="リンクを送信").click()
    expect(page.get_by_role("status")).to_contain_text("1時間")

    page.goto(_mailed_link(live_server, "/account/password/reset/"))
    axe_check(page, name="reset password")
    page.get_by_label("新しいパスワード").fill(NEW_PASSWORD)
    page.get_by_role("button", name="パスワードを変更").click()
    expect(page.get_by_role("status")).to_contain_text("新しいパスワードでログイン")

    _log_in(page, url, PASSWORD)
    expect(page.locator(".form-errors")).to_be_visible()  # the old password no longer works
    _log_in(page, url, NEW_PASSWORD)
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()

    for path, name in (
        ("/account/password", "change password"),
        ("/account/email", "change email"),
    ):
        page.goto(f"{url}{path}")
        axe_check(page, name=name)


def test_the_account_pages_work_by_keyboard_alone(
    page: Page, live_server: Any, axe_check: Any
) -> None:
    live_server.create_user(email=EMAIL)
    page.goto(f"{live_server.url}/login?next=/account")
    page.get_by_label("メールアドレス").focus()
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="アカウント")).to_be_visible()

    page.get_by_label("お名前").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("佐藤 一郎")
    page.keyboard.press("Tab")  # the language
    page.keyboard.press("Tab")  # the button
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("設定を保存しました")
    expect(page.get_by_label("お名前")).to_have_value("佐藤 一郎")
    axe_check(page, name="account saved")
