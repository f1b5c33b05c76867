"""The declarative base, its naming convention and the column types every model shares."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, scoped_session

# Stable constraint names: migrations can drop and alter what they can name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike.

    SQLite has no time zone type, so values are stored as naive UTC and given their zone back
    on the way out. A naive datetime is refused: it would be read as UTC silently.
    """

    impl = sa.DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(sa.DateTime(timezone=True))
        return dialect.type_descriptor(sa.DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; give it a time zone")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless asked on every connection.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL lets readers go on while a writer commits, and NORMAL syncs at checkpoints rather
        # than on every commit: a scan's commit no longer waits for the disk. A committed
        # transaction survives a crash of the process; only a power cut can lose the last ones.
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def utcnow() -> datetime:
    return datetime.now(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def enum_check(column: str, values: Any) -> sa.CheckConstraint:
    """A CHECK constraint that keeps a string column within an enum's values."""
    allowed = ", ".join(f"'{v.value if hasattr(v, 'value') else v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_valid")


def render_migration_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Autogenerate writes UTCDateTime as the plain type, so migrations never import the app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def rowcount(result: sa.Result[Any]) -> int:
    """The rows an UPDATE or DELETE run by ``Session.execute`` matched.

    The session answers such a statement with a CursorResult, which has the count, but is
    typed to answer any Result, which has not.
    """
    assert isinstance(result, sa.CursorResult)
    return result.rowcount


def conflict_insert(table: sa.Table, session: Session | scoped_session[Any]) -> Any:
    """An INSERT that can say ON CONFLICT, for the session's database (PostgreSQL or SQLite)."""
    name = session.get_bind().dialect.name
    return (postgresql if name == "postgresql" else sqlite).insert(table)
