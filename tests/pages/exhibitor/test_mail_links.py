"""Every link in every exhibitor mail opens a page the recipient can use."""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask

from eventhub.extensions import db
from eventhub.notifications.models import OutgoingMail
from tests.applications.helpers import application_url, decide, open_edition, start_review
from tests.conftest import Api
from tests.pages.conftest import Reader, text_of
from tests.pages.exhibitor.helpers import (
    application_form,
    location_id,
    post_pairs,
    register_organisation,
)

URL = re.compile(r"https?://[^\s]+")


def _mails(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                OutgoingMail.dedupe_key, OutgoingMail.to_address, OutgoingMail.body_text
            ).order_by(OutgoingMail.id)
        ).all()
    return [(key, to, body) for key, to, body in rows]


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_every_exhibitor_mail_links_to_a_working_page(
    app: Flask,
    make_reader: Callable[..., Reader],
    exhibitor_page: Reader,
    visitor: Reader,
    organiser: Api,
) -> None:
    # Submitted (straight to the waitlist), offered, accepted; a first exhibitor decided and
    # staffed, so every kind of exhibitor mail is in the outbox.
    edition = open_edition(organiser, "takumi", booth_capacity=2)
    first = make_reader()
    first_id = location_id(
        post_pairs(
            first,
            f"/editions/{edition['id']}/apply",
            application_form("takumi", register_organisation(first, name="株式会社先着"), "submit"),
        )
    )
    current = start_review(organiser, organiser.get(application_url(first_id)).json)
    assert decide(organiser, current, "approved").status_code == 200
    page = f"/applications/{first_id}"
    staffed = first.submit(
        f"{page}/staff", {"name": "鈴木 一郎", "email": "ichiro@example.jp"}, form_at=page
    )
    assert staffed.status_code == 302
    second_id = location_id(
        post_pairs(
            exhibitor_page,
            f"/editions/{edition['id']}/apply",
            application_form("takumi", register_organisation(exhibitor_page), "submit"),
        )
    )
    assert first.submit(f"{page}/withdraw", {}).status_code == 302  # second is offered the place

    mails = _mails(app)
    keys = [key for key, _, _ in mails]
    for wanted in (
        f"application:{first_id}:submitted:submitted:",
        f"application:{first_id}:decided:approved:",
        f"application:{second_id}:submitted:waitlisted:",
        f"application:{second_id}:decided:offered:",
        "pass:",
    ):
        assert any(key.startswith(wanted) for key in keys), (wanted, keys)
    readers = {first_id: first, second_id: exhibitor_page}
    checked = 0
    for key, _to, body in mails:
        for url in URL.findall(body):
            path = _path(url)
            if key.startswith("application:"):
                application_id = int(key.split(":")[1])
                assert path == f"/applications/{application_id}"
                response = readers[application_id].get(path)
                assert response.status_code == 200, (key, path)
                assert f"申込番号 {application_id}" in text_of(response)
                # Read while logged out: the login page, then back here.
                anonymous = visitor.get(path)
                assert anonymous.status_code == 302
                assert anonymous.headers["Location"].endswith(f"/login?next={path}")
            else:  # a staff pass: its own key in the link, no account needed
                response = visitor.get(path)
                assert response.status_code == 200, (key, path)
            checked += 1
    assert checked >= 5
    offered = text_of(exhibitor_page.get(f"/applications/{second_id}"))
    assert "繰り上げ出展を受ける" in offered
