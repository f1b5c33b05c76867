"""An edition's registrations for organisers: searched and paged, with the erasure of an
attendee's personal data behind a confirmation (a POST form with its CSRF token), done as the
API does it and recorded in the audit log."""

from __future__ import annotations

from typing import Any

from eventhub.accounts.models import Role
from tests.applications.helpers import open_edition
from tests.conftest import Api
from tests.pages.conftest import Reader, text_of
from tests.passes.helpers import register


def _url(edition_id: int) -> str:
    return f"/organiser/editions/{edition_id}/registrations"


def _erasures(organiser: Api) -> list[dict[str, Any]]:
    response = organiser.get("/api/v1/audit-events", query_string={"action": "registration.erased"})
    assert response.status_code == 200, response.json
    return list(response.json["items"])


def test_an_organiser_finds_an_attendee_and_erases_them_after_confirming(
    make_reader: Any, organiser: Api
) -> None:
    edition = open_edition(organiser)
    hanako = register(
        Api(organiser.client), edition["id"], name="佐藤 花子", email="hanako@example.jp"
    )
    register(Api(organiser.client), edition["id"], name="山田 太郎", email="taro@example.jp")
    reader: Reader = make_reader(Role.ORGANISER)
    url = _url(edition["id"])

    listed = text_of(reader.get(url))
    found = text_of(reader.get(url, query_string={"q": "hanako@"}))
    paged = text_of(reader.get(url, query_string={"per_page": "1", "page": "2"}))
    assert "佐藤 花子" in listed
    assert "山田 太郎" in listed
    assert f'href="{url}"' in listed  # a tab of the edition's pages
    assert "佐藤 花子" in found
    assert "山田 太郎" not in found
    assert paged.count("<tr data-registration=") == 1

    confirm_url = f"{url}/{hanako['id']}/erase"
    confirm = reader.get(confirm_url)
    assert confirm.status_code == 200
    assert "取り消せません" in text_of(confirm)
    assert reader.client.post(confirm_url).status_code == 400  # no CSRF token
    assert "佐藤 花子" in text_of(reader.get(url))

    erased = reader.submit(confirm_url, {}, form_at=confirm_url)
    assert erased.status_code == 302
    after = text_of(reader.get(url))
    assert "佐藤 花子" not in after
    assert "hanako@example.jp" not in after
    assert "山田 太郎" in after
    assert "消去しました" in after
    again = reader.submit(confirm_url, {}, form_at=confirm_url)
    assert again.status_code == 302
    (event,) = _erasures(organiser)
    assert (event["target_type"], event["target_id"]) == ("registration", hanako["id"])
    assert event["actor_id"] == reader.user_id
    assert event["edition_id"] == edition["id"]


def test_the_api_erasure_is_recorded_and_others_may_not_erase(
    make_reader: Any, organiser: Api
) -> None:
    edition = open_edition(organiser)
    other = open_edition(organiser)
    person = register(Api(organiser.client), edition["id"], email="someone@example.jp")
    api_url = f"/api/v1/editions/{edition['id']}/registrations/{person['id']}/erase"

    assert organiser.post(api_url).status_code == 200
    assert organiser.post(api_url).status_code == 200
    assert len(_erasures(organiser)) == 1
    reviewer: Reader = make_reader(Role.REVIEWER)
    assert reviewer.get(_url(edition["id"])).status_code == 403
    mismatch = make_reader(Role.ORGANISER).get(f"{_url(other['id'])}/{person['id']}/erase")
    assert mismatch.status_code == 404
