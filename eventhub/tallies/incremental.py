"""The scan tallies kept incrementally: what the scans received since the last run add.

Unique visitors cannot be summed from batch to batch, so a run counts a visitor when their
entries (overall, on a day, at a gate) go from none to some, and uncounts one when an undo
takes the last back. Entries overall are kept per pass in ``tally_passes``; entries on a day or
at a gate before the run are read from the scans already counted, for the batch's passes only,
by the scans' pass index. (Sets per visitor and day and per visitor and gate cost a full
recompute more to write than all the rest.)

A run reads its scans once, joined to passes and registrations, into a temporary table its
statements share (dropped at commit).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.tallies import sql
from eventhub.tallies.compute import (
    Scope,
    add_into,
    breakdowns,
    counts,
    edition,
    is_postgresql,
    settings,
    tally_passes,
    text,
)
from eventhub.tallies.models import SCAN_DIMENSIONS, Dimension

#: The run's effects, staged once (a private metadata: not a table of the schema).
staged = sa.Table(
    "tally_staged_effects",
    sa.MetaData(),
    sa.Column("pass_id", sa.Integer, nullable=False),
    sa.Column("weight", sa.Integer, nullable=False),
    sa.Column("staff", sa.Boolean, nullable=False),
    sa.Column("attendee_type", sa.String(20)),
    sa.Column("prefecture_code", sa.Integer),
    sa.Column("day", sa.Integer, nullable=False),
    sa.Column("hour", sa.Integer, nullable=False),
    sa.Column("gate_id", sa.Integer, nullable=False),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DROP",
)


def _effect_rows(scope: Scope) -> sa.Select[Any]:
    """The range's effects with holder, local day and hour, and gate (0: none)."""
    base = sql.with_holders(sql.effects(scope.edition_id, scope.low, scope.high)).subquery("held")
    local = sql.local_seconds(base.c.scanned_at, scope.zone_offsets)
    return sa.select(
        base.c.pass_id,
        base.c.weight,
        base.c.staff,
        base.c.attendee_type,
        base.c.prefecture_code,
        sql.floor_div(local, sql.DAY).label("day"),
        sql.floor_div(local, sql.HOUR).label("hour"),
        sa.func.coalesce(base.c.gate_id, 0).label("gate_id"),
    )


def _stage(scope: Scope) -> sa.Table:
    """Read the range's effects once into a temporary table the run's statements share."""
    connection = db.session.connection()
    settings()
    if not is_postgresql():
        # SQLite keeps a temporary table until the connection closes: one left by a run that
        # failed before its end must go. (PostgreSQL drops it at commit and at rollback.)
        staged.drop(connection, checkfirst=True)
    staged.create(connection)
    rows = _effect_rows(scope)
    db.session.execute(sa.insert(staged).from_select(list(rows.selected_columns.keys()), rows))
    if is_postgresql():
        # Statistics, so that grouping and joining the staged rows are planned for their size.
        db.session.execute(sa.text(f"ANALYZE {staged.name}"))
    return staged


def _unstage() -> None:
    if not is_postgresql():
        staged.drop(db.session.connection())


def _entries_by_hour(scope: Scope, eff: sa.Table) -> None:
    """Entries per hour and in all: sums, added to the stored ones."""
    hours = (
        sa.select(eff.c.hour, sa.func.sum(eff.c.weight).label("delta"))
        .where(sa.not_(eff.c.staff))
        .group_by(eff.c.hour)
        .subquery("hours")
    )
    by_hour = counts(scope, Dimension.ENTRY_HOUR, sql.hour_key(hours.c.hour), hours.c.delta)
    total = sa.select(sa.func.sum(hours.c.delta).label("delta")).subquery("total")
    in_all = counts(scope, Dimension.ENTRIES, text("all"), total.c.delta)
    rows = sa.union_all(
        by_hour.where(hours.c.delta != 0), in_all.where(total.c.delta != 0)
    ).subquery()
    add_into(breakdowns, ["edition_id", "dimension", "key"], "value", sa.select(*rows.c))


def _became(old: Any, new: Any) -> sa.ColumnElement[int]:
    """+1 when a pass's entries go from none to some, -1 when they go back to none, else 0."""
    return sa.case((new > 0, 1), else_=0) - sa.case((old > 0, 1), else_=0)


def _visitor_transitions(scope: Scope, eff: sa.Table) -> None:
    delta = (
        sa.select(
            eff.c.pass_id,
            eff.c.staff,
            eff.c.attendee_type,
            eff.c.prefecture_code,
            sa.func.sum(eff.c.weight).label("delta"),
        )
        .group_by(eff.c.pass_id, eff.c.staff, eff.c.attendee_type, eff.c.prefecture_code)
        .subquery("delta")
    )
    known = tally_passes
    old = sa.func.coalesce(known.c.entries, 0)
    first_seen = known.c.pass_id.is_(None)
    joined = (
        sa.select(
            # A pass is counted under what it was counted under before, so an undo takes it
            # from the same type and prefecture even if its registration has changed since.
            sa.case((first_seen, delta.c.staff), else_=known.c.staff).label("staff"),
            sa.case((first_seen, delta.c.attendee_type), else_=known.c.attendee_type).label(
                "attendee_type"
            ),
            sa.case((first_seen, delta.c.prefecture_code), else_=known.c.prefecture_code).label(
                "prefecture_code"
            ),
            _became(old, old + delta.c.delta).label("change"),
        )
        .select_from(delta)
        .outerjoin(
            known,
            sa.and_(known.c.edition_id == scope.edition_id, known.c.pass_id == delta.c.pass_id),
        )
        .cte("transitions")
    )
    visitors = sa.not_(joined.c.staff)
    change = sa.func.sum(joined.c.change)
    type_key = joined.c.attendee_type
    prefecture = sql.prefecture_key(joined.c.prefecture_code)
    rows = sa.union_all(
        counts(scope, Dimension.VISITORS, text("all"), change).where(visitors).having(change != 0),
        counts(scope, Dimension.VISITOR_TYPE, type_key, change)
        .where(visitors)
        .group_by(type_key)
        .having(change != 0),
        counts(scope, Dimension.VISITOR_PREFECTURE, prefecture, change)
        .where(visitors)
        .group_by(prefecture)
        .having(change != 0),
    )
    add_into(breakdowns, ["edition_id", "dimension", "key"], "value", sa.select(rows.subquery()))
    add_into(
        tally_passes,
        ["edition_id", "pass_id"],
        "entries",
        sa.select(
            edition(scope).label("edition_id"),
            delta.c.pass_id,
            delta.c.staff,
            delta.c.attendee_type,
            delta.c.prefecture_code,
            delta.c.delta.label("entries"),
        ),
    )


