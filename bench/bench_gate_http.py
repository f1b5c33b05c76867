"""Scans over real HTTP: POST /api/v1/device/scans against GET /api/v1/health/ping, one server.

Run: python bench/bench_gate_http.py [passes] [seconds]

Drops and creates the PostgreSQL database ``eventhub_bench_gate`` (server from
EVENTHUB_BENCH_PG_SERVER, default postgresql://postgres@127.0.0.1:5432), migrates it, and
creates an open edition spanning today in Tokyo, a gate device and ``passes`` issued passes
(tokens signed with the edition's key, as the issuing path does). It then starts gunicorn
(2 workers x 8 threads, gthread, as in production) on a free port, serving the app of
``gate_wsgi.py`` (wsgi.py's, plus one bench route), and loads it from this process with an
asyncio client over keep-alive connections: at concurrency 16 and then 64, the bare liveness
probe, the scan request without the scan (``gate_wsgi.py``: the same authentication and
schemas, a fixed answer) and entry scans, each scan a pass not scanned before (so nearly all
are admitted; once the passes run out the re-scans answer already_inside). The scans carry
no scanned_at: the server's clock decides the day, as at a real gate.

Prints requests per second and latency (p50, p99, in ms) of each, the ratios and the targets
(docs/architecture.md, "The scan path": aim at the bare endpoint); then sends one offline
upload of 500 scans, twice, and prints how long each took (no target). Load generator,
gunicorn and PostgreSQL share the machine, as they would share a small gate server; the bare
endpoint pays the same tax, so the ratios are what count.
Exit status 1 when a target is missed. gunicorn is stopped by its PID, also on errors.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from harness import (
    THREADS,
    WORKERS,
    Run,
    drop_database,
    free_port,
    fresh_database,
    load,
    one_request,
    pg_server,
    ping_requests,
    request_bytes,
    start_gunicorn,
    stop_gunicorn,
    wait_until_up,
)

from eventhub import create_app
from eventhub.accounts import service as accounts
from eventhub.extensions import db
from eventhub.passes import signing
from eventhub.passes.models import Pass, Registration
from eventhub.passes.tokens import PassKind, TokenClaims

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "eventhub_bench_gate"
SECRET_KEY = "eventhub-bench-gate-secret-key-0123456789"  # noqa: S105  (a bench-only key)
TOKYO = ZoneInfo("Asia/Tokyo")
SCANS = "/api/v1/device/scans"
#: Served by gate_wsgi.py only: the scan request (device, schemas) with a fixed answer.
WITHOUT_SCANNING = "/bench/scan-without-scanning"
CONCURRENCY = (16, 64)
#: Each measurement is cut in slices, bare and scan alternating; connections warm up first.
SLICES = 4
WARMUP = 1.0
SLICE_WARMUP = 0.2
BARE, SCAN = "GET health/ping", "POST device/scans"
NO_SCAN = "POST (scan request, no scan)"
# Targets (docs/architecture.md, "The scan path": aim the scan at the bare endpoint).
MIN_THROUGHPUT_RATIO = 0.5
MAX_SCAN_P99_MS_C16 = 15.0
MAX_P99_RATIO_C64 = 2.0
#: Passes of the offline upload measured at the end: 2 scans each, within the API's 500.
UPLOAD_PASSES = 250


# Database and data ---------------------------------------------------------------------------


def build(database_url: str, instance: Path) -> Flask:
    os.environ["SECRET_KEY"] = SECRET_KEY  # the server must decrypt the keys made here
    os.environ["EVENTHUB_INSTANCE_PATH"] = str(instance)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": False})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
    return app


def setup(app: Flask, n_passes: int) -> tuple[str, list[str]]:
    """An open edition spanning today (Tokyo), a device and issued passes: device token, tokens."""
    client = app.test_client()
    email = "bench-gate@example.jp"
    with app.app_context():
        accounts.create_organiser(email, "bench password 123", "ベンチ 主催者")
        db.session.commit()
    login = client.post(
        "/api/v1/auth/login", json={"email": email, "password": "bench password 123"}
    )
    auth = {"Authorization": f"Bearer {login.json['token']}"}  # type: ignore[index]
    today = datetime.now(TOKYO).date()
    first, last = today - timedelta(days=1), today + timedelta(days=1)
    response = client.post(
        "/api/v1/editions",
        headers=auth,
        json={
            "series": "takumi",
            "title_ja": "ゲート ベンチ",
            "title_en": "Gate bench",
            "starts_at": f"{first.isoformat()}T09:00:00+09:00",
            "ends_at": f"{last.isoformat()}T18:00:00+09:00",
            "format": "in_person",
        },
    )
    assert response.status_code == 201, response.json
    edition_id = int(response.json["id"])  # type: ignore[index]
    response = client.post(
        f"/api/v1/editions/{edition_id}/status", headers=auth, json={"status": "open"}
    )
    assert response.status_code == 200, response.json
    response = client.post(
        f"/api/v1/editions/{edition_id}/devices", headers=auth, json={"name": "bench gate"}
    )
    assert response.status_code == 201, response.json
    device_token = str(response.json["token"])  # type: ignore[index]
    with app.app_context():
        key = signing.ensure_key(edition_id)
        db.session.commit()
        signing.forget(edition_id)
        ring = signing.keyring(edition_id)
        tokens = insert_passes(edition_id, first, last, key.key_id, ring, n_passes)
        db.session.commit()
    return device_token, tokens


def insert_passes(
    edition_id: int,
    first: date,
    last: date,
    key_id: str,
    ring: signing.keys.KeyRing,
    n_passes: int,
) -> list[str]:
    """Registrations and issued passes with ids 1..n (a fresh database), in bulk."""
    now = datetime.now(UTC)
    ids = range(1, n_passes + 1)
    tokens = [
        ring.sign(TokenClaims(i, edition_id, PassKind.ATTENDEE, first, last, None, 1)) for i in ids
    ]
    db.session.execute(
        sa.insert(Registration),
        [
            {
                "id": i,
                "edition_id": edition_id,
                "name": f"来場者 {i}",
                "email": f"v{i}@example.jp",
                "email_key": f"v{i}@example.jp",
                "terms_accepted_at": now,
            }
            for i in ids
        ],
    )
    db.session.execute(
        sa.insert(Pass),
        [
            {
                "id": i,
                "edition_id": edition_id,
                "kind": "general",
                "registration_id": i,
                "holder_name": f"来場者 {i}",
                "holder_email": f"v{i}@example.jp",
                "state": "issued",
                "serial": 1,
                "token": token,
                "key_id": key_id,
                "issued_at": now,
            }
            for i, token in zip(ids, tokens, strict=True)
        ],
    )
    for table in ("registrations", "passes"):
        db.session.execute(
            sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :n)"), {"n": n_passes}
        )
    return tokens


# The load generator --------------------------------------------------------------------------


def scan_requests(device_token: str, tokens: list[str], path: str = SCANS) -> Iterator[bytes]:
    """Entry scans, each pass once and then again, with a fresh nonce each."""
    n = 0
    while True:
        for token in tokens:
            n += 1
            body = json.dumps({"token": token, "direction": "entry", "nonce": f"h{n}"})
            yield request_bytes("POST", path, body.encode(), device_token)


def measure(
    port: int, server_pid: int, device_token: str, tokens: list[str], seconds: float
) -> dict[tuple[str, int], Run]:
    """Per concurrency, bare and scan in alternating slices: a busy neighbour slows both alike."""
    figures: dict[tuple[str, int], Run] = {}
    scans = scan_requests(device_token, tokens)
    no_scans = scan_requests(device_token, tokens, WITHOUT_SCANNING)
    for concurrency in CONCURRENCY:
        for i in range(SLICES):
            warmup = WARMUP if i == 0 else SLICE_WARMUP
            for name, requests, results in (
                (BARE, ping_requests(), False),
                (NO_SCAN, no_scans, False),
                (SCAN, scans, True),
            ):
                run = asyncio.run(
                    load(port, requests, concurrency, seconds / SLICES, warmup, results, server_pid)
                )
                key = name, concurrency
                figures[key] = figures[key].merge(run) if key in figures else run
    return figures


def offline_upload(port: int, device_token: str, tokens: list[str]) -> None:
    """One offline upload of the last passes (not reached by the load), each in at 10:00 and
    out at 11:00 today; then the same upload again, which is answered from the store."""
    today = datetime.now(TOKYO).date().isoformat()
    scans = [
        {
            "token": token,
            "direction": direction,
            "scanned_at": f"{today}T{hour}:00:00+09:00",
            "nonce": f"offline-{direction}-{i}",
        }
        for direction, hour in (("entry", 10), ("exit", 11))
        for i, token in enumerate(tokens[-UPLOAD_PASSES:])
    ]
    body = json.dumps({"scans": scans}).encode()
    for attempt in ("first", "sent again"):
        began = time.perf_counter()
        request = request_bytes("POST", f"{SCANS}/batch", body, device_token)
        status, answer = asyncio.run(one_request(port, request))
        took = (time.perf_counter() - began) * 1000
        results = Counter(scan["result"] for scan in json.loads(answer)["scans"])
        print(
            f"offline upload of {len(scans)} scans ({UPLOAD_PASSES} passes in and out), "
            f"{attempt}: {status}, {took:.0f} ms, {dict(results)}"
        )


# Report --------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISS"


def report(figures: dict[tuple[str, int], Run]) -> bool:
    print(f"{'endpoint':<30}{'conc':>5}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}  statuses")
    for (name, concurrency), run in figures.items():
        p50, p99 = run.percentile(50), run.percentile(99)
        figures_line = f"{run.rate:>9,.0f}{p50:>9.2f}{p99:>9.2f}"
        print(f"{name:<30}{concurrency:>5}{figures_line}  {run.statuses}")
    for (_, concurrency), run in figures.items():
        if run.results:
            print(f"scan results at c={concurrency}: {run.results}")
    # Where the time goes: CPU per request of gunicorn, PostgreSQL and this load generator.
    for (name, concurrency), run in figures.items():
        shares = ", ".join(f"{k} {v:.3f}" for k, v in run.cpu_ms_per_request().items())
        print(f"CPU ms/request {name} c={concurrency}: {shares}")
    all_ok = True
    for concurrency in CONCURRENCY:
        bare, scan = figures[BARE, concurrency], figures[SCAN, concurrency]
        ceiling = figures[NO_SCAN, concurrency].rate / bare.rate
        print(
            f"c={concurrency}: the scan request without the scan / bare throughput "
            f"{ceiling:.2f} (no target: what HTTP, authentication and schemas leave)"
        )
        throughput = scan.rate / bare.rate
        p99_ratio = scan.percentile(99) / bare.percentile(99)
        ok = throughput >= MIN_THROUGHPUT_RATIO
        all_ok &= ok
        print(
            f"c={concurrency}: scan/bare throughput {throughput:.2f} "
            f"(target >= {MIN_THROUGHPUT_RATIO}): {verdict(ok)}; "
            f"scan p99 / bare p99 {p99_ratio:.2f}"
        )
        if concurrency == 16:
            ok = scan.percentile(99) < MAX_SCAN_P99_MS_C16
            all_ok &= ok
            print(
                f"c=16: scan p99 {scan.percentile(99):.2f} ms "
                f"(target < {MAX_SCAN_P99_MS_C16:.0f} ms): {verdict(ok)}"
            )
        if concurrency == 64:
            ok = p99_ratio <= MAX_P99_RATIO_C64
            all_ok &= ok
            print(f"c=64: scan p99 <= {MAX_P99_RATIO_C64:.0f}x bare p99: {verdict(ok)}")
    return all_ok


def main(argv: list[str]) -> int:
    n_passes = int(argv[1]) if len(argv) > 1 else 30_000
    seconds = float(argv[2]) if len(argv) > 2 else 8.0
    server_url = pg_server()
    began = time.monotonic()
    database_url = fresh_database(server_url, DATABASE)
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        app = build(database_url, instance)
        device_token, tokens = setup(app, n_passes)
        with app.app_context():
            db.engine.dispose()
        print(
            f"PostgreSQL {DATABASE}: {n_passes} passes, set up in {time.monotonic() - began:.1f} s"
        )
        port = free_port()
        log = instance / "gunicorn.log"
        server = start_gunicorn(database_url, instance, port, log, SECRET_KEY, "gate_wsgi:app")
        try:
            wait_until_up(server, port, log, timeout=20)
            print(f"gunicorn pid {server.pid}: -w {WORKERS} -k gthread --threads {THREADS}")
            figures = measure(port, server.pid, device_token, tokens, seconds)
            offline_upload(port, device_token, tokens)
        finally:
            stop_gunicorn(server)
    drop_database(server_url, DATABASE)
    all_ok = report(figures)
    print(f"whole run {time.monotonic() - began:.1f} s")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
