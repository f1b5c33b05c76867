"""The account pages of a signed-in reader: its state, name and language, password and address."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.accounts.helpers import mailed_token, mails_to
from tests.conftest import PASSWORD
from tests.pages.conftest import Reader, text_of

NEW_PASSWORD = "a much better passphrase"
NEW = "new@example.jp"


def test_the_account_pages_need_a_login(visitor: Reader) -> None:
    for url in ("/account", "/account/password", "/account/email"):
        response = visitor.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_the_account_page_shows_a_verified_address(make_reader: Any) -> None:
    reader: Reader = make_reader()

    page = text_of(reader.get("/account"))

    assert reader.email in page
    assert "確認済み" in page
    assert "リンクを再送" not in page


def test_an_unverified_reader_can_have_the_link_sent_again(app: Flask, make_reader: Any) -> None:
    reader: Reader = make_reader(verified=False)
    page = text_of(reader.get("/account"))
    assert "未確認" in page

    response = reader.submit("/account/verify", {"email": reader.email}, form_at="/account")

    assert response.status_code == 302
    [(subject, _)] = mails_to(app, reader.email)
    assert subject == "【eventhub】メールアドレスのご確認"


def test_name_and_language_are_saved_and_the_pages_follow_the_language(make_reader: Any) -> None:
    reader: Reader = make_reader()

    response = reader.submit("/account", {"display_name": "佐藤 一郎", "locale": "en"})

    assert response.status_code == 302
    page = text_of(reader.get("/account"))
    assert 'lang="en"' in page
    assert "Your settings are saved." in page
    assert 'value="佐藤 一郎"' in page
    assert reader.client.get("/api/v1/users/me").status_code == 401  # the API stays bearer-only


def test_a_blank_name_is_refused_next_to_the_field(make_reader: Any) -> None:
    reader: Reader = make_reader()

    response = reader.submit("/account", {"display_name": "   ", "locale": "ja"})

    assert response.status_code == 422
    assert 'id="f-display_name-error"' in text_of(response)


def test_changing_the_password_keeps_this_session_and_ends_the_others(
    app: Flask, make_reader: Any
) -> None:
    reader: Reader = make_reader()
    elsewhere = Reader(app.test_client(), reader.user_id, reader.email)
    assert elsewhere.login(reader.email).status_code == 302

    response = reader.submit(
        "/account/password", {"current_password": PASSWORD, "password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert reader.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    assert elsewhere.login(reader.email, NEW_PASSWORD).status_code == 302


def test_a_wrong_current_password_is_named_at_its_field(make_reader: Any) -> None:
    reader: Reader = make_reader()

    response = reader.submit(
        "/account/password", {"current_password": "not my password", "password": NEW_PASSWORD}
    )

    assert response.status_code == 422
    page = text_of(response)
    error = page.split('id="f-current_password-error">', 1)[1].split("</p>", 1)[0]
    assert error == "現在のパスワードが正しくありません。"


def test_changing_the_address_waits_for_the_link_then_takes_effect(
    app: Flask, make_reader: Any, visitor: Reader
) -> None:
    reader: Reader = make_reader()
    old = reader.email

    asked = reader.submit("/account/email", {"email": NEW, "password": PASSWORD})

    assert asked.status_code == 302
    page = text_of(reader.get("/account"))
    assert f"確認待ち：{NEW}" in page
    assert "変更を取り消す" in page
    url = f"/account/email/{mailed_token(app, NEW, '/account/email/')}"
    opened = visitor.get(url)
    assert NEW in text_of(opened)
    assert "新しいアドレスを確定する" in text_of(opened)

    confirmed = visitor.submit(url)

    assert confirmed.status_code == 302
    page = text_of(reader.get("/account"))
    assert NEW in page
    assert "確認待ち" not in page
    assert mails_to(app, old)[-1][0] == "【eventhub】メールアドレスが変更されました"
    assert visitor.login(NEW).status_code == 302


def test_a_pending_address_change_can_be_cancelled(app: Flask, make_reader: Any) -> None:
    reader: Reader = make_reader()
    reader.submit("/account/email", {"email": NEW, "password": PASSWORD})

    response = reader.submit("/account/email/cancel", form_at="/account")

    assert response.status_code == 302
    assert "確認待ち" not in text_of(reader.get("/account"))
    url = f"/account/email/{mailed_token(app, NEW, '/account/email/')}"
    assert reader.get(url).status_code == 422


def test_an_address_in_use_is_named_at_the_email_field(make_reader: Any) -> None:
    reader: Reader = make_reader()
    other: Reader = make_reader()

    response = reader.submit("/account/email", {"email": other.email, "password": PASSWORD})

    assert response.status_code == 422
    assert 'id="f-email-error"' in text_of(response)


def test_an_address_change_needs_the_password(app: Flask, make_reader: Any) -> None:
    reader: Reader = make_reader()

    response = reader.submit("/account/email", {"email": NEW, "password": "wrong password"})

    assert response.status_code == 422
    assert 'id="f-password-error"' in text_of(response)
    assert mails_to(app, NEW) == []
