"""An organiser is never a member of an organisation, whichever way round it would happen: the
organiser role is refused to a member (naming the organisations to leave first), as a
membership is refused to an organiser; and an invitation accepted at the moment the role is
granted leaves one of the two refused (both take the user's row lock)."""

from __future__ import annotations

import threading
from typing import Any

from eventhub.accounts.models import Role
from tests.accounts.helpers import assert_problem, join, organisation_payload
from tests.conftest import Api
from tests.pages.conftest import Reader, make_reader, text_of

__all__ = ["make_reader"]

ORGS = "/api/v1/organisations"
#: Rounds of the race: one round can happen to serialise by itself; a few in a row do not.
ROUNDS = 5


def _roles(api: Api, user_id: int) -> list[str]:
    return [r["role"] for r in api.get(f"/api/v1/users/{user_id}").json["roles"]]


def test_the_organiser_role_is_refused_to_a_member_naming_the_organisations(organiser, make_user):
    member = make_user(email="member@example.jp")
    first = member.post(ORGS, json=organisation_payload(name="株式会社一番")).json
    second = member.post(ORGS, json=organisation_payload(name="株式会社二番")).json

    refused = organiser.post(f"/api/v1/users/{member.user_id}/roles", json={"role": "organiser"})

    body = assert_problem(refused, 409, "member_not_organiser")
    assert body["organisation_ids"] == [first["id"], second["id"]]
    assert "株式会社一番, 株式会社二番" in body["title"]
    assert "leave" in body["title"]
    in_japanese = organiser.post(
        f"/api/v1/users/{member.user_id}/roles",
        json={"role": "organiser"},
        headers={"Accept-Language": "ja"},
    ).json["title"]
    assert "株式会社一番" in in_japanese
    assert "主催者" in in_japanese
    assert _roles(organiser, member.user_id) == []
    # Other roles stay open to members: a reviewer may belong to an organisation.
    reviewer = organiser.post(f"/api/v1/users/{member.user_id}/roles", json={"role": "reviewer"})
    assert reviewer.status_code == 201, reviewer.json
    # Once they have left, the role is granted.
    colleague = make_user(email="colleague@example.jp")
    for organisation in (first, second):
        join(member, colleague, organisation["id"], "colleague@example.jp")
        left = colleague.delete(f"{ORGS}/{organisation['id']}/members/{member.user_id}")
        assert left.status_code == 204, left.json
    granted = organiser.post(f"/api/v1/users/{member.user_id}/roles", json={"role": "organiser"})
    assert granted.status_code == 201, granted.json


def test_the_users_page_shows_the_refusal(make_reader, make_user):
    reader: Reader = make_reader(Role.ORGANISER)
    member = make_user(email="member@example.jp")
    member.post(ORGS, json=organisation_payload(name="株式会社一番"))
    url = f"/organiser/users/{member.user_id}"

    refused = reader.submit(url + "/roles", {"role": "organiser"}, form_at=url)

    assert refused.status_code == 409
    html = text_of(refused)
    assert "株式会社一番" in html
    assert "主催者" in html


def _at_once(app: Any, calls: list[tuple[Api, str, dict[str, Any] | None]]) -> list[int]:
    """Each (caller, url, json) POST in a thread of its own with its own client, released
    together; the status codes in the order given."""
    barrier = threading.Barrier(len(calls))
    results: list[int | None] = [None] * len(calls)

    def run(i: int) -> None:
        caller, url, body = calls[i]
        api = Api(app.test_client(), caller.token, caller.user_id)
        barrier.wait(timeout=30)
        try:
            results[i] = api.post(url, json=body).status_code
        except Exception:  # noqa: BLE001 - the test client re-raises what became a 500
            results[i] = 500

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(r is not None for r in results), "a request did not finish"
    return [r for r in results if r is not None]


def test_accepting_an_invitation_while_granted_the_organiser_role_leaves_one(
    app, organiser, make_user
):
    founder = make_user()
    organisation = founder.post(ORGS, json=organisation_payload()).json
    for round_ in range(ROUNDS):
        email = f"invitee{round_}@example.jp"
        invitee = make_user(email=email)
        invited = founder.post(f"{ORGS}/{organisation['id']}/invitations", json={"email": email})
        assert invited.status_code == 201, invited.json

        accepted, granted = _at_once(
            app,
            [
                (invitee, f"/api/v1/users/me/invitations/{invited.json['id']}/accept", None),
                (organiser, f"/api/v1/users/{invitee.user_id}/roles", {"role": "organiser"}),
            ],
        )

        # Exactly one wins, and the loser is told why.
        assert sorted([accepted, granted]) == [201, 409], (accepted, granted)
        members = founder.get(f"{ORGS}/{organisation['id']}/members").json
        is_member = invitee.user_id in [m["user"]["id"] for m in members]
        is_organiser = "organiser" in _roles(organiser, invitee.user_id)
        assert is_member != is_organiser, (accepted, granted)
        assert is_member == (accepted == 201)
