"""Calendar feeds: building a 10,000-session feed, and serving a stored feed over HTTP.

Run: python bench/bench_feeds.py [sessions=10000] [seconds=8] [served_sessions=200]

Drops and creates the PostgreSQL database ``eventhub_bench_feeds`` (server from
EVENTHUB_BENCH_PG_SERVER, default postgresql://postgres@127.0.0.1:5432), migrates it, and
inserts an open edition with ``sessions`` sessions (a quarter of them owned by exhibitors,
some cancelled, long Japanese titles and descriptions) and a second edition of
``served_sessions`` sessions, the size of a real edition's timetable.

1. Build, in this process, alternating ``ROUNDS`` (5) rounds of each:
   - eventhub: ``build.edition_feed`` — the SQL query, every VEVENT, VTIMEZONE, bytes;
   - bare: the same VEVENTs (same properties and values) made with icalendar directly from
     rows already in memory, the same VTIMEZONE, ``to_ical()``.
   Target: eventhub ≤ 1.2× the bare time (best round of each).
2. Serve, through gunicorn (2 workers × 8 threads, gthread) on a free port, at c = 16 and
   c = 64, in alternating slices: the bare liveness probe ``GET /api/v1/health/ping`` and the
   stored edition feed ``GET /api/v1/editions/<id>/calendar.ics`` as calendar clients ask for
   it (Accept-Encoding: gzip); then the same feed with If-None-Match (304), for information.
   Target: feed rate ≥ 0.8× the probe's, at each concurrency.

Exit status 1 when a target is missed. gunicorn is stopped by its PID, also on errors.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from harness import (
    ROOT,
    THREADS,
    WORKERS,
    Run,
    drop_database,
    free_port,
    fresh_database,
    load,
    pg_server,
    ping_requests,
    repeat,
    request_bytes,
    start_gunicorn,
    stop_gunicorn,
    wait_until_up,
)
from icalendar import Calendar, Event

from eventhub import create_app
from eventhub.accounts.models import Organisation
from eventhub.calendars import build
from eventhub.events.models import Edition, TimetableSession
from eventhub.extensions import db

DATABASE = "eventhub_bench_feeds"
SECRET_KEY = "eventhub-bench-feeds-secret-key-0123456789"  # noqa: S105  (a bench-only key)
ROUNDS = 5
CONCURRENCY = (16, 64)
SLICES = 4
WARMUP, SLICE_WARMUP = 1.0, 0.2
MAX_BUILD_RATIO = 1.2
MIN_SERVE_RATIO = 0.8
BARE, FEED, NOT_MODIFIED = "GET health/ping", "GET calendar.ics (gzip)", "GET calendar.ics 304"
KINDS = ("demonstration", "hands_on", "seminar", "business_meeting")
TITLE = "伝統工芸の実演と体験「江戸切子のグラスを職人と一緒に作ってみよう」その{}"
DESCRIPTION = "職人が道具の使い方から仕上げまでを実演します。材料費込み、初心者歓迎。" * 3


# Data ----------------------------------------------------------------------------------------


def make_app(database_url: str, instance: Path) -> Flask:
    os.environ["SECRET_KEY"] = SECRET_KEY
    os.environ["EVENTHUB_INSTANCE_PATH"] = str(instance)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": False})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
    return app


def insert_edition(n_sessions: int, title: str) -> int:
    now = datetime.now(UTC)
    first = datetime(2027, 10, 28, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo
    edition = Edition(
        series_id=2,
        fiscal_year=2027,
        title_ja=title,
        title_en="Takumi bench",
        venue_ja="東京ビッグサイト 西1ホール",
        starts_at=first,
        ends_at=first + timedelta(days=2, hours=7),
        format="in_person",
        status="open",
    )
    db.session.add(edition)
    organisation = Organisation(
        name="株式会社ベンチ工房",
        name_kana="ベンチコウボウ",
        kind="company",
        prefecture_code=13,
        postal_code="1350063",
        address="東京都江東区有明3-11-1",
        phone="03-0000-0000",
    )
    db.session.add(organisation)
    db.session.flush()
    rows = []
    for i in range(n_sessions):
        start = first + timedelta(days=i % 3, minutes=(i * 7) % 400)
        rows.append(
            {
                "edition_id": edition.id,
                "kind": KINDS[i % 4],
                "title_ja": TITLE.format(i),
                "title_en": f"Craft session {i}",
                "description_ja": DESCRIPTION,
                "starts_at": start,
                "ends_at": start + timedelta(minutes=45),
                "place": f"ホール{'ABCD'[i % 4]} ステージ{i % 12}",
                "seats": 10 if KINDS[i % 4] in ("hands_on", "business_meeting") else None,
                "organisation_id": organisation.id if i % 4 == 0 else None,
                "status": "cancelled" if i % 50 == 0 else "scheduled",
                "version": 1 + i % 3,
                "created_at": now,
                "updated_at": now,
            }
        )
    db.session.execute(sa.insert(TimetableSession), rows)
    db.session.commit()
    return edition.id


# 1. Building ---------------------------------------------------------------------------------


#: The Japanese kind labels, written out: the baseline uses no message catalogue.
JA_KINDS = {
    "demonstration": "実演",
    "hands_on": "体験",
    "seminar": "セミナー",
    "business_meeting": "商談",
}


def bare_build(ctx: build.EditionContext, rows: list[Any]) -> bytes:
    """The same VEVENTs as the feed's, made with icalendar directly, and nothing else."""
    calendar = Calendar()
    for key, value in (("prodid", "-//bench//JA"), ("version", "2.0")):
        calendar.add(key, value)
    for row in rows:
        event = Event()
        event.add("uid", f"session-{row.id}@{ctx.domain}")
        event.add("dtstamp", row.updated_at.astimezone(UTC).replace(microsecond=0))
        event.add("created", row.created_at.astimezone(UTC).replace(microsecond=0))
        event.add("last-modified", row.updated_at.astimezone(UTC).replace(microsecond=0))
        event.add("sequence", row.version - 1)
        event.add("dtstart", row.starts_at.astimezone(ctx.zone))
        event.add("dtend", row.ends_at.astimezone(ctx.zone))
        event.add("summary", f"【{JA_KINDS[row.kind]}】{row.title_ja}")
        event.add("status", "CANCELLED" if row.status == "cancelled" else "CONFIRMED")
        event.add("transp", "OPAQUE")
        event.add("location", f"{ctx.venue}, {row.place}")
        parts = [row.description_ja]
        if row.organisation_name:
            parts.append(f"出展者: {row.organisation_name}")
        if row.seats:
            parts.append(f"定員 {row.seats}名")
        event.add("description", "\n".join(parts))
        event.add("url", f"{ctx.url}/sessions/{row.id}")
        event.add("categories", [JA_KINDS[row.kind]])
        calendar.add_component(event)
    calendar.add_missing_timezones()
    body: bytes = calendar.to_ical()
    return body


