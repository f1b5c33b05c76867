"""The migration that makes invitations address-based keeps every invitation: each takes its
invitee's address, the open ones stay open; downgrading drops only the invitations no account
has answered for. Run on a scratch database of its own, on SQLite or on PostgreSQL as the
suite is."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from eventhub import create_app
from eventhub.extensions import db
from tests import services

BEFORE = "c8e1f5a2d7b4"
AFTER = "d4a7c1e9f3b6"
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def _scratch_url(tmp_path: Path) -> str:
    url = os.environ.get("EVENTHUB_TEST_DATABASE_URL")
    if url and url.startswith("postgres"):
        return services.fresh_postgres_database(
            services.per_worker_database(url + "_migrate_invitations")
        )
    return f"sqlite:///{tmp_path / 'migrate.sqlite3'}"


def _insert(table: str, **values: object) -> int:
    columns = ", ".join(values)
    params = ", ".join(f":{name}" for name in values)
    query = f"INSERT INTO {table} ({columns}) VALUES ({params}) RETURNING id"  # noqa: S608
    return int(db.session.execute(sa.text(query), values).scalar_one())


def _user(email: str) -> int:
    now = datetime.now(UTC)
    return _insert(
        "users",
        email=email,
        email_key=email.casefold(),
        password_hash="x",
        display_name="x",
        locale="ja",
        is_active=True,
        created_at=now,
        updated_at=now,
    )


def _organisation() -> int:
    now = datetime.now(UTC)
    return _insert(
        "organisations",
        name="株式会社移行",
        name_kana="カブシキガイシャイコウ",
        kind="company",
        prefecture_code=13,
        postal_code="100-0001",
        address="東京都千代田区",
        phone="03-1234-5678",
        created_at=now,
        updated_at=now,
    )


def _invitation(organisation_id: int, status: str, **values: object) -> int:
    now = datetime.now(UTC)
    return _insert(
        "membership_invitations",
        organisation_id=organisation_id,
        status=status,
        created_at=now,
        expires_at=now + timedelta(days=14),
        **values,
    )


def _rows() -> list[tuple[int, int | None, str | None, str]]:
    query = "SELECT id, user_id, email_key, status FROM membership_invitations ORDER BY id"
    return [tuple(row) for row in db.session.execute(sa.text(query))]  # type: ignore[misc]


def test_invitations_take_their_invitees_address_and_downgrade_back(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": _scratch_url(tmp_path)})
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE)
        organisation = _organisation()
        hanako, taro = _user("Hanako@Example.jp"), _user("taro@example.jp")
        open_ = _invitation(organisation, "pending", user_id=hanako)
        answered = _invitation(organisation, "declined", user_id=taro)
        db.session.commit()

        upgrade(directory=MIGRATIONS, revision=AFTER)
        assert _rows() == [
            (open_, hanako, "hanako@example.jp", "pending"),
            (answered, taro, "taro@example.jp", "declined"),
        ]
        emails = db.session.scalars(sa.text("SELECT email FROM membership_invitations"))
        assert sorted(emails) == ["Hanako@Example.jp", "taro@example.jp"]
        # The address is what is unique among open invitations now, and an address without
        # an account may be invited.
        unknown = _invitation(
            organisation, "pending", email="new@example.jp", email_key="new@example.jp"
        )
        second_address = _invitation(
            organisation,
            "pending",
            user_id=hanako,
            email="h2@example.jp",
            email_key="h2@example.jp",
        )
        db.session.commit()
        try:
            _invitation(organisation, "pending", email="new@example.jp", email_key="new@example.jp")
        except sa.exc.IntegrityError:
            db.session.rollback()
        else:
            raise AssertionError("two open invitations of one address")

        downgrade(directory=MIGRATIONS, revision=BEFORE)
        rows = db.session.execute(
            sa.text("SELECT id, user_id, status FROM membership_invitations ORDER BY id")
        ).all()
        # The invitation no account answered for goes; of a person's two open ones, one stays.
        assert [tuple(row) for row in rows] == [
            (open_, hanako, "pending"),
            (answered, taro, "declined"),
            (second_address, hanako, "cancelled"),
        ]
        assert unknown not in [row.id for row in rows]
        db.session.commit()

        upgrade(directory=MIGRATIONS, revision="heads")
        assert _rows()[0] == (open_, hanako, "hanako@example.jp", "pending")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
