"""The organisers' audit log page: the API's entries with their filters, paged, each action
named in Japanese or English, linked from the organisers' menu."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from eventhub.accounts.models import Role
from eventhub.fields import TOKYO
from tests.applications.helpers import open_edition
from tests.conftest import Api
from tests.pages.conftest import Reader, text_of

AUDIT = "/organiser/audit"


def _history(organiser: Api, make_user: Any) -> dict[str, Any]:
    """A device added and a role granted by the API's organiser."""
    edition = open_edition(organiser)
    device = organiser.post(f"/api/v1/editions/{edition['id']}/devices", json={"name": "iPad"})
    assert device.status_code == 201, device.json
    someone = make_user()
    granted = organiser.post(f"/api/v1/users/{someone.user_id}/roles", json={"role": "reviewer"})
    assert granted.status_code == 201, granted.json
    return edition


def _rows(html: str) -> str:
    return html[html.index("<tbody>") : html.index("</tbody>")]


def test_the_log_lists_every_action_named_in_japanese_and_english(
    make_reader: Any, organiser: Api, make_user: Any
) -> None:
    _history(organiser, make_user)
    reader: Reader = make_reader(Role.ORGANISER)

    page = reader.get(AUDIT)

    assert page.status_code == 200
    html = text_of(page)
    assert f'href="{AUDIT}"' in html  # in the organisers' menu
    assert "ゲート端末の追加" in html
    assert "役割の付与" in html
    assert html.index('data-action="role.granted"') < html.index('data-action="device.created"')
    reader.submit("/language", {"locale": "en"}, form_at="/")
    english = text_of(reader.get(AUDIT))
    assert "Gate device added" in english
    assert "Role granted" in english


def test_the_log_is_filtered_by_action_actor_and_day_and_paged(
    make_reader: Any, organiser: Api, make_user: Any
) -> None:
    _history(organiser, make_user)
    reader: Reader = make_reader(Role.ORGANISER)
    email = organiser.get(f"/api/v1/users/{organiser.user_id}").json["email"]
    today = datetime.now(TOKYO).date()

    by_action = text_of(reader.get(AUDIT, query_string={"action": "role.granted"}))
    by_actor = text_of(reader.get(AUDIT, query_string={"actor": email.upper()}))
    by_other = text_of(reader.get(AUDIT, query_string={"actor": "nobody@example.jp"}))
    today_only = text_of(
        reader.get(AUDIT, query_string={"from": today.isoformat(), "to": today.isoformat()})
    )
    yesterday = (today - timedelta(days=1)).isoformat()
    before = text_of(reader.get(AUDIT, query_string={"to": yesterday}))
    everything = text_of(reader.get(AUDIT)).count("<tr data-action=")
    first = text_of(reader.get(AUDIT, query_string={"per_page": "1"}))
    second = text_of(reader.get(AUDIT, query_string={"per_page": "1", "page": "2"}))

    assert 'data-action="role.granted"' in by_action
    assert 'data-action="device.created"' not in by_action
    assert everything > 2  # also the roles given to the test's users, by nobody signed in
    assert by_actor.count("<tr data-action=") == 2
    assert 'data-action="device.created"' in by_actor
    assert "<tr data-action=" not in by_other
    assert today_only.count("<tr data-action=") == everything
    assert "<tr data-action=" not in before
    assert first.count("<tr data-action=") == second.count("<tr data-action=") == 1
    assert _rows(first) != _rows(second)
    assert "page=2" in first
    assert "per_page=1" in first


def test_a_bad_filter_is_named_and_others_are_refused(make_reader: Any) -> None:
    reader: Reader = make_reader(Role.ORGANISER)

    bad = reader.get(AUDIT, query_string={"action": "nothing.done", "from": "2027-02-30"})
    backwards = reader.get(AUDIT, query_string={"from": "2027-08-09", "to": "2027-08-07"})

    assert bad.status_code == 422
    assert 'id="f-action-error"' in text_of(bad)
    assert 'id="f-from-error"' in text_of(bad)
    assert backwards.status_code == 422
    assert 'id="f-to-error"' in text_of(backwards)
    reviewer: Reader = make_reader(Role.REVIEWER)
    assert reviewer.get(AUDIT).status_code == 403
    assert f'href="{AUDIT}"' not in text_of(reviewer.get("/organiser"))
