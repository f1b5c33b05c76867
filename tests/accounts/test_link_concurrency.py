"""Requests racing with one mailed link or one address: a link is used once, a mail goes once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from tests.accounts.helpers import mailed_token, mails_to
from tests.conftest import Api

THREADS = 8
EMAIL = "race@example.jp"


def _race(app: Any, request: Callable[[Api, int], Any]) -> list[tuple[int, Any]]:
    """Run ``request`` in THREADS threads at once, each with its own client."""
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, Any] | None] = [None] * THREADS

    def run(i: int) -> None:
        api = Api(app.test_client())
        barrier.wait(timeout=30)
        try:
            response = request(api, i)
        except Exception as exc:  # noqa: BLE001 - the test client re-raises what became a 500
            results[i] = (500, repr(exc))
        else:
            results[i] = (response.status_code, response.get_json(silent=True))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(r is not None for r in results), "a request did not finish"
    return [r for r in results if r is not None]


def test_one_reset_link_sent_at_once_many_times_sets_one_password(app, make_user, client):
    make_user(email=EMAIL)
    Api(client).post("/api/v1/auth/password-reset", json={"email": EMAIL})
    token = mailed_token(app, EMAIL, "/account/password/reset/")

    def confirm(api: Api, i: int) -> Any:
        body = {"token": token, "password": f"new passphrase number {i}"}
        return api.post("/api/v1/auth/password-reset/confirm", json=body)

    results = _race(app, confirm)

    assert sorted(status for status, _ in results) == [204] + [422] * (THREADS - 1), results
    winner = next(i for i, (status, _) in enumerate(results) if status == 204)
    login = {"email": EMAIL, "password": f"new passphrase number {winner}"}
    assert client.post("/api/v1/auth/login", json=login).status_code == 201


def test_reset_requests_at_once_mail_once(app, make_user):
    make_user(email=EMAIL)

    results = _race(
        app, lambda api, _: api.post("/api/v1/auth/password-reset", json={"email": EMAIL})
    )

    assert [status for status, _ in results] == [202] * THREADS, results
    assert len(mails_to(app, EMAIL)) == 1
