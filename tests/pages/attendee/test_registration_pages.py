"""来場事前登録 through the page: the API's schema and service, errors named at their fields."""

from __future__ import annotations

from typing import Any

from flask import Flask

from eventhub.extensions import db
from eventhub.passes.models import Pass, Registration
from tests.conftest import Api
from tests.pages.attendee.helpers import register, registration_form
from tests.pages.conftest import Reader, text_of
from tests.passes.helpers import put_settings


def test_an_anonymous_visitor_registers_and_the_pass_is_mailed(
    app: Flask, visitor: Reader, open_edition: dict[str, Any]
) -> None:
    page = visitor.get(f"/editions/{open_edition['id']}/register")
    assert page.status_code == 200
    html = text_of(page)
    assert "来場事前登録" in html
    for label in ("氏名", "メールアドレス", "都道府県", "規約"):
        assert label in html

    response = register(visitor, open_edition["id"])
    assert response.status_code == 302
    done = visitor.get(response.headers["Location"])
    assert "hanako@example.jp" in text_of(done)  # the flash says where the pass goes
    with app.app_context():
        registration = db.session.scalars(db.select(Registration)).one()
        assert registration.attendee_type == "buyer"
        assert registration.prefecture_code == 20
        assert registration.shares_contact is True
        assert registration.locale == "ja"
        assert db.session.scalars(db.select(Pass)).one().state == "issued"


def test_errors_are_named_at_each_field_in_japanese(
    app: Flask, visitor: Reader, open_edition: dict[str, Any]
) -> None:
    response = register(
        visitor,
        open_edition["id"],
        name="",
        email="not-an-address",
        accept_terms="false",
    )
    assert response.status_code == 422
    html = text_of(response)
    assert 'id="f-name-error">入力してください。' in html
    assert 'id="f-email-error">name@example.jp のようなメールアドレス' in html
    assert 'id="f-accept_terms-error">登録するには規約に同意してください。' in html
    assert 'aria-invalid="true"' in html
    assert 'value="株式会社木の家"' in html  # nothing typed is lost
    with app.app_context():
        assert db.session.scalars(db.select(Registration)).all() == []


def test_a_second_registration_and_a_full_edition_are_refused_on_the_page(
    organiser: Api, visitor: Reader, open_edition: dict[str, Any]
) -> None:
    assert register(visitor, open_edition["id"]).status_code == 302
    again = register(visitor, open_edition["id"])
    assert again.status_code == 422
    assert "このメールアドレスは既に" in text_of(again)

    put_settings(organiser, open_edition["id"], registration_capacity=1)
    full = register(visitor, open_edition["id"], email="jiro@example.jp")
    assert full.status_code == 422
    assert 'class="form-errors"' in text_of(full)


def test_registration_needs_the_csrf_token(visitor: Reader, open_edition: dict[str, Any]) -> None:
    url = f"/editions/{open_edition['id']}/register"
    response = visitor.client.post(url, data=registration_form())
    assert response.status_code == 400


def test_a_draft_edition_has_no_registration_page(organiser: Api, visitor: Reader) -> None:
    from tests.events.helpers import EDITIONS, edition_body

    draft = organiser.post(
        EDITIONS,
        json=edition_body(
            starts_at="2027-08-07T10:00:00+09:00", ends_at="2027-08-09T17:00:00+09:00"
        ),
    ).json
    assert visitor.get(f"/editions/{draft['id']}/register").status_code == 404


def test_registration_in_english(make_reader: Any, open_edition: dict[str, Any]) -> None:
    reader = make_reader(locale="en")
    reader.submit("/language", {"locale": "en"}, form_at="/")
    page = reader.get(f"/editions/{open_edition['id']}/register")
    assert "Pre-register to visit" in text_of(page)
    response = register(reader, open_edition["id"], email="")
    assert response.status_code == 422
    assert "This field is required." in text_of(response)
