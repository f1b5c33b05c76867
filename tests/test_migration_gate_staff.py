"""The migration that scopes gate staff to editions keeps everyone's role: an unscoped grant
becomes one per edition not yet ended (or the one that ended last), and downgrading folds them
back. Run on a scratch database of its own, on SQLite or on PostgreSQL as the suite is."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from eventhub import create_app
from eventhub.extensions import db
from tests import services

BEFORE = "9cdd705e580b"
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def _scratch_url(tmp_path: Path) -> str:
    url = os.environ.get("EVENTHUB_TEST_DATABASE_URL")
    if url and url.startswith("postgres"):
        return services.fresh_postgres_database(services.per_worker_database(url + "_migrate"))
    return f"sqlite:///{tmp_path / 'migrate.sqlite3'}"


def _edition(title: str, ends: datetime) -> int:
    now = datetime.now(UTC)
    return int(
        db.session.execute(
            sa.text(
                "INSERT INTO editions (series_id, fiscal_year, title_ja, title_en, starts_at,"
                " ends_at, timezone, format, waitlist_offer_hours, waitlist_when_full,"
                " staff_per_unit, status, version, created_at, updated_at) VALUES (1, 2026,"
                " :t, :t, :s, :e, 'Asia/Tokyo', 'in_person', 48, false, 2, 'draft', 1, :n, :n)"
                " RETURNING id"
            ),
            {"t": title, "s": ends - timedelta(days=2), "e": ends, "n": now},
        ).scalar_one()
    )


def _grants(user_id: int) -> list[tuple[str, int | None]]:
    rows = db.session.execute(
        sa.text("SELECT role, edition_id FROM role_grants WHERE user_id = :u ORDER BY id"),
        {"u": user_id},
    )
    return [(row.role, row.edition_id) for row in rows]


def _roles(user_id: int) -> list[str]:
    query = sa.text("SELECT role FROM role_grants WHERE user_id = :u ORDER BY id")
    return list(db.session.scalars(query, {"u": user_id}))


def _user(email: str) -> int:
    now = datetime.now(UTC)
    return int(
        db.session.execute(
            sa.text(
                "INSERT INTO users (email, email_key, password_hash, display_name, locale,"
                " is_active, created_at, updated_at) VALUES (:e, :e, 'x', 'x', 'ja', true,"
                " :n, :n) RETURNING id"
            ),
            {"e": email, "n": now},
        ).scalar_one()
    )


def _grant(user_id: int, role: str) -> None:
    db.session.execute(
        sa.text("INSERT INTO role_grants (user_id, role, granted_at) VALUES (:u, :r, :n)"),
        {"u": user_id, "r": role, "n": datetime.now(UTC)},
    )


def test_gate_staff_grants_become_grants_per_running_edition_and_fold_back(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": _scratch_url(tmp_path)})
    now = datetime.now(UTC)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE)
        past = _edition("昨年", now - timedelta(days=300))
        running = _edition("今年", now + timedelta(days=1))
        coming = _edition("来年", now + timedelta(days=300))
        staff, organiser = _user("gate@example.jp"), _user("org@example.jp")
        _grant(staff, "gate_staff")
        _grant(organiser, "organiser")
        db.session.commit()

        upgrade(directory=MIGRATIONS, revision="heads")
        assert _grants(staff) == [("gate_staff", running), ("gate_staff", coming)]
        assert _grants(organiser) == [("organiser", None)]
        assert past not in {edition for _, edition in _grants(staff)}

        db.session.commit()  # a migration waits for the locks of an open read
        downgrade(directory=MIGRATIONS, revision=BEFORE)
        assert _roles(staff) == ["gate_staff"]
        assert _roles(organiser) == ["organiser"]

        # With every edition over, the grant goes to the one that ended last.
        db.session.execute(
            sa.text("DELETE FROM editions WHERE id IN (:a, :b)"), {"a": running, "b": coming}
        )
        db.session.commit()
        upgrade(directory=MIGRATIONS, revision="heads")
        assert _grants(staff) == [("gate_staff", past)]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
