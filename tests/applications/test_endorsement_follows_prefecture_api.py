"""An endorsement belongs to the prefecture that gave it: naming another prefecture drops it."""

from __future__ import annotations

from eventhub.accounts.models import Role
from tests.applications.helpers import (
    application_url,
    make_organisation,
    national_zone_fields,
    open_edition,
    submitted_application,
)

QUOTAS = "/api/v1/editions/{}/prefecture-quotas"


def test_changing_the_recommending_prefecture_drops_the_endorsement(
    organiser, exhibitor, make_user
):
    national = open_edition(organiser, "national-zone")
    for code in (13, 27):
        organiser.put(QUOTAS.format(national["id"]) + f"/{code}", json={"max_endorsements": 1})
    organisation = make_organisation(exhibitor)
    application = submitted_application(
        exhibitor, national, organisation["id"], series_fields=national_zone_fields(13)
    )
    tokyo = make_user(Role.PREFECTURE_CONTACT, prefecture_code=13)
    osaka = make_user(Role.PREFECTURE_CONTACT, prefecture_code=27)
    endorsed = tokyo.post(application_url(application["id"], "endorsement"))
    assert endorsed.status_code == 200, endorsed.json

    moved = exhibitor.patch(
        application_url(application["id"]),
        json={"version": endorsed.json["version"], "series_fields": national_zone_fields(27)},
    )

    assert moved.status_code == 200, moved.json
    assert moved.json["endorsed"] is False
    assert moved.json["status"] == "submitted"
    seen_by_osaka = osaka.get(application_url(application["id"]))
    assert seen_by_osaka.json["endorsed"] is False
    used = {
        q["prefecture_code"]: q["used"] for q in organiser.get(QUOTAS.format(national["id"])).json
    }
    assert used == {13: 0, 27: 0}
    last = exhibitor.get(application_url(application["id"], "history")).json[-1]
    assert (last["from_status"], last["to_status"]) == ("submitted", "submitted")
    assert last["actor"]["id"] == exhibitor.user_id
    assert "from Tokyo to Osaka" in last["reason"]
    assert "東京都から大阪府" in last["reason"]
    # Osaka endorses with its own word, within its own quota.
    assert osaka.post(application_url(application["id"], "endorsement")).status_code == 200
    used = {
        q["prefecture_code"]: q["used"] for q in organiser.get(QUOTAS.format(national["id"])).json
    }
    assert used == {13: 0, 27: 1}


def test_an_amendment_that_keeps_the_prefecture_keeps_the_endorsement(
    organiser, exhibitor, make_user
):
    national = open_edition(organiser, "national-zone")
    organisation = make_organisation(exhibitor)
    application = submitted_application(
        exhibitor, national, organisation["id"], series_fields=national_zone_fields(13)
    )
    tokyo = make_user(Role.PREFECTURE_CONTACT, prefecture_code=13)
    endorsed = tokyo.post(application_url(application["id"], "endorsement"))

    amended = exhibitor.patch(
        application_url(application["id"]),
        json={"version": endorsed.json["version"], "series_fields": {"target_buyers": ["百貨店"]}},
    )

    assert amended.status_code == 200, amended.json
    assert amended.json["endorsed"] is True
    history = exhibitor.get(application_url(application["id"], "history")).json
    assert [step["to_status"] for step in history] == ["draft", "submitted"]
