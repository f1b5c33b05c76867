"""Two people removing each other at the same moment: the last organiser and the last member of
an organisation stay, however the requests interleave (a count under a lock, not before it)."""

from __future__ import annotations

import threading
from typing import Any

from eventhub.accounts.models import Role
from tests.accounts.helpers import join, organisation_payload
from tests.conftest import Api

#: Rounds of the race: one round can happen to serialise by itself; a few in a row do not.
ROUNDS = 5


def _delete_at_once(app: Any, requests: list[tuple[Api, str]]) -> list[int]:
    """Each (caller, url) DELETE in a thread of its own with its own client, released
    together; the status codes, sorted."""
    barrier = threading.Barrier(len(requests))
    results: list[int | None] = [None] * len(requests)

    def run(i: int) -> None:
        caller, url = requests[i]
        api = Api(app.test_client(), caller.token, caller.user_id)
        barrier.wait(timeout=30)
        try:
            results[i] = api.delete(url).status_code
        except Exception:  # noqa: BLE001 - the test client re-raises what became a 500
            results[i] = 500

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(r is not None for r in results), "a request did not finish"
    return sorted(r for r in results if r is not None)


def _organiser_grant(api: Api, user_id: int) -> int:
    roles = api.get(f"/api/v1/users/{user_id}").json["roles"]
    return next(r["id"] for r in roles if r["role"] == Role.ORGANISER)


def test_two_organisers_revoking_each_other_leave_one(app, make_user):
    first = make_user(Role.ORGANISER)
    for _ in range(ROUNDS):
        second = make_user(Role.ORGANISER)
        first_grant = _organiser_grant(first, first.user_id)
        second_grant = _organiser_grant(first, second.user_id)

        statuses = _delete_at_once(
            app,
            [
                (first, f"/api/v1/users/{second.user_id}/roles/{second_grant}"),
                (second, f"/api/v1/users/{first.user_id}/roles/{first_grant}"),
            ],
        )

        # The loser is refused: the last organiser, or no organiser any more when it asked.
        assert statuses[0] == 204, statuses
        assert statuses[1] in (403, 409), statuses
        left = [a for a in (first, second) if a.get("/api/v1/users").status_code == 200]
        assert len(left) == 1, statuses
        listed = left[0].get("/api/v1/users", query_string={"role": "organiser"}).json
        assert listed["total"] == 1
        first = left[0]


def test_two_members_removing_each_other_leave_one(app, make_user):
    for round_ in range(ROUNDS):
        founder = make_user()
        colleague = make_user(email=f"colleague{round_}@example.jp")
        body = organisation_payload(name=f"株式会社競争{round_}")
        organisation = founder.post("/api/v1/organisations", json=body).json
        members = f"/api/v1/organisations/{organisation['id']}/members"
        join(founder, colleague, organisation["id"], f"colleague{round_}@example.jp")

        statuses = _delete_at_once(
            app,
            [
                (founder, f"{members}/{colleague.user_id}"),
                (colleague, f"{members}/{founder.user_id}"),
            ],
        )

        # The loser is refused: the last member, or no member any more when it asked.
        assert statuses[0] == 204, statuses
        assert statuses[1] in (404, 409), statuses
        left = [a for a in (founder, colleague) if a.get(members).status_code == 200]
        assert len(left) == 1, statuses
        assert [m["user"]["id"] for m in left[0].get(members).json] == [left[0].user_id]
