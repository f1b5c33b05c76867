"""都道府県推薦 on pages: a prefecture contact sees the applications naming its prefecture,
endorses within the quota and withdraws an endorsement."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from eventhub.accounts.models import Role
from tests.applications.helpers import application_url, make_organisation, submitted_application
from tests.conftest import PASSWORD, Api
from tests.pages.conftest import Reader, text_of

PAGE = "/prefecture/"


def _endorse_url(application: dict[str, Any]) -> str:
    return f"/prefecture/applications/{application['id']}/endorsement"


def _rows(response: Any) -> list[int]:
    assert response.status_code == 200, text_of(response)
    return [int(i) for i in re.findall(r'<tr id="application-(\d+)">', text_of(response))]


def _quota_left(response: Any) -> list[str]:
    return re.findall(r'class="number quota-left">(\d+)<', text_of(response))


def test_the_contact_sees_its_prefectures_applications_only(
    make_reader: Callable[..., Reader], apply: Callable[..., Any]
) -> None:
    mine = apply(recommended_by=13)
    apply(recommended_by=27)
    contact = make_reader(Role.PREFECTURE_CONTACT, prefecture_code=13)
    page = contact.get(PAGE)
    assert _rows(page) == [mine["id"]]
    assert "東京都を記載した申込" in text_of(page)


def test_endorse_within_the_quota_and_withdraw(
    make_reader: Callable[..., Reader],
    apply: Callable[..., Any],
    organiser: Api,
    edition: dict[str, Any],
) -> None:
    first, second = apply(), apply()
    organiser.put(
        f"/api/v1/editions/{edition['id']}/prefecture-quotas/13", json={"max_endorsements": 1}
    )
    contact = make_reader(Role.PREFECTURE_CONTACT, prefecture_code=13)
    assert _quota_left(contact.get(PAGE)) == ["1"]

    done = contact.submit(_endorse_url(first), form_at=PAGE)
    assert done.status_code == 303
    assert organiser.get(application_url(first["id"])).json["endorsed"] is True
    after = contact.get(PAGE)
    assert "申込を推薦しました" in text_of(after)
    assert _quota_left(after) == ["0"]
    assert "推薦枠を使い切っています" in text_of(after)

    refused = contact.submit(_endorse_url(second), form_at=PAGE)
    assert refused.status_code == 409
    assert "この都道府県は推薦枠（1件）をすべて使っています" in text_of(refused)
    assert organiser.get(application_url(second["id"])).json["endorsed"] is False

    withdrawn = contact.submit(_endorse_url(first) + "/withdraw", form_at=PAGE)
    assert withdrawn.status_code == 303
    assert organiser.get(application_url(first["id"])).json["endorsed"] is False
    assert _quota_left(contact.get(PAGE)) == ["1"]
    assert contact.submit(_endorse_url(second), form_at=PAGE).status_code == 303


def test_another_prefectures_application_is_404(
    make_reader: Callable[..., Reader], apply: Callable[..., Any], organiser: Api
) -> None:
    osaka = apply(recommended_by=27)
    contact = make_reader(Role.PREFECTURE_CONTACT, prefecture_code=13)
    response = contact.submit(_endorse_url(osaka), form_at=PAGE)
    assert response.status_code == 404
    assert organiser.get(application_url(osaka["id"])).json["endorsed"] is False


def test_roles_and_csrf(
    make_reader: Callable[..., Reader], apply: Callable[..., Any], organiser: Api
) -> None:
    application = apply()
    assert make_reader().get(PAGE).status_code == 403
    assert make_reader(Role.REVIEWER).get(PAGE).status_code == 403
    contact = make_reader(Role.PREFECTURE_CONTACT, prefecture_code=13)
    assert contact.client.post(_endorse_url(application)).status_code == 400
    assert organiser.get(application_url(application["id"])).json["endorsed"] is False


def test_the_contact_cannot_endorse_their_own_organisations_application(
    make_reader: Callable[..., Reader], organiser: Api, edition: dict[str, Any]
) -> None:
    contact = make_reader(Role.PREFECTURE_CONTACT, prefecture_code=13)
    login = organiser.client.post(
        "/api/v1/auth/login", json={"email": contact.email, "password": PASSWORD}
    )
    insider = Api(organiser.client, login.json["token"], contact.user_id)
    organisation = make_organisation(insider, name="株式会社身内")
    own = submitted_application(
        insider,
        edition,
        organisation["id"],
        series_fields={
            "recommending_prefecture_code": 13,
            "prefecture_contact": {
                "name": "県 担当",
                "email": "c@pref.example.jp",
                "phone": "0312345678",
            },
            "target_buyers": ["百貨店"],
        },
    )
    refused = contact.submit(_endorse_url(own), form_at=PAGE)
    assert refused.status_code == 403
    assert "申込団体のメンバーのため" in text_of(refused)
    assert organiser.get(application_url(own["id"])).json["endorsed"] is False
