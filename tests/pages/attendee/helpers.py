"""Registering through the page and reading the pass link from the pass mail."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from tests.pages.conftest import Reader, text_of
from tests.passes.helpers import mails_to

_PASS_LINK = re.compile(r"https://eventhub\.test(/passes/\d+\?key=[A-Za-z0-9_-]+)")


def registration_form(**overrides: Any) -> dict[str, Any]:
    form = {
        "name": "佐藤 花子",
        "name_kana": "サトウ ハナコ",
        "email": "hanako@example.jp",
        "organisation_name": "株式会社木の家",
        "prefecture_code": "20",
        "attendee_type": "buyer",
        "shares_contact": ["false", "true"],
        "accept_terms": ["false", "true"],
    }
    form.update(overrides)
    return form


def register(reader: Reader, edition_id: int, **overrides: Any) -> Any:
    url = f"/editions/{edition_id}/register"
    return reader.submit(url, registration_form(**overrides))


def pass_link(app: Flask, email: str = "hanako@example.jp") -> str:
    """The pass page's path and query, from the last pass mail sent to ``email``."""
    (mail,) = [m for m in mails_to(app, email) if "入場パス" in m.subject][-1:]
    found = _PASS_LINK.search(mail.body_text)
    assert found, mail.body_text
    return found.group(1)


def registered_pass(reader: Reader, app: Flask, edition_id: int, **overrides: Any) -> str:
    response = register(reader, edition_id, **overrides)
    assert response.status_code == 302, text_of(response)
    return pass_link(app, overrides.get("email", "hanako@example.jp"))


def with_key(link: str, tail: str) -> str:
    """``/passes/1?key=k`` + ``/bookings`` → ``/passes/1/bookings?key=k``."""
    parts = urlsplit(link)
    return f"{parts.path}{tail}?{parts.query}"
