"""Failed logins lock the email for a while: password guessing gets a few tries a minute."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from eventhub.accounts import service
from eventhub.accounts.models import LoginThrottle
from eventhub.db import utcnow
from eventhub.extensions import db
from tests.accounts.helpers import assert_problem, login
from tests.checkin.test_scan_races import at_once
from tests.conftest import PASSWORD

ALLOWED = service.LOGIN_FAILURES_ALLOWED
#: The address Flask's test client sends from.
CLIENT = "127.0.0.1"


@pytest.fixture
def alice(make_user):
    return make_user(email="alice@example.jp")


def _fail(client, email: str, times: int) -> list[int]:
    return [login(client, email, "a wrong guess").status_code for _ in range(times)]


def _throttle(app, email: str = "alice@example.jp") -> LoginThrottle | None:
    with app.app_context():
        return db.session.get(LoginThrottle, (email, CLIENT))


def test_failures_in_a_row_lock_the_email_even_for_the_right_password(client, alice):
    assert _fail(client, "alice@example.jp", ALLOWED) == [401] * ALLOWED

    locked = login(client, "alice@example.jp")
    in_japanese = client.post(
        "/api/v1/auth/login",
        json={"email": "ALICE@example.jp", "password": "x"},
        headers={"Accept-Language": "ja"},
    )

    body = assert_problem(locked, 429, "login_locked")
    assert 0 < int(locked.headers["Retry-After"]) <= 30
    assert "token" not in body
    assert assert_problem(in_japanese, 429, "login_locked")["title"].startswith("このメール")


def test_the_lock_lasts_longer_with_each_further_failure_and_is_capped():
    locks = [service.lock_for(n) for n in range(1, ALLOWED + 10)]
    assert locks[: ALLOWED - 1] == [timedelta(0)] * (ALLOWED - 1)
    assert locks[ALLOWED - 1 : ALLOWED + 2] == [timedelta(seconds=s) for s in (30, 60, 120)]
    assert locks[-1] == service.LOGIN_LOCK_MAX


def test_once_the_lock_has_passed_the_right_password_logs_in_and_clears_the_streak(
    app, client, alice
):
    _fail(client, "alice@example.jp", ALLOWED)
    with app.app_context():
        db.session.execute(
            sa.update(LoginThrottle).values(locked_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()

    assert login(client, "alice@example.jp").status_code == 201
    assert _throttle(app) is None
    assert _fail(client, "alice@example.jp", ALLOWED - 1) == [401] * (ALLOWED - 1)


def test_a_success_between_failures_starts_the_count_again(app, client, alice):
    _fail(client, "alice@example.jp", ALLOWED - 1)
    assert login(client, "alice@example.jp").status_code == 201
    assert _fail(client, "alice@example.jp", ALLOWED - 1) == [401] * (ALLOWED - 1)
    assert login(client, "alice@example.jp").status_code == 201


def test_an_unknown_email_locks_the_same_way_so_a_lock_reveals_no_account(client, alice):
    assert _fail(client, "nobody@example.jp", ALLOWED) == [401] * ALLOWED
    assert_problem(login(client, "nobody@example.jp"), 429, "login_locked")
    assert login(client, "alice@example.jp").status_code == 201  # other emails are untouched


def test_failures_an_hour_old_are_forgotten(app, alice):
    earlier = utcnow() - service.LOGIN_FAILURES_FORGOTTEN - timedelta(minutes=1)
    with app.app_context():
        for _ in range(ALLOWED - 1):
            assert service.authenticate("alice@example.jp", "wrong", CLIENT, now=earlier) is None
        db.session.commit()
        assert service.authenticate("alice@example.jp", "wrong", CLIENT) is None
        db.session.commit()
        throttle = db.session.get(LoginThrottle, ("alice@example.jp", CLIENT))
        assert (throttle.failures, throttle.locked_until) == (1, None)


def test_simultaneous_failures_are_each_counted(app, alice):
    guesses = 2 * ALLOWED

    def guess(client, i: int):
        return login(client, "alice@example.jp", f"guess {i}")

    answers = at_once(app, guesses, guess)

    assert {answer.status_code for answer in answers} <= {401, 429}
    throttle = _throttle(app)
    counted = sum(answer.status_code == 401 for answer in answers)
    assert throttle.failures == counted
    assert throttle.locked_until is not None


def test_beat_deletes_the_streaks_that_no_longer_count(app, client, alice):
    _fail(client, "old@example.jp", 1)
    _fail(client, "alice@example.jp", ALLOWED)
    later = utcnow() + service.LOGIN_FAILURES_FORGOTTEN + timedelta(minutes=1)
    with app.app_context():
        assert service.forget_login_failures() == 0  # both still count now
        still_locked = sa.update(LoginThrottle).where(LoginThrottle.email_key == "alice@example.jp")
        db.session.execute(still_locked.values(locked_until=later + timedelta(minutes=1)))
        db.session.commit()
        # old's rows (its client's and every client's); alice's lock holds
        assert service.forget_login_failures(later) == 2
        assert db.session.get(LoginThrottle, ("alice@example.jp", CLIENT)) is not None
        assert service.forget_login_failures(later + timedelta(minutes=2)) == 2


# Per client address --------------------------------------------------------------------------

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
VICTIM = {"REMOTE_ADDR": "192.0.2.10"}


def _login_from(client, where: dict[str, str], password: str = PASSWORD, **kw):
    return client.post(
        "/api/v1/auth/login",
        json={"email": "alice@example.jp", "password": password},
        environ_base=where,
        **kw,
    )


def test_a_stranger_failing_logins_does_not_lock_the_owner_out(client, alice):
    guesses = [_login_from(client, ATTACKER, "a guess").status_code for _ in range(ALLOWED)]

    attacker_again = _login_from(client, ATTACKER)  # even with the right password
    victim = _login_from(client, VICTIM)

    assert guesses == [401] * ALLOWED
    assert_problem(attacker_again, 429, "login_locked")
    assert victim.status_code == 201
    assert_problem(_login_from(client, ATTACKER, "a guess"), 429, "login_locked")


def test_failures_from_many_addresses_together_lock_the_email_for_all(client, alice, monkeypatch):
    monkeypatch.setattr(service, "LOGIN_EMAIL_FAILURES_ALLOWED", 2 * ALLOWED - 2)
    for n in range(2):
        where = {"REMOTE_ADDR": f"203.0.113.{n}"}
        assert [_login_from(client, where, "guess").status_code for _ in range(ALLOWED - 1)] == [
            401
        ] * (ALLOWED - 1)

    assert_problem(_login_from(client, VICTIM), 429, "login_locked")


def test_the_client_address_comes_from_x_forwarded_for_only_behind_trusted_proxies(
    app, client, alice
):
    from tests.conftest import _make_app

    behind = _make_app(
        app.config["SQLALCHEMY_DATABASE_URI"], Path(app.instance_path), EVENTHUB_TRUSTED_PROXIES=1
    ).test_client()
    attacker = {"X-Forwarded-For": "203.0.113.66"}
    victim = {"X-Forwarded-For": "192.0.2.10"}
    for _ in range(ALLOWED):
        assert _login_from(behind, {}, "a guess", headers=attacker).status_code == 401

    assert_problem(_login_from(behind, {}, headers=attacker), 429, "login_locked")
    assert _login_from(behind, {}, headers=victim).status_code == 201
    # Without trusted proxies, anyone can write the header: it does not move the client.
    for _ in range(ALLOWED):
        assert _login_from(client, {}, "a guess", headers=attacker).status_code == 401
    assert_problem(_login_from(client, {}, headers=victim), 429, "login_locked")