def _counted_before(scope: Scope, delta: sa.Subquery, column: str) -> tuple[Any, list[Any]]:
    """The conditions that make a scan one of a (pass, ``column``) row's entries before this
    run: among the scans already counted (ids up to ``low``), on that day or at that gate, and
    not undone by then. Correlated to the row and sought by the scans' (pass, scanned_at)
    index, so only the batch's passes are read, and for a day only that day's scans."""
    counted = sql.scans.alias("counted")
    undo = sql.scans.alias("later_undo")
    conditions: list[Any] = [
        counted.c.pass_id == delta.c.pass_id,
        counted.c.edition_id == scope.edition_id,
        counted.c.id <= scope.low,
        counted.c.result.in_(sql.ENTRY_RESULTS),
        counted.c.method.in_(sql.ENTRY_METHODS),
    ]
    if column == "day":
        local = sql.local_seconds(counted.c.scanned_at, scope.zone_offsets)
        conditions.append(sql.floor_div(local, sql.DAY) == delta.c.day)
        # The same day as an index range on scanned_at, widened by the zone's offsets.
        conditions.extend(sql.utc_range(delta.c.day, sql.DAY, scope.zone_offsets, counted))
    else:
        conditions.append(sa.func.coalesce(counted.c.gate_id, 0) == delta.c.gate_id)
    undone = sa.exists().where(
        undo.c.undoes_id == counted.c.id, undo.c.id <= scope.low, undo.c.method == "undo"
    )
    conditions.append(sa.not_(undone))
    return counted, conditions


def _per_transitions(
    scope: Scope, eff: sa.Table, column: str, dimension: Dimension, key: Any
) -> None:
    """Visitors counted per ``column`` (day or gate): +1 where a visitor's entries there go
    from none to some, -1 where undos take the last one back."""
    delta = (
        sa.select(eff.c.pass_id, eff.c[column], sa.func.sum(eff.c.weight).label("delta"))
        .where(sa.not_(eff.c.staff))
        .group_by(eff.c.pass_id, eff.c[column])
        .subquery("delta")
    )
    counted, before = _counted_before(scope, delta, column)
    old = sa.select(sa.func.count()).select_from(counted).where(*before).scalar_subquery()
    some = sa.exists().where(*before)
    d = delta.c.delta
    # _became(old, old + d) with one lookup a row, and for additions (nearly all) one that
    # stops at the first entry found: entries never go below none (an undo takes back an
    # entry counted before or in this batch), so adding makes a visitor of one who had none
    # there, and taking away unmakes one left with none.
    became = sa.case(
        (d > 0, sa.case((some, 0), else_=1)),
        (d < 0, sa.case((old + d <= 0, -1), else_=0)),
        else_=0,
    )
    joined = sa.select(delta.c[column], became.label("change")).subquery("transitions")
    change = sa.func.sum(joined.c.change)
    # No HAVING change <> 0: it would repeat the lookups (PostgreSQL inlines the subquery into
    # each use of the sum); a count left at zero is deleted at the end of the run anyway.
    add_into(
        breakdowns,
        ["edition_id", "dimension", "key"],
        "value",
        counts(scope, dimension, key(joined.c[column]), change).group_by(joined.c[column]),
    )


def add_range(scope: Scope) -> None:
    """Add the effects of the scans in the scope to the stored passes and counts."""
    if scope.high <= scope.low:
        return
    if is_postgresql():
        # A batch touches a few of the edition's passes: every join goes by an index, so the
        # run costs what its scans do. Hash joins would read whole tables (tally_passes,
        # passes, registrations) whenever their statistics are stale, as right after a full
        # recompute replaced tally_passes: 50 to 115 ms a statement, measured, however small
        # the batch. Local to this transaction.
        db.session.execute(sa.text("SET LOCAL enable_hashjoin = off"))
        db.session.execute(sa.text("SET LOCAL enable_mergejoin = off"))
    eff = _stage(scope)
    _entries_by_hour(scope, eff)
    _visitor_transitions(scope, eff)
    _per_transitions(scope, eff, "day", Dimension.VISITOR_DAY, sql.day_key)
    _per_transitions(scope, eff, "gate_id", Dimension.VISITOR_GATE, sql.text_key)
    _unstage()
    # A count brought back to zero by undos is no count at all, as in a full recompute.
    db.session.execute(
        sa.delete(breakdowns).where(
            breakdowns.c.edition_id == scope.edition_id,
            breakdowns.c.dimension.in_([d.value for d in SCAN_DIMENSIONS]),
            breakdowns.c.value == 0,
        )
    )
