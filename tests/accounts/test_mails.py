"""The accounts area's mail texts: times as Tokyo wall clock, written the way each language
writes them; the expiry in the mail is the link's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from eventhub.accounts.mails import when
from eventhub.accounts.models import AccountLink
from eventhub.extensions import db
from tests.accounts.helpers import mails_to
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("ja", "2026年12月9日 14:05（日本時間）"), ("en", "9 December 2026, 14:05 (Japan time)")],
)
def test_when_writes_tokyo_wall_clock_time(app, locale, expected):
    with app.app_context(), force_locale(locale):
        assert when(datetime(2026, 12, 9, 5, 5, tzinfo=UTC), locale) == expected


def test_the_verification_mail_gives_the_links_expiry(app, anonymous):
    body = {"email": "a@example.jp", "password": PASSWORD, "display_name": "A", "locale": "en"}
    anonymous.post("/api/v1/users", json=body)

    [(_, text)] = mails_to(app, "a@example.jp")

    with app.app_context():
        link = db.session.scalars(sa.select(AccountLink)).one()
        with force_locale("en"):
            expected = when(link.expires_at, "en")
    assert (link.expires_at - link.created_at).total_seconds() == 72 * 3600
    assert f"The link works once, until {expected}." in text
