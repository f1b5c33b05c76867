"""Tallies over 1,000,000 scans on PostgreSQL: a full recompute, incremental recomputes after
1,000 / 10,000 / 100,000 new scans, against a plain SELECT count(*) over the same table.

Run: python bench/bench_tallies.py [scans]

DATABASE_URL names the database (default
postgresql+psycopg://postgres@127.0.0.1:5432/eventhub_bench_tallies); it is dropped, created
and migrated to the heads. The bench makes one edition of three days with two gates and
250,000 visitors plus 1,000 exhibitor staff, and ``scans`` (default 1,000,000) scans generated
in the database (INSERT … SELECT generate_series, foreign keys unchecked while loading as
the rows are consistent by construction): entries, exits, re-entries over three days, refused
scans, forged codes, and one scan in 1,000 undone. Scans are received an hour ago, so all are
settled. After the setup the database is vacuumed and analysed, as autovacuum would have.

Prints the load average (the machine may be shared), the seconds of each step and its ratio
to the count(*) of the same run. Targets: full
recompute under 2 s; incremental cost proportional to the new scans (per-scan cost of the
three sizes within a factor of a few, and far below a full recompute for small batches).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from eventhub import create_app
from eventhub.extensions import db
from eventhub.tallies import service

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/eventhub_bench_tallies"
VISITORS = 250_000
STAFF = 1_000
STARTS = datetime(2027, 8, 7, 1, tzinfo=UTC)  # 10:00 in Tokyo


def fresh_database(url: str) -> str:
    parsed = make_url(url).set(drivername="postgresql+psycopg")
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parsed.database}"')
    return parsed.render_as_string(hide_password=False)


def setup_edition() -> int:
    """An edition, two gates, an exhibitor with staff, visitors and their passes, in SQL."""
    run = db.session.execute
    edition_id = run(
        sa.text(
            "INSERT INTO editions (series_id, fiscal_year, title_ja, title_en, starts_at, ends_at,"
            " timezone, format, status, waitlist_offer_hours, waitlist_when_full, staff_per_unit,"
            " version, created_at, updated_at) VALUES (1, 2027, 'ベンチ', 'Bench', :s, :e,"
            " 'Asia/Tokyo', 'in_person', 'open', 72, true, 3, 1, now(), now()) RETURNING id"
        ),
        {"s": STARTS, "e": STARTS + timedelta(days=2, hours=7)},
    ).scalar_one()
    for name in ("東1ホール入口", "西2ホール入口"):
        run(
            sa.text("INSERT INTO gates (edition_id, name_ja) VALUES (:e, :n)"),
            {"e": edition_id, "n": name},
        )
    org = run(
        sa.text(
            "INSERT INTO organisations (name, name_kana, kind, prefecture_code, postal_code,"
            " address, phone, created_at, updated_at) VALUES ('木の家', 'キノイエ', 'company', 20,"
            " '3800001', '長野市', '0260000000', now(), now()) RETURNING id"
        )
    ).scalar_one()
    app_id = run(
        sa.text(
            "INSERT INTO applications (edition_id, organisation_id, status, co_exhibitors,"
            " will_sell, needs_electricity, heavy_items, series_fields, version, created_at,"
            " updated_at) VALUES (:e, :o, 'approved', '[]', false, false, false, '{}', 1, now(),"
            " now()) RETURNING id"
        ),
        {"e": edition_id, "o": org},
    ).scalar_one()
    run(
        sa.text(
            "INSERT INTO registrations (edition_id, name, email, email_key, prefecture_code,"
            " attendee_type, terms_accepted_at, shares_contact, locale, created_at)"
            " SELECT :e, 'v', 'v' || i || '@x.jp', 'v' || i || '@x.jp',"
            " CASE WHEN i % 10 = 0 THEN NULL ELSE 1 + i % 47 END,"
            " (ARRAY['general', 'buyer', 'press', 'vip'])[1 + i % 4], now(), false, 'ja', now()"
            " FROM generate_series(1, :n) AS i"
        ),
        {"e": edition_id, "n": VISITORS},
    )
    run(
        sa.text(
            "INSERT INTO passes (edition_id, kind, registration_id, holder_name, holder_email,"
            " state, serial, created_at) SELECT edition_id, attendee_type, id, name, email,"
            " 'issued', 1, now() FROM registrations WHERE edition_id = :e"
        ),
        {"e": edition_id},
    )
    run(
        sa.text(
            "INSERT INTO staff_members (application_id, name, email, email_key, created_at)"
            " SELECT :a, 's', 's' || i || '@x.jp', 's' || i || '@x.jp', now()"
            " FROM generate_series(1, :n) AS i"
        ),
        {"a": app_id, "n": STAFF},
    )
    run(
        sa.text(
            "INSERT INTO passes (edition_id, kind, staff_member_id, holder_name, holder_email,"
            " state, serial, created_at) SELECT :e, 'exhibitor_staff', id, name, email,"
            " 'issued', 1, now() FROM staff_members WHERE application_id = :a"
        ),
        {"e": edition_id, "a": app_id},
    )
    db.session.commit()
    return int(edition_id)


def add_scans(edition_id: int, count: int) -> None:
    """``count`` scans: of every 8, 3 entries, 3 exits, 1 refusal, 1 forged; a few undone."""
    first_pass, last_pass = db.session.execute(
        sa.text("SELECT min(id), max(id) FROM passes WHERE edition_id = :e"), {"e": edition_id}
    ).one()
    gates = db.session.scalars(
        sa.text("SELECT id FROM gates WHERE edition_id = :e ORDER BY id"), {"e": edition_id}
    ).all()
    start = db.session.scalar(sa.text("SELECT coalesce(max(id), 0) FROM scans"))
    # The rows are made consistent by construction: no foreign key check per row while loading
    # (a third of the generation time otherwise); indexes and constraints stay as migrated.
    db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    db.session.execute(
        sa.text(
            "INSERT INTO scans (edition_id, pass_id, gate_id, direction, result, scanned_at,"
            " received_at, method)"
            " SELECT :e, CASE WHEN i % 8 = 7 THEN NULL ELSE :p0 + (i * 7919) % :np END,"
            " CASE WHEN i % 2 = 0 THEN :g1 ELSE :g2 END,"
            " CASE WHEN i % 8 IN (3, 4, 5) THEN 'exit' ELSE 'entry' END,"
            " (ARRAY['admitted', 'reentry_admitted', 'reentry_admitted', 'exited', 'exited',"
            "  'exited', 'already_inside', 'forged'])[1 + i % 8],"
            " :t + make_interval(days => ((i / 7) % 3)::int, secs => (i * 37) % 25200),"
            " now() - interval '1 hour', 'qr'"
            " FROM generate_series(CAST(:a AS bigint), CAST(:b AS bigint)) AS i"
        ),
        {"e": edition_id, "p0": first_pass, "np": last_pass - first_pass + 1, "g1": gates[0],
         "g2": gates[1], "t": STARTS, "a": start + 1, "b": start + count},
    )  # fmt: skip
    # One scan in 1,000 (an entry: ids follow i, and 1,000 is a multiple of 8) is undone by
    # gate staff; the undo is a later scan.
    db.session.execute(
        sa.text(
            "INSERT INTO scans (edition_id, pass_id, gate_id, direction, result, scanned_at,"
            " received_at, method, undoes_id)"
            " SELECT edition_id, pass_id, gate_id, direction, result,"
            " scanned_at + interval '1 min', now() - interval '1 hour', 'undo', id FROM scans"
            " WHERE edition_id = :e AND id > :a AND id % 1000 = 0 AND result = 'admitted'"
        ),
        {"e": edition_id, "a": start},
    )
    db.session.commit()
    db.session.execute(sa.text("ANALYZE scans"))
    db.session.commit()


def timed(step: object) -> float:
    began = time.perf_counter()
    step()  # type: ignore[operator]
    return time.perf_counter() - began


def main() -> int:
    scans = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    url = fresh_database(os.environ.get("DATABASE_URL") or DEFAULT_URL)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        edition_id = setup_edition()
        # As autovacuum would have by the event: statistics for the planner, and the visibility
        # map that lets registrations be counted by an index-only scan.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        began = time.perf_counter()
        add_scans(edition_id, scans)
        print(f"generated {scans:,} scans in {time.perf_counter() - began:.2f} s")

        def count() -> None:
            db.session.scalar(sa.text("SELECT count(*) FROM scans"))

        timed(count)  # warm the cache as the tallies will find it
        count_s = min(timed(count) for _ in range(3))
        print("load average: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
        full_s = timed(lambda: service.recompute_full(edition_id))
        again_s = timed(lambda: service.recompute_full(edition_id))
        figures = service.edition_figures(edition_id)
        print(f"SELECT count(*):            {count_s:7.3f} s")
        print(f"full recompute (first):     {full_s:7.3f} s  = {full_s / count_s:5.1f} x count(*)")
        print(
            f"full recompute (replacing): {again_s:7.3f} s  = {again_s / count_s:5.1f} x count(*)"
        )
        print(f"  visitors {figures.visitors:,}, entries {figures.entries:,}, "
              f"days {dict(figures.visitors_by_day)}")  # fmt: skip
        per_scan = []
        for batch in (1_000, 10_000, 100_000):
            add_scans(edition_id, batch)
            seconds = timed(lambda: service.recompute_incremental(edition_id))
            per_scan.append(seconds / batch)
            print(
                f"incremental +{batch:>7,} scans: {seconds:7.3f} s = {seconds / count_s:5.2f} x "
                f"count(*), {seconds / batch * 1e6:6.1f} µs per new scan"
            )
        total = db.session.scalar(sa.text("SELECT count(*) FROM scans"))
        kept = service.edition_figures(edition_id)
        service.recompute_full(edition_id)
        fresh = service.edition_figures(edition_id)
        fields = ("visitors", "entries", "visitors_by_day", "entries_by_hour", "visitors_by_type",
                  "visitors_by_prefecture", "visitors_by_gate", "exhibitors_present")  # fmt: skip
        incremental_ok = all(getattr(kept, f) == getattr(fresh, f) for f in fields)
        print(f"{total:,} scans in all; full after incremental agrees: {incremental_ok}")
    ok = full_s < 2.0
    print("target full < 2 s:", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
