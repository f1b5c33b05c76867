"""Page tests: a Flask test client per reader, with a cookie jar and the forms' CSRF token."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from eventhub.accounts import service as accounts
from eventhub.accounts.models import Role
from eventhub.extensions import db
from tests.conftest import PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Reader:
    """One person in a browser without JavaScript: follows pages, fills forms, keeps cookies."""

    def __init__(self, client: FlaskClient, user_id: int = 0, email: str = "") -> None:
        self.client = client
        self.user_id = user_id
        self.email = email

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def csrf_token(self, url: str) -> str:
        """The CSRF token the form at ``url`` carries (the page is fetched as a reader would)."""
        response = self.client.get(url)
        found = _CSRF.search(response.get_data(as_text=True))
        assert found, f"no form with a CSRF token at {url} ({response.status_code})"
        return found.group(1)

    def submit(
        self, url: str, data: dict[str, Any] | None = None, *, form_at: str | None = None, **kw: Any
    ) -> Any:
        """POST ``data`` to ``url`` as the form on page ``form_at`` (default ``url``) sends it."""
        token = self.csrf_token(form_at or url)
        return self.client.post(url, data={"csrf_token": token, **(data or {})}, **kw)

    def login(self, email: str, password: str = PASSWORD) -> Any:
        return self.submit("/login", {"email": email, "password": password})


def text_of(response: Any) -> str:
    return str(response.get_data(as_text=True))


@pytest.fixture
def make_reader(app: Flask) -> Callable[..., Reader]:
    """A signed-in reader with ``roles`` (none: an exhibitor-to-be), each with a client of
    their own, logged in through the login page."""
    counter = iter(range(1, 10_000))

    def make(*roles: Role, prefecture_code: int | None = None, locale: str = "ja") -> Reader:
        email = f"reader{next(counter)}@example.jp"
        with app.app_context():
            user = accounts.create_user(email, PASSWORD, "テスト 閲覧者", locale=locale)
            for role in roles:
                code = prefecture_code if role == Role.PREFECTURE_CONTACT else None
                accounts.grant_role(user, role, code, None)
            db.session.commit()
            user_id = user.id
        reader = Reader(app.test_client(), user_id, email)
        response = reader.login(email)
        assert response.status_code == 302, text_of(response)
        return reader

    return make


@pytest.fixture
def visitor(app: Flask) -> Reader:
    """Someone not signed in."""
    return Reader(app.test_client())