@dataclass
class BuildFigures:
    ours: float
    bare: float
    ours_cpu: float
    bare_cpu: float
    size: int
    bare_size: int


def measure_build(app: Flask, edition_id: int) -> BuildFigures:
    """Best of ROUNDS alternating rounds; wall time (what counts) and this process's CPU time
    (what a busy neighbour cannot inflate)."""
    with app.test_request_context():
        edition = db.session.get(Edition, edition_id)
        assert edition is not None
        ctx = build.EditionContext(edition, "ja")
        rows = list(build.session_rows(TimetableSession.edition_id == edition_id))
        ours, bare, ours_cpu, bare_cpu = [], [], [], []
        for _ in range(ROUNDS):
            began, cpu = time.perf_counter(), time.process_time()
            body, _count = build.edition_feed(edition_id, "ja", None)
            ours.append(time.perf_counter() - began)
            ours_cpu.append(time.process_time() - cpu)
            began, cpu = time.perf_counter(), time.process_time()
            bare_body = bare_build(ctx, rows)
            bare.append(time.perf_counter() - began)
            bare_cpu.append(time.process_time() - cpu)
            db.session.rollback()
    return BuildFigures(
        min(ours), min(bare), min(ours_cpu), min(bare_cpu), len(body), len(bare_body)
    )


# 2. Serving ----------------------------------------------------------------------------------


