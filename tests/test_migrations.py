"""The schema comes from the migrations, and the migrations match the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from eventhub.accounts.models import email_key
from eventhub.extensions import db


# SQLite cannot reflect expression indexes; the uniqueness tests below cover them there.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression")
def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_series_are_seeded_by_the_migration(app):
    with app.app_context():
        slugs = db.session.scalars(sa.text("SELECT slug FROM series ORDER BY id")).all()
    assert slugs == ["national-zone", "takumi", "mokucolle"]


def _insert_user(email: str) -> None:
    db.session.execute(
        sa.text(
            "INSERT INTO users (email, email_key, password_hash, display_name, locale,"
            " is_active, created_at, updated_at) VALUES (:email, :key, 'x', 'x', 'ja', true,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        {"email": email, "key": email_key(email)},
    )


def test_email_is_unique_whatever_its_case_in_the_database(app):
    with app.app_context():
        _insert_user("Ärger@Example.jp")
        with pytest.raises(sa.exc.IntegrityError):
            _insert_user("ärger@example.JP")
        db.session.rollback()


def test_check_constraint_keeps_roles_valid(app):
    with app.app_context():
        _insert_user("hanako@example.jp")
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(
                sa.text(
                    "INSERT INTO role_grants (user_id, role, granted_at)"
                    " SELECT id, 'emperor', CURRENT_TIMESTAMP FROM users"
                )
            )
        db.session.rollback()
