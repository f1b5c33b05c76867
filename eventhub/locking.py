"""Optimistic locking: rows carry a ``version`` that every write checks and bumps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.exc import StaleDataError

from eventhub.errors import DomainError
from eventhub.extensions import db


def version_conflict(obj: Any) -> DomainError:
    """409 with the current state, so the loser sees what won without another request."""
    current: dict[str, Any] = {"current_version": obj.version}
    if hasattr(obj, "status"):
        current["current_status"] = obj.status
    return DomainError("version_conflict", **current)


def check_version(obj: Any, data: dict[str, Any]) -> None:
    """Refuse a write made on an older version than the stored one (when the client sent one)."""
    sent = data.pop("version", None)
    if sent is not None and sent != obj.version:
        raise version_conflict(obj)


def commit_versioned(obj: Any) -> None:
    """Commit, turning a lost race (the row's version moved under us) into 409, not a 500."""
    try:
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        db.session.refresh(obj)
        raise version_conflict(obj) from exc


def handle_stale_data(error: StaleDataError) -> Any:
    """A versioned row changed under a flush that a service made before its own commit (where
    ``commit_versioned`` answers): the same lost race, answered with the same 409 as a
    ``DomainError`` (problem+json on the API, a page on pages)."""
    db.session.rollback()
    return current_app.handle_user_exception(DomainError("version_conflict"))


def lock_rows(model: type[Any], ids: Iterable[int]) -> None:
    """Lock rows until the transaction ends, so that what is read next cannot change meanwhile.

    PostgreSQL locks the rows (SELECT … FOR UPDATE). SQLite has no row locks, and pysqlite
    begins a transaction only at the first write, so two requests could both read a sum before
    either writes; an UPDATE that changes nothing takes SQLite's write lock now instead.
    """
    table = model.__table__
    ids = sorted(set(ids))
    if not ids:
        return
    where = table.c.id.in_(ids)
    if db.session.get_bind().dialect.name == "sqlite":
        # Columns with an onupdate default are set to themselves, so that it does not fire.
        same = {c.name: c for c in table.c if c.primary_key or c.onupdate is not None}
        db.session.execute(sa.update(table).where(where).values(same))
    else:
        db.session.execute(
            # FOR NO KEY UPDATE: keys never change here, so foreign-key checks of other
            # transactions (which take KEY SHARE) are not blocked and cannot deadlock on it.
            sa.select(table.c.id).where(where).order_by(table.c.id).with_for_update(key_share=True)
        )
