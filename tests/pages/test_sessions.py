"""Page sessions: the cookie, CSRF, logging in and out, the language, and errors as pages."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.conftest import PASSWORD
from tests.pages.conftest import Reader, text_of


def _cookie(response: Any) -> str:
    cookies = [v for k, v in response.headers.items() if k == "Set-Cookie"]
    assert len(cookies) == 1, cookies
    return str(cookies[0])


def test_the_session_cookie_is_signed_http_only_and_same_site(make_reader: Any) -> None:
    reader: Reader = make_reader()
    response = reader.login(reader.email)
    cookie = _cookie(response)
    assert cookie.startswith("eventhub_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http here


def test_the_cookie_is_secure_over_https(app: Flask) -> None:
    page = app.test_client().get("/login", base_url="https://eventhub.test")
    assert "Secure" in _cookie(page)


def test_a_form_without_its_csrf_token_is_refused(visitor: Reader, make_reader: Any) -> None:
    refused = visitor.client.post("/login", data={"email": "a@example.jp", "password": "x"})
    assert refused.status_code == 400
    assert "フォームの有効期限" in text_of(refused)
    reader: Reader = make_reader()
    assert reader.client.post("/logout").status_code == 400
    assert "ログアウト" in text_of(reader.get("/login"))  # still signed in


def test_a_token_of_another_session_is_refused(make_reader: Any) -> None:
    alice: Reader = make_reader()
    mallory: Reader = make_reader()
    token = mallory.csrf_token("/login")
    refused = alice.client.post("/logout", data={"csrf_token": token})
    assert refused.status_code == 400


def test_logging_out_ends_the_session_at_once_even_for_a_copied_cookie(
    app: Flask, make_reader: Any
) -> None:
    reader: Reader = make_reader()
    stolen = reader.client.get_cookie("eventhub_session")
    assert stolen is not None
    assert reader.submit("/logout", form_at="/login").status_code == 302
    thief = app.test_client()
    thief.set_cookie("eventhub_session", stolen.value)
    page = text_of(thief.get("/login"))
    assert "ログアウト" not in page
    assert 'href="/login"' in page


def test_the_page_cookie_does_not_authenticate_the_api(make_reader: Any) -> None:
    reader: Reader = make_reader()
    answer = reader.get("/api/v1/users/me")
    assert answer.status_code == 401
    assert answer.mimetype == "application/problem+json"
    assert "Set-Cookie" not in answer.headers


def test_login_goes_on_to_a_page_of_this_site_only(make_reader: Any, visitor: Reader) -> None:
    reader: Reader = make_reader()
    for target, expected in (
        ("/somewhere?x=1", "/somewhere?x=1"),
        # Elsewhere: the reader's own landing page instead (an exhibitor's dashboard).
        ("https://evil.example/", "/my/"),
        ("//evil.example/", "/my/"),
        ("/\\evil.example", "/my/"),
    ):
        token = visitor.csrf_token("/login")
        response = visitor.client.post(
            f"/login?next={target}",
            data={"csrf_token": token, "email": reader.email, "password": PASSWORD},
        )
        assert response.status_code == 302
        assert response.headers["Location"] == expected, target


def test_errors_are_named_at_their_fields_in_japanese(visitor: Reader) -> None:
    response = visitor.submit("/login", {"email": "not an address", "password": ""})
    assert response.status_code == 422
    page = text_of(response)
    assert "name@example.jp のようなメールアドレスを入力してください。" in page
    assert 'id="f-password" name="password" type="password" required' in page
    assert 'aria-invalid="true"' in page
    assert 'value="not an address"' in page  # what was typed is kept


def test_wrong_passwords_lock_the_page_login_as_the_api(visitor: Reader, make_reader: Any) -> None:
    reader: Reader = make_reader()
    for _ in range(5):
        visitor.submit("/login", {"email": reader.email, "password": "wrong"})
    locked = visitor.submit("/login", {"email": reader.email, "password": PASSWORD})
    assert locked.status_code == 422
    assert "ログアウト" not in text_of(locked)
    api = visitor.client.post(
        "/api/v1/auth/login", json={"email": reader.email, "password": PASSWORD}
    )
    assert api.status_code == 429


def test_the_language_switch_is_remembered_on_the_account(app: Flask, make_reader: Any) -> None:
    reader: Reader = make_reader()
    assert '<html lang="ja">' in text_of(reader.get("/login"))
    moved = reader.submit("/language", {"locale": "en", "next": "/login"}, form_at="/login")
    assert moved.headers["Location"] == "/login"
    assert '<html lang="en">' in text_of(reader.get("/login"))
    again = Reader(app.test_client())
    again.login(reader.email)  # a new session starts in the account's language
    assert '<html lang="en">' in text_of(again.get("/login"))
    assert reader.submit("/language", {"locale": "fr"}, form_at="/login").status_code == 400


def test_unknown_pages_answer_a_page_and_the_api_problem_json(visitor: Reader) -> None:
    page = visitor.get("/no/such/page")
    assert page.status_code == 404
    assert page.mimetype == "text/html"
    assert "エラー 404" in text_of(page)
    api = visitor.get("/api/v1/no/such/thing")
    assert api.mimetype == "application/problem+json"


def test_pages_allow_only_this_sites_scripts(visitor: Reader) -> None:
    headers = visitor.get("/login").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
