"""A database restart costs one retryable 503, never a 500, and the next request works."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from eventhub.extensions import db
from eventhub.passes import device_auth, signing
from eventhub.passes.models import Scan
from tests.conftest import Api
from tests.passes.gate_helpers import DAY1_MORNING, SCANS, edition, issue_pass, make_device

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


def test_a_scan_on_a_lost_connection_answers_503_and_the_retry_is_counted_once(
    service_app: Flask, service_organiser: Api
) -> None:
    """The scan path talks to psycopg directly (scan_batches): same 503, same recovery."""
    signing.forget()
    device_auth.forget()
    ed = edition(service_organiser)
    device = make_device(service_organiser, ed["id"])
    issued = issue_pass(service_app, ed["id"])
    body = {"token": issued.token, "nonce": "outage-1", "scanned_at": DAY1_MORNING}
    assert device.post(SCANS, json={**body, "nonce": "outage-0"}).json["result"] == "admitted"
    assert _kill_the_apps_connections(service_app) >= 1

    lost = device.post(SCANS, json={**body, "direction": "exit"})
    assert lost.status_code == 503, lost.json
    assert lost.json["code"] == "database_unavailable"

    retried = device.post(SCANS, json={**body, "direction": "exit"})
    assert retried.status_code == 200, retried.json
    assert retried.json["result"] == "exited"
    with service_app.app_context():
        scans = db.session.scalar(
            sa.select(sa.func.count()).select_from(Scan).where(Scan.pass_id == issued.id)
        )
        assert scans == 2
        db.session.remove()
