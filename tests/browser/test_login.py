"""Logging in and out in a real browser, the language switch, and the pages' accessibility."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD


def test_log_in_switch_language_and_log_out(
    page: Page, live_server: Any, axe_check: Any, screenshot: Any
) -> None:
    live_server.create_user(email="browser@example.jp")
    page.goto(f"{live_server.url}/login")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    axe_check(page, name="login (ja)")
    screenshot(page, "login-ja")

    page.get_by_label("メールアドレス").fill("browser@example.jp")
    page.get_by_label("パスワード").fill("wrong password")
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator(".form-errors")).to_contain_text("メールアドレスまたはパスワード")
    axe_check(page, name="login refused")

    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"{live_server.url}/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # remembered

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # kept after logging out
