"""A database restart costs one retryable 503, never a 500, and the next request works."""

from __future__ import annotations

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask

from eventhub.checkin import device_auth, scan_batches
from eventhub.checkin.models import Scan
from eventhub.extensions import db
from eventhub.passes import signing
from tests.checkin.gate_helpers import DAY1_MORNING, SCANS, edition, issue_pass, make_device
from tests.conftest import Api

pytestmark = pytest.mark.service


def _kill_the_apps_connections(app: Flask) -> int:
    """What a PostgreSQL restart does to the pool: every server process behind it is gone."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return len(
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": url.database},
                ).all()
            )
    finally:
        admin.dispose()


def test_a_lost_connection_answers_503_then_the_pool_recovers(service_app: Flask) -> None:
    client = service_app.test_client()
    assert client.get("/api/v1/series").status_code == 200  # a pooled connection exists
    assert _kill_the_apps_connections(service_app) >= 1

    lost = client.get("/api/v1/series", headers={"Accept-Language": "en"})
    assert lost.status_code == 503
    assert lost.mimetype == "application/problem+json"
    assert lost.json["code"] == "database_unavailable"
    assert lost.headers["Retry-After"] == "1"

    assert client.get("/api/v1/series").status_code == 200
    with service_app.app_context():
        db.session.remove()


@pytest.fixture
def gate(service_app: Flask, service_organiser: Api) -> tuple[Api, str]:
    """A device of a new edition and the token of one issued pass."""
    signing.forget()
    device_auth.forget()
    ed = edition(service_organiser)
    return make_device(service_organiser, ed["id"]), issue_pass(service_app, ed["id"]).token


def test_a_database_restart_costs_a_scan_nothing(service_app: Flask, gate: tuple[Api, str]) -> None:
    """The scan path keeps its own connection (scan_batches): found dead, it is replaced and
    the batch sent again, so the gate sees no error, and the scan is stored once."""
    device, token = gate
    body = {"token": token, "scanned_at": DAY1_MORNING}
    assert device.post(SCANS, json={**body, "nonce": "restart-0"}).json["result"] == "admitted"
    assert _kill_the_apps_connections(service_app) >= 1

    after = device.post(SCANS, json={**body, "nonce": "restart-1", "direction": "exit"})
    assert after.status_code == 200, after.json
    assert after.json["result"] == "exited"
    with service_app.app_context():
        stored = db.session.scalars(sa.select(Scan.nonce).where(Scan.nonce.like("restart-%")))
        assert sorted(stored) == ["restart-0", "restart-1"]
        db.session.remove()


def test_a_scan_whose_new_connection_dies_too_answers_503_then_works(
    service_app: Flask, gate: tuple[Api, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    device, token = gate
    dead = psycopg.connect(
        sa.make_url(service_app.config["SQLALCHEMY_DATABASE_URI"])
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )
    dead.close()
    monkeypatch.setattr(scan_batches.GroupCommit, "connection", lambda self: dead)
    body = {"token": token, "scanned_at": DAY1_MORNING, "nonce": "dead-1"}

    lost = device.post(SCANS, json=body, headers={"Accept-Language": "en"})
    assert lost.status_code == 503, lost.json
    assert lost.mimetype == "application/problem+json"
    assert lost.json["code"] == "database_unavailable"
    assert lost.headers["Retry-After"] == "1"

    monkeypatch.undo()
    retried = device.post(SCANS, json=body)
    assert retried.status_code == 200, retried.json
    assert retried.json["result"] == "admitted"
