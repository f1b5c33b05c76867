"""Sign-up, the verification landing, resending it, and password reset, as pages without
JavaScript: forms with their CSRF token, errors next to their fields, links used by POST only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from eventhub.accounts.models import AccountLink, User
from eventhub.extensions import db
from tests.accounts.helpers import age_links, mailed_token, mails_to
from tests.conftest import PASSWORD
from tests.pages.conftest import Reader, text_of

EMAIL = "hanako@example.jp"
NEW_PASSWORD = "a fresh passphrase 2026"


def _sign_up(visitor: Reader, **overrides: Any) -> Any:
    data = {"email": EMAIL, "display_name": "山田 花子", "password": PASSWORD, "locale": "ja"}
    return visitor.submit("/signup", {**data, **overrides})


def _user(app: Flask, email: str = EMAIL) -> User:
    with app.app_context():
        user = db.session.scalars(sa.select(User).where(User.email == email)).one()
        db.session.expunge(user)
        return user


def _unused_links(app: Flask) -> int:
    with app.app_context():
        return len(
            db.session.scalars(sa.select(AccountLink).where(AccountLink.used_at.is_(None))).all()
        )


# Sign-up ----------------------------------------------------------------------------------------


def test_the_signup_page_labels_every_field(visitor: Reader) -> None:
    page = text_of(visitor.get("/signup"))

    for field in ("email", "display_name", "password", "locale"):
        assert f'<label for="f-{field}">' in page
    assert 'lang="ja"' in page


def test_signing_up_mails_the_link_and_leads_to_check_the_mailbox(
    app: Flask, visitor: Reader
) -> None:
    response = _sign_up(visitor, locale="en")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/verify"
    page = text_of(visitor.get("/account/verify"))
    assert EMAIL in page  # the flash names the address
    user = _user(app)
    assert (user.email_verified_at, user.locale) == (None, "en")
    [(subject, _)] = mails_to(app, EMAIL)
    assert subject == "[eventhub] Confirm your email address"


def test_signup_errors_are_shown_next_to_their_fields_in_japanese(visitor: Reader) -> None:
    response = _sign_up(visitor, email="hanako@", password="short", display_name="  ")

    assert response.status_code == 422
    page = text_of(response)
    assert 'id="f-email-error"' in page
    assert 'id="f-password-error"' in page
    assert "10〜256文字にしてください。" in page
    assert 'id="f-display_name-error"' in page
    assert 'value="hanako@"' in page  # what was typed stays
    assert PASSWORD not in page


def test_signup_with_a_taken_address_says_so_at_the_email_field(
    visitor: Reader, make_reader: Any
) -> None:
    taken = make_reader().email

    response = _sign_up(visitor, email=taken.upper())

    assert response.status_code == 422
    page = text_of(response)
    error = page.split('id="f-email-error">', 1)[1].split("</p>", 1)[0]
    assert error == "このメールアドレスは既に登録されています。"


def test_signup_without_the_csrf_token_is_refused(app: Flask, visitor: Reader) -> None:
    data = {"email": EMAIL, "display_name": "花子", "password": PASSWORD}

    assert visitor.client.post("/signup", data=data).status_code == 400

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


# Verification -----------------------------------------------------------------------------------


def test_the_verification_link_is_used_by_the_button_not_by_opening_it(
    app: Flask, visitor: Reader
) -> None:
    _sign_up(visitor)
    url = f"/account/verify/{mailed_token(app, EMAIL, '/account/verify/')}"

    opened = visitor.get(url)

    assert opened.status_code == 200
    assert "メールアドレスを確認する" in text_of(opened)
    assert _user(app).email_verified_at is None
    assert _unused_links(app) == 1

    confirmed = visitor.submit(url)

    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == "/login"
    assert _user(app).email_verified_at is not None
    assert "確認が完了しました" in text_of(visitor.get("/login"))


def test_a_used_verification_link_shows_why_and_the_way_on(app: Flask, visitor: Reader) -> None:
    _sign_up(visitor)
    url = f"/account/verify/{mailed_token(app, EMAIL, '/account/verify/')}"
    visitor.submit(url)

    again = visitor.get(url)

    assert again.status_code == 422
    page = text_of(again)
    assert "使用済み" in page
    assert 'href="/account/verify"' in page
    assert "メールアドレスを確認する</button>" not in page


def test_an_unknown_verification_link_is_422(visitor: Reader) -> None:
    response = visitor.get("/account/verify/not-a-real-token")

    assert response.status_code == 422
    assert "無効" in text_of(response)


def test_resending_answers_the_same_for_any_address(app: Flask, visitor: Reader) -> None:
    _sign_up(visitor)
    age_links(app, EMAIL, timedelta(minutes=6))

    known = visitor.submit("/account/verify", {"email": EMAIL})
    unknown = visitor.submit("/account/verify", {"email": "nobody@example.jp"})

    assert known.status_code == unknown.status_code == 302
    assert len(mails_to(app, EMAIL)) == 2
    assert mails_to(app, "nobody@example.jp") == []
    assert "5分に1回" in text_of(visitor.get("/account/verify"))


# Password reset ---------------------------------------------------------------------------------


def test_forgot_password_answers_the_same_for_any_address(
    app: Flask, visitor: Reader, make_reader: Any
) -> None:
    email = make_reader().email

    known = visitor.submit("/account/password/forgot", {"email": email})
    unknown = visitor.submit("/account/password/forgot", {"email": "nobody@example.jp"})

    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert len(mails_to(app, email)) == 1
    assert mails_to(app, "nobody@example.jp") == []


def test_forgot_password_names_a_bad_address(visitor: Reader) -> None:
    response = visitor.submit("/account/password/forgot", {"email": "nobody"})

    assert response.status_code == 422
    assert 'id="f-email-error"' in text_of(response)


def test_reset_sets_the_password_and_logs_out_every_session(
    app: Flask, make_reader: Any, visitor: Reader
) -> None:
    reader: Reader = make_reader()
    visitor.submit("/account/password/forgot", {"email": reader.email})
    url = f"/account/password/reset/{mailed_token(app, reader.email, '/account/password/reset/')}"

    short = visitor.submit(url, {"password": "short"})
    assert short.status_code == 422
    assert 'id="f-password-error"' in text_of(short)

    done = visitor.submit(url, {"password": NEW_PASSWORD})

    assert done.status_code == 302
    assert done.headers["Location"] == "/login"
    assert reader.get("/account").status_code == 302  # the other session ended
    assert visitor.login(reader.email, NEW_PASSWORD).status_code == 302
    assert visitor.submit(url, {"password": "another passphrase"}).status_code == 422


def test_an_expired_reset_link_offers_a_new_one(
    app: Flask, make_reader: Any, visitor: Reader
) -> None:
    email = make_reader().email
    visitor.submit("/account/password/forgot", {"email": email})
    url = f"/account/password/reset/{mailed_token(app, email, '/account/password/reset/')}"
    age_links(app, email, timedelta(hours=1, seconds=1))

    response = visitor.get(url)

    assert response.status_code == 422
    page = text_of(response)
    assert "有効期限が切れています" in page
    assert 'href="/account/password/forgot"' in page
    assert 'name="password"' not in page