def feed_requests(path: str, etag: str | None = None) -> Any:
    headers = {"Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    return repeat(request_bytes("GET", path, headers=headers))


async def first_etag(port: int, path: str) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request_bytes("GET", path, headers={"Accept-Encoding": "gzip"}))
        head = await reader.readuntil(b"\r\n\r\n")
    finally:
        writer.close()
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.lower() == b"etag":
            return value.strip().decode()
    raise RuntimeError(f"no ETag on {path}: {head!r}")


def measure_serving(port: int, path: str, seconds: float) -> dict[tuple[str, int], Run]:
    etag = asyncio.run(first_etag(port, path))  # built by this first request, then stored
    figures: dict[tuple[str, int], Run] = {}
    for concurrency in CONCURRENCY:
        for i in range(SLICES):
            warmup = WARMUP if i == 0 else SLICE_WARMUP
            for name, requests in (
                (BARE, ping_requests()),
                (FEED, feed_requests(path)),
                (NOT_MODIFIED, feed_requests(path, etag)),
            ):
                run = asyncio.run(load(port, requests, concurrency, seconds / SLICES, warmup))
                key = name, concurrency
                figures[key] = figures[key].merge(run) if key in figures else run
    return figures


# Report --------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISS"


def report(figures: BuildFigures, n: int, serving: dict[Any, Run]) -> bool:
    ratio = figures.ours / figures.bare
    ok = ratio <= MAX_BUILD_RATIO
    print(f"build {n:,} sessions (best of {ROUNDS}): eventhub {figures.ours:.2f} s "
          f"({figures.size:,} bytes), bare icalendar {figures.bare:.2f} s "
          f"({figures.bare_size:,} bytes)")  # fmt: skip
    print(f"build eventhub/bare {ratio:.2f} (target <= {MAX_BUILD_RATIO}): {verdict(ok)}; "
          f"CPU time {figures.ours_cpu:.2f} s / {figures.bare_cpu:.2f} s = "
          f"{figures.ours_cpu / figures.bare_cpu:.2f}")  # fmt: skip
    print(f"{'endpoint':<26}{'conc':>5}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}  statuses")
    for (name, concurrency), run in serving.items():
        p50, p99 = run.percentile(50), run.percentile(99)
        print(f"{name:<26}{concurrency:>5}{run.rate:>9,.0f}{p50:>9.2f}{p99:>9.2f}  {run.statuses}")
    for concurrency in CONCURRENCY:
        bare_rate = serving[BARE, concurrency].rate
        feed = serving[FEED, concurrency].rate / bare_rate
        not_modified = serving[NOT_MODIFIED, concurrency].rate / bare_rate
        served_ok = feed >= MIN_SERVE_RATIO
        ok &= served_ok
        print(f"c={concurrency}: feed/bare {feed:.2f} (target >= {MIN_SERVE_RATIO}): "
              f"{verdict(served_ok)}; 304/bare {not_modified:.2f}")  # fmt: skip
    return ok


def main(argv: list[str]) -> int:
    n_sessions = int(argv[1]) if len(argv) > 1 else 10_000
    seconds = float(argv[2]) if len(argv) > 2 else 8.0
    served_sessions = int(argv[3]) if len(argv) > 3 else 200
    server_url = pg_server()
    began = time.monotonic()
    database_url = fresh_database(server_url, DATABASE)
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        app = make_app(database_url, instance)
        with app.app_context():
            big = insert_edition(n_sessions, "匠の技の祭典 ベンチ（大）")
            served = insert_edition(served_sessions, "匠の技の祭典 ベンチ")
        print(f"PostgreSQL {DATABASE}: set up in {time.monotonic() - began:.1f} s")
        build_figures = measure_build(app, big)
        with app.app_context():
            db.engine.dispose()
        port = free_port()
        log = instance / "gunicorn.log"
        server = start_gunicorn(database_url, instance, port, log, SECRET_KEY)
        try:
            wait_until_up(server, port, log, timeout=20)
            print(f"gunicorn pid {server.pid}: -w {WORKERS} -k gthread --threads {THREADS}")
            path = f"/api/v1/editions/{served}/calendar.ics"
            serving = measure_serving(port, path, seconds)
        finally:
            stop_gunicorn(server)
    drop_database(server_url, DATABASE)
    ok = report(build_figures, n_sessions, serving)
    print(f"whole run {time.monotonic() - began:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
