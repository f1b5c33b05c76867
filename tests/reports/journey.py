"""Everything the report journey makes through the API: exhibitors, visitors, scans, tallies."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.accounts.helpers import organisation_payload, verify_by_mail
from tests.applications.helpers import application_body, edition_body, set_edition_status
from tests.checkin.gate_helpers import SCANS, make_device, make_gate
from tests.conftest import PASSWORD, Api
from tests.passes.helpers import get_pass, register
from tests.waiting import wait_until

EDITIONS = "/api/v1/editions"
WAIT_SECONDS = 90
_counter = itertools.count(1)


def wait_for(what: str, check: Any, timeout: float = WAIT_SECONDS) -> Any:
    """Poll ``check()`` until it returns something truthy; fail with ``what`` after timeout."""
    return wait_until(check, timeout, 0.2, what)


def sign_up(organiser: Api) -> Api:
    """A new exhibitor account, logged in, on the organiser's client."""
    email = f"exhibitor-{next(_counter)}-{time.monotonic_ns()}@example.jp"
    client = organiser.client
    created = client.post(
        "/api/v1/users", json={"email": email, "password": PASSWORD, "display_name": "出展 担当"}
    )
    assert created.status_code == 201, created.json
    verify_by_mail(client, email)
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 201, login.json
    return Api(client, login.json["token"])


def edition(organiser: Api, series: str, starts: str, ends: str, **overrides: Any) -> dict:
    body = edition_body(series, starts_at=starts, ends_at=ends, **overrides)
    response = organiser.post(EDITIONS, json=body)
    assert response.status_code == 201, response.json
    return dict(response.json)


def exhibit(organiser: Api, exhibitor: Api, ed: dict, members: list[tuple[int, str]]) -> None:
    """One approved application per (prefecture code, organisation kind)."""
    series = ed["series"]["slug"]
    for code, kind in members:
        name = "浜松市" if kind == "municipality" else f"出展者{code:02d}株式会社"
        organisation = exhibitor.post(
            "/api/v1/organisations",
            json=organisation_payload(name=name, kind=kind, prefecture_code=code),
        )
        assert organisation.status_code == 201, organisation.json
        body = application_body(series, organisation.json["id"], ed["format"])
        draft = exhibitor.post(f"{EDITIONS}/{ed['id']}/applications", json=body)
        assert draft.status_code == 201, draft.json
        submitted = exhibitor.post(f"/api/v1/applications/{draft.json['id']}/submit", json={})
        assert submitted.status_code == 200, submitted.json
        decision = {"decision": "approved", "version": submitted.json["version"]}
        approved = organiser.post(
            f"/api/v1/applications/{draft.json['id']}/decision", json=decision
        )
        assert approved.status_code == 200, approved.json


def finish(organiser: Api, ed: dict) -> None:
    for status in ("closed", "held"):
        set_edition_status(organiser, ed["id"], status)


class Gate:
    """A gate device of an edition, scanning at given local times."""

    def __init__(self, organiser: Api, edition_id: int) -> None:
        gate = make_gate(organiser, edition_id, "西展示棟入口")
        self.device = make_device(organiser, edition_id, gate["id"])

    def scan(self, token: str, at: str, direction: str = "entry") -> str:
        body = {"token": token, "direction": direction, "scanned_at": at,
                "nonce": f"report-{next(_counter)}"}  # fmt: skip
        response = self.device.post(SCANS, json=body)
        assert response.status_code == 200, response.json
        return str(response.json["result"])


def visitors(organiser: Api, edition_id: int, count: int) -> list[str]:
    """``count`` visitors registered through the API, their passes issued by the worker."""
    anonymous = Api(organiser.client)
    pass_ids = [
        register(anonymous, edition_id, email=f"visitor{next(_counter)}@example.jp")["pass"]["id"]
        for _ in range(count)
    ]

    def token(pass_id: int) -> str | None:
        current = get_pass(organiser, pass_id)
        return current["token"] if current["state"] == "issued" else None

    return [wait_for(f"pass {pass_id} issued", lambda p=pass_id: token(p)) for pass_id in pass_ids]


def tallied(organiser: Api, edition_id: int, visitors: int) -> dict:
    """Full recomputes in the worker until every scan is counted; the live figures."""

    def counted() -> dict | None:
        started = organiser.post(f"{EDITIONS}/{edition_id}/tallies/recompute")
        assert started.status_code == 202, started.json
        wait_for(
            "the full recompute",
            lambda: organiser.get(started.headers["Location"]).json["state"] == "done",
        )
        live = organiser.get(f"{EDITIONS}/{edition_id}/tallies").json
        done = live["pending_scans"] == 0 and live["figures"]["visitors"] == visitors
        return live if done else None

    # Scans younger than the tallies' settle time wait for the next run.
    return dict(wait_for("every scan counted", counted))
