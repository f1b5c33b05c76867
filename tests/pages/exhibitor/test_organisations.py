"""An exhibitor's organisations: register, edit, members, calendar link; strangers get 404."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.accounts.helpers import organisation_payload
from tests.pages.conftest import Reader, text_of
from tests.pages.exhibitor.helpers import register_organisation


def test_register_names_every_bad_field_in_japanese(exhibitor_page: Reader) -> None:
    response = exhibitor_page.submit(
        "/my/organisations/new",
        organisation_payload(
            name="", corporate_number="1234567890123", name_kana="Yamada", phone="12"
        ),
    )
    assert response.status_code == 422
    body = text_of(response)
    assert 'id="f-name-error"' in body
    assert "必須" in body
    assert 'id="f-corporate_number-error"' in body
    assert 'id="f-name_kana-error"' in body
    assert 'id="f-phone-error"' in body
    # What was typed stays in the form.
    assert 'value="1234567890123"' in body


def test_register_edit_and_list(exhibitor_page: Reader) -> None:
    page = exhibitor_page.get("/my/organisations/new")
    assert page.status_code == 200
    assert "法人番号" in text_of(page)
    organisation_id = register_organisation(
        exhibitor_page, corporate_number="7000012050002", name="株式会社山田製作所"
    )
    shown = text_of(exhibitor_page.get(f"/organisations/{organisation_id}"))
    assert "株式会社山田製作所" in shown
    assert "7000012050002" in shown

    form = f"/organisations/{organisation_id}/edit"
    assert "株式会社山田製作所" in text_of(exhibitor_page.get(form))
    response = exhibitor_page.submit(
        form, organisation_payload(name="株式会社山田工芸", website="https://yamada.example.jp")
    )
    assert response.status_code == 302
    listed = text_of(exhibitor_page.get("/my/organisations"))
    assert "株式会社山田工芸" in listed
    assert "東京都" in listed


def test_members_invited_by_email_accept_and_are_removed(
    exhibitor_page: Reader, make_reader: Callable[..., Reader]
) -> None:
    colleague = make_reader()
    organisation_id = register_organisation(exhibitor_page)
    url = f"/organisations/{organisation_id}/invitations"
    at = f"/organisations/{organisation_id}"

    # An address without an account is invited as any other: the page does not tell.
    unknown = exhibitor_page.submit(url, {"email": "nobody@example.jp"}, form_at=at)
    assert unknown.status_code == 302
    assert "nobody@example.jp" in text_of(exhibitor_page.get(at))
    refused = exhibitor_page.submit(url, {"email": "not-an-address"}, form_at=at)
    assert refused.status_code == 422
    assert 'id="f-email-error"' in text_of(refused)

    assert colleague.get(at).status_code == 404
    invited = exhibitor_page.submit(url, {"email": colleague.email}, form_at=at)
    assert invited.status_code == 302
    assert colleague.email in text_of(exhibitor_page.get(at))  # waiting for the answer
    assert colleague.get(at).status_code == 404  # not a member before accepting
    invitations = text_of(colleague.get("/account/invitations"))
    assert "株式会社テスト工芸" in invitations
    accept = re.search(r'action="(/account/invitations/\d+/accept)"', invitations)
    assert accept is not None
    accepted = colleague.submit(accept.group(1), form_at="/account/invitations")
    assert accepted.status_code == 302
    assert accepted.headers["Location"] == at
    assert colleague.get(at).status_code == 200

    remove = f"/organisations/{organisation_id}/members/{colleague.user_id}/remove"
    assert exhibitor_page.submit(remove, form_at=at).status_code == 302
    assert colleague.get(at).status_code == 404


def test_another_organisation_is_404_and_csrf_is_required(
    exhibitor_page: Reader, make_reader: Callable[..., Reader]
) -> None:
    organisation_id = register_organisation(exhibitor_page)
    stranger = make_reader()
    for url in (f"/organisations/{organisation_id}", f"/organisations/{organisation_id}/edit"):
        assert stranger.get(url).status_code == 404
    edit = f"/organisations/{organisation_id}/edit"
    assert (
        stranger.submit(edit, organisation_payload(), form_at="/my/organisations/new").status_code
        == 404
    )
    # Without the token the form is refused, and nothing changes.
    response = exhibitor_page.client.post(edit, data=organisation_payload(name="乗っ取り"))
    assert response.status_code == 400
    assert "乗っ取り" not in text_of(exhibitor_page.get(f"/organisations/{organisation_id}"))


def test_private_calendar_link_shown_once_and_renewed(exhibitor_page: Reader) -> None:
    organisation_id = register_organisation(exhibitor_page)
    at = f"/organisations/{organisation_id}"
    url = f"{at}/calendar-link"
    first = exhibitor_page.submit(url, {"lang": "ja"}, form_at=at)
    assert first.status_code == 200
    body = text_of(first)
    assert "/api/v1/calendars/" in body
    assert "webcal://" in body
    link = body.split('id="calendar-url" type="text" readonly value="')[1].split('"')[0]
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert exhibitor_page.client.get("/" + path).status_code == 200

    # Shown only when made; a new one stops the old.
    assert "/api/v1/calendars/" not in text_of(exhibitor_page.get(at))
    second = text_of(exhibitor_page.submit(url, {"lang": "en"}, form_at=at))
    assert link not in second
    assert "/api/v1/calendars/" in second
