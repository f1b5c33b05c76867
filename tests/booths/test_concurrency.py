"""Concurrent allocations: requests really run at once, in threads, each on its
own connection. A booth is given once, and an application never holds more units than it
requested, whoever wins each race."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa
from flask import Flask

from eventhub.booths.models import Booth, BoothAllocation
from eventhub.extensions import db
from tests.booths.helpers import (
    application_booths_url,
    approved_application,
    booth_body,
    make_booths,
    proposal_url,
)

#: Requests sent at once; below the connection pool's 5 + 10 so none waits for a connection.
N = 8


def race(app: Flask, token: str, requests: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    """POST every request at the same moment, each from its own thread and client."""
    barrier = threading.Barrier(len(requests))

    def send(url: str, body: dict[str, Any]) -> Any:
        client = app.test_client()
        barrier.wait()
        return client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})

    with ThreadPoolExecutor(len(requests)) as pool:
        futures = [pool.submit(send, url, body) for url, body in requests]
        return [future.result(timeout=60) for future in futures]


def held_units(app: Flask) -> dict[int, int]:
    """Units each application holds, read from the database."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(BoothAllocation.application_id, sa.func.sum(Booth.units))
            .join(Booth, Booth.id == BoothAllocation.booth_id)
            .group_by(BoothAllocation.application_id)
        )
        return {application_id: int(units) for application_id, units in rows}


def codes(responses: list[Any]) -> list[str]:
    return sorted(str(r.status_code) if r.status_code < 400 else r.json["code"] for r in responses)


def test_one_booth_to_many_applications_at_once_goes_to_exactly_one(
    app, organiser, exhibitor, edition
):
    (booth,) = make_booths(organiser, edition["id"], booth_body("A-1", units=2))
    applications = [
        approved_application(organiser, exhibitor, edition, units=2, prefecture_code=n)
        for n in range(1, N + 1)
    ]

    responses = race(
        app,
        organiser.token,
        [(application_booths_url(a["id"]), {"booth_id": booth["id"]}) for a in applications],
    )

    assert codes(responses) == ["201"] + ["booth_taken"] * (N - 1)
    (winner,) = [r for r in responses if r.status_code == 201]
    assert held_units(app) == {applications[responses.index(winner)]["id"]: 2}


def test_many_booths_to_one_application_at_once_never_exceed_its_request(
    app, organiser, exhibitor, edition
):
    booths = make_booths(
        organiser, edition["id"], *[booth_body(f"A-{n}", units=1) for n in range(1, N + 1)]
    )
    application = approved_application(organiser, exhibitor, edition, units=3)

    responses = race(
        app,
        organiser.token,
        [(application_booths_url(application["id"]), {"booth_id": b["id"]}) for b in booths],
    )

    assert codes(responses) == ["201"] * 3 + ["over_requested_size"] * (N - 3)
    assert held_units(app) == {application["id"]: 3}


def test_proposals_applied_while_booths_are_given_by_hand_break_no_rule(
    app, organiser, exhibitor, edition
):
    booths = make_booths(
        organiser, edition["id"], *[booth_body(f"A-{n}", units=1) for n in range(1, N + 1)]
    )
    applications = [
        approved_application(organiser, exhibitor, edition, units=2, prefecture_code=n)
        for n in range(1, N // 2 + 1)
    ]
    apply = (proposal_url(edition["id"]), {"group_by": "prefecture", "apply": True})
    by_hand = [
        (application_booths_url(applications[n % len(applications)]["id"]), {"booth_id": b["id"]})
        for n, b in enumerate(booths[: N // 2])
    ]

    responses = race(app, organiser.token, [apply] * (N // 2) + by_hand)

    assert {r.status_code for r in responses} <= {200, 201, 409}, codes(responses)
    assert all(units <= 2 for units in held_units(app).values())
    with app.app_context():
        given = db.session.scalars(sa.select(BoothAllocation.booth_id)).all()
    assert len(given) == len(set(given))
    assert sum(held_units(app).values()) == len(given)
