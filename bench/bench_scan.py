"""Scan path throughput: POST /api/v1/device/scans against a bare Flask endpoint, in one run.

Run: python bench/bench_scan.py [passes] [seconds]

Builds the app on a throw-away SQLite database (and also on PostgreSQL when
EVENTHUB_BENCH_DATABASE_URL is set: that database is migrated to head, and the bench's
edition is deleted again at the end), creates an edition, a device and ``passes`` issued
passes, then sends scans and bare requests through Flask's test client in interleaved rounds
(best round counts, so a busy neighbour slows both alike). It prints requests per second of
each, their ratio, and the SQL statements per scan counted by a ``before_cursor_execute``
listener. The scan path aims at the bare endpoint's rate (docs/architecture.md, "The scan
path").
"""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, jsonify
from flask.testing import FlaskClient
from flask_migrate import upgrade

from eventhub import create_app
from eventhub.accounts import service as accounts
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.passes import signing
from eventhub.passes.models import Pass, Registration
from eventhub.passes.tokens import PassKind, TokenClaims

ROOT = Path(__file__).resolve().parent.parent
BATCH = 100
SCANNED_AT = "2027-08-07T11:00:00+09:00"


def build(database_url: str, instance: Path) -> Flask:
    os.environ.setdefault("SECRET_KEY", "eventhub-bench-secret-key")
    os.environ["EVENTHUB_INSTANCE_PATH"] = str(instance)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": False})

    @app.get("/bench/bare")
    def bare() -> Any:
        return jsonify(result="admitted", pass_id=1, inside=True)

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
    return app


def setup(app: Flask, n_passes: int) -> tuple[int, str, list[str]]:
    """An edition, a device and issued passes; returns the edition id, device token, tokens."""
    client = app.test_client()
    email = f"bench-{os.urandom(4).hex()}@example.jp"
    with app.app_context():
        accounts.create_organiser(email, "bench password 123", "ベンチ 主催者")
        db.session.commit()
    credentials = {"email": email, "password": "bench password 123"}
    login = client.post("/api/v1/auth/login", json=credentials)
    auth = {"Authorization": f"Bearer {login.json['token']}"}  # type: ignore[index]
    edition = client.post(
        "/api/v1/editions",
        headers=auth,
        json={
            "series": "takumi",
            "title_ja": "ベンチ 2027",
            "title_en": "Bench 2027",
            "starts_at": "2027-08-07T10:00:00+09:00",
            "ends_at": "2027-08-09T17:00:00+09:00",
            "format": "in_person",
        },
    ).json
    edition_id = int(edition["id"])  # type: ignore[index]
    device = client.post(
        f"/api/v1/editions/{edition_id}/devices", headers=auth, json={"name": "bench"}
    ).json
    with app.app_context():
        signing.ensure_key(edition_id)
        db.session.commit()
        signing.forget(edition_id)
        ring = signing.keyring(edition_id)
        tokens = []
        now = datetime.now(UTC)
        for i in range(n_passes):
            registration = Registration(
                edition_id=edition_id,
                name=f"来場者 {i}",
                email=f"v{i}@example.jp",
                email_key=f"v{i}@example.jp",
                terms_accepted_at=now,
            )
            db.session.add(registration)
            db.session.flush()
            row = Pass(
                edition_id=edition_id,
                kind="general",
                registration_id=registration.id,
                holder_name=registration.name,
                holder_email=registration.email,
                state="issued",
            )
            db.session.add(row)
            db.session.flush()
            claims = TokenClaims(
                row.id, edition_id, PassKind.ATTENDEE, date(2027, 8, 7), date(2027, 8, 9), None, 1
            )
            row.token = ring.sign(claims)
            tokens.append(row.token)
        db.session.commit()
    return edition_id, str(device["token"]), tokens  # type: ignore[index]


def measure(app: Flask, device_token: str, tokens: list[str], seconds: float) -> dict[str, float]:
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    client: FlaskClient = app.test_client()
    headers = {"Authorization": f"Bearer {device_token}"}
    # Entries for every pass, then exits, then re-entries, ...: every scan changes a presence.
    work = itertools.cycle(
        [(token, "entry") for token in tokens] + [(token, "exit") for token in tokens]
    )
    nonces = itertools.count()
    results: dict[str, int] = {}

    def one_scan() -> None:
        token, direction = next(work)
        body = {"token": token, "direction": direction, "scanned_at": SCANNED_AT}
        response = client.post(
            "/api/v1/device/scans", json={**body, "nonce": f"b{next(nonces)}"}, headers=headers
        )
        result = response.json["result"]  # type: ignore[index]
        results[result] = results.get(result, 0) + 1

    def one_bare() -> None:
        client.get("/bench/bare")

    one_scan()  # warm the key ring and device caches, as a running server has them
    statements = 0
    scans_before = sum(results.values())
    best = rates({"scan": one_scan, "bare": one_bare}, seconds)
    n_scans = sum(results.values()) - scans_before
    sa.event.remove(engine, "before_cursor_execute", count)
    print(f"    results: {results}")
    return {**best, "statements": statements / n_scans}


def rates(fns: dict[str, Callable[[], None]], seconds: float) -> dict[str, float]:
    """Calls per second of each function, best of short interleaved rounds."""
    best = dict.fromkeys(fns, 0.0)
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(BATCH):
                fn()
            best[name] = max(best[name], BATCH / (time.perf_counter() - start))
    return best


def run(label: str, database_url: str, n_passes: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as instance:
        app = build(database_url, Path(instance))
        edition_id, device_token, tokens = setup(app, n_passes)
        print(f"{label}: {n_passes} passes")
        figures = measure(app, device_token, tokens, seconds)
        with app.app_context():
            db.session.execute(sa.delete(Edition).where(Edition.id == edition_id))
            db.session.commit()
            db.engine.dispose()
    scan, per_scan = figures["scan"], figures["statements"]
    print(f"    scan:  {scan:8.0f} req/s  {per_scan:.2f} SQL statements/scan")
    print(f"    bare:  {figures['bare']:8.0f} req/s")
    print(f"    ratio: bare/scan = {figures['bare'] / figures['scan']:.2f}")


def main(argv: list[str]) -> int:
    n_passes = int(argv[1]) if len(argv) > 1 else 500
    seconds = float(argv[2]) if len(argv) > 2 else 10.0
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", n_passes, seconds)
    url = os.environ.get("EVENTHUB_BENCH_DATABASE_URL")
    if url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        run("PostgreSQL", url, n_passes, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
