"""The pass page the pass mail links to: QR, print layouts, calendar links; the key guards it."""

from __future__ import annotations

from typing import Any

from flask import Flask

from eventhub.calendars.models import FeedToken
from eventhub.extensions import db
from tests.conftest import Api
from tests.pages.attendee.helpers import register, registered_pass, with_key
from tests.pages.conftest import Reader, text_of


def test_the_mail_links_the_pass_page_with_the_qr_code(
    app: Flask, visitor: Reader, open_edition: dict[str, Any]
) -> None:
    link = registered_pass(visitor, app, open_edition["id"])
    page = visitor.get(link)
    assert page.status_code == 200
    html = text_of(page)
    assert "佐藤 花子" in html
    assert "バイヤー" in html
    assert "2027年10月28日〜10月30日" in html
    assert "東京ビッグサイト 西1ホール" in html
    assert page.headers["Cache-Control"] == "private, no-store"
    assert page.headers["Referrer-Policy"] == "same-origin"
    pass_id, key = link.split("/passes/")[1].split("?key=")
    qr = f"/api/v1/passes/{pass_id}/qr.svg?key={key}"
    assert qr in html
    image = visitor.get(qr)
    assert image.status_code == 200
    assert image.mimetype == "image/svg+xml"
    # The print layouts, the bookings and the calendar are reachable from here.
    assert f"/passes/{pass_id}/print/a6?key={key}" in html
    assert f"/passes/{pass_id}/print/a4?key={key}" in html
    assert f"/passes/{pass_id}/bookings?key={key}" in html
    assert f"webcal://eventhub.test/api/v1/editions/{open_edition['id']}/calendar.ics" in html
    # The key goes to no other site: no link or resource outside this one carries it.
    for found in html.split('"'):
        if key in found:
            assert found.startswith("/"), found


def test_a_wrong_key_is_404_and_no_key_asks_for_a_login(
    app: Flask, visitor: Reader, open_edition: dict[str, Any]
) -> None:
    link = registered_pass(visitor, app, open_edition["id"])
    path = link.split("?")[0]
    assert visitor.get(f"{path}?key=AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert visitor.get(f"{path}?key={'x' * 65}").status_code == 404
    assert visitor.get("/passes/99999?key=AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert visitor.get(with_key(link, "/print/a6").replace("key=", "key=x")).status_code == 404
    anonymous = visitor.get(path)
    assert anonymous.status_code == 302
    assert "/login?next=" in anonymous.headers["Location"]


def test_an_organiser_opens_any_pass_without_the_key(
    app: Flask, visitor: Reader, make_reader: Any, open_edition: dict[str, Any]
) -> None:
    from eventhub.accounts.models import Role

    link = registered_pass(visitor, app, open_edition["id"])
    organiser = make_reader(Role.ORGANISER)
    page = organiser.get(link.split("?")[0])
    assert page.status_code == 200
    assert "佐藤 花子" in text_of(page)
    assert "qr.svg" not in text_of(page)  # the QR code stays on the holder's link
    assert make_reader().get(link.split("?")[0]).status_code == 403


def test_print_layouts_a6_and_a4(app: Flask, visitor: Reader, open_edition: dict[str, Any]) -> None:
    link = registered_pass(visitor, app, open_edition["id"])
    for size in ("a6", "a4"):
        page = visitor.get(with_key(link, f"/print/{size}"))
        assert page.status_code == 200
        html = text_of(page)
        assert f'class="print-page print-{size}"' in html
        assert "佐藤 花子" in html
        assert "qr.svg?key=" in html
    assert visitor.get(with_key(link, "/print/letter")).status_code == 404
    css = visitor.get("/static/eventhub.css").get_data(as_text=True)
    assert "@page pass-a6 { size: 105mm 148mm;" in css
    assert "@page pass-a4 { size: 210mm 297mm;" in css


def test_a_revoked_pass_says_so_and_offers_no_print(
    app: Flask, organiser: Api, visitor: Reader, open_edition: dict[str, Any]
) -> None:
    link = registered_pass(visitor, app, open_edition["id"])
    pass_id = link.split("/passes/")[1].split("?")[0]
    assert organiser.post(f"/api/v1/passes/{pass_id}/revoke").status_code == 200
    page = visitor.get(link)  # revoking keeps the serial: the link still opens
    assert page.status_code == 200
    assert "無効" in text_of(page)
    assert "/print/a6" not in text_of(page)
    assert visitor.get(with_key(link, "/print/a6")).status_code == 409


def test_the_private_calendar_link_is_shown_once(
    app: Flask, visitor: Reader, open_edition: dict[str, Any]
) -> None:
    link = registered_pass(visitor, app, open_edition["id"])
    made = visitor.submit(with_key(link, "/calendar-link"), form_at=link)
    assert made.status_code == 200
    html = text_of(made)
    assert "webcal://eventhub.test/api/v1/calendars/" in html
    feed = html.split('value="https://eventhub.test')[1].split('"')[0]
    assert visitor.get(feed).status_code == 200
    again = text_of(visitor.get(link))
    assert "/api/v1/calendars/" not in again  # shown only once
    assert "新しいリンク" in again
    with app.app_context():
        assert db.session.scalars(db.select(FeedToken)).one().revoked_at is None
    # Without the CSRF token nothing changes.
    refused = visitor.client.post(with_key(link, "/calendar-link"))
    assert refused.status_code == 400


def test_a_pass_not_yet_issued_says_so(
    app: Flask, visitor: Reader, open_edition: dict[str, Any], monkeypatch: Any
) -> None:
    from eventhub import tasks
    from eventhub.passes import printable
    from eventhub.passes.models import Pass

    monkeypatch.setattr(tasks, "_dispatch", lambda name, args: None)  # no worker runs
    assert register(visitor, open_edition["id"]).status_code == 302
    with app.app_context():
        pass_ = db.session.scalars(db.select(Pass)).one()
        link = f"/passes/{pass_.id}?key={printable.pass_key(pass_.id, pass_.serial)}"
    page = visitor.get(link)
    assert page.status_code == 200
    html = text_of(page)
    assert "発行中" in html
    assert "qr.svg" not in html
    assert visitor.get(with_key(link, "/print/a6")).status_code == 409
