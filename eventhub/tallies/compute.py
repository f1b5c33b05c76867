"""What the two ways of computing the scan tallies share: the scope of a run, upserting
counts, literals, and the settings of PostgreSQL for statements over many rows.

The scan tallies are kept incrementally from new scans (:mod:`eventhub.tallies.incremental`)
or computed afresh from all of them (:mod:`eventhub.tallies.recount`). Both work in a few
INSERT … SELECT … GROUP BY statements and never load scans into Python; the property test
holds the two to the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from eventhub.db import conflict_insert
from eventhub.extensions import db
from eventhub.tallies.models import Dimension, TallyBreakdown, TallyPass

breakdowns = TallyBreakdown.__table__
tally_passes = TallyPass.__table__


@dataclass(frozen=True)
class Scope:
    """Which scans a run reads: the edition's ids in (low, high], placed on its local clock."""

    edition_id: int
    low: int
    high: int
    zone_offsets: list[tuple[int, int]]


def is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def add_into(table: sa.Table, keys: list[str], value: str, rows: sa.Select[Any]) -> None:
    """INSERT ``rows`` into ``table``, adding ``value`` to the row already there for the keys."""
    columns = [c.name for c in rows.selected_columns]
    source = rows.subquery("source")
    # SQLite reads "SELECT … ON CONFLICT" ambiguously unless the SELECT has a WHERE clause.
    select = sa.select(*source.c).where(sa.true())
    stmt = conflict_insert(table, db.session).from_select(columns, select)
    stmt = stmt.on_conflict_do_update(
        index_elements=keys, set_={value: table.c[value] + stmt.excluded[value]}
    )
    db.session.execute(stmt)


def edition(scope: Scope) -> sa.ColumnElement[int]:
    return sa.literal_column(str(int(scope.edition_id)), sa.Integer)


def text(value: str) -> sa.ColumnElement[str]:
    return sa.literal(value, sa.String)


def counts(scope: Scope, dimension: Dimension, key: Any, value: Any) -> sa.Select[Any]:
    """A SELECT of breakdown rows: the edition, ``dimension``, ``key`` and ``value``."""
    return sa.select(
        edition(scope).label("edition_id"),
        text(dimension.value).label("dimension"),
        key.label("key"),
        value.label("value"),
    )


def settings() -> None:
    if is_postgresql():
        # The aggregates of a full run hash a few hundred thousand rows: in memory, not in
        # sorted runs on disk (the default 4 MB spills). Local to this transaction.
        db.session.execute(sa.text("SET LOCAL work_mem = '64MB'"))
        # JIT compiles these statements for their estimated cost, and the compiling cost more
        # than the running (0.1 to 0.6 s a statement, measured): plain execution is enough.
        db.session.execute(sa.text("SET LOCAL jit = off"))
