"""Admission: every write of presences and scans, and the only one.

A scan changes where its pass is (its presence) and records itself (a scan row), together.
Whether and how is decided first, without writing (``scanning.judge``); this module turns the
decision into statements. The rules of the change are written once, as SQLAlchemy expressions
(``_new_presence``, ``_admitting``, ``_leaving``, the scan's columns), and each database gets
one statement builder that assembles them:

- SQLite (``_sqlite_statements``): per scan, one conditional change of the presence that
  returns the entry count (an upsert when entering, an UPDATE when leaving), then the INSERT of
  the scan, committed together in the session.
- PostgreSQL (``_postgresql_statement``): one statement for any number of scans,
  data-modifying CTEs over the scans sent as one JSON document: every presence changes and
  every scan is inserted, or nothing is. ``scan_batches`` runs it for device scans (batched,
  on its own connection); manual check-in runs it in the session for a batch of one.

Both re-check the condition of a change under the presence's row lock (``ON CONFLICT DO
UPDATE … WHERE``, ``UPDATE … WHERE inside``), so of racing scans of one pass exactly one
changes it; the others get no row back and the ``unchanged`` result.

Undoing a scan and letting everyone out at closing time are written here too, for the same
reason: what a presence may become, and what scan row says so, is read in one file.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from eventhub.checkin.models import Direction, Presence, Scan, ScanResult
from eventhub.checkin.scanning import Change, Outcome, Scanner, presences, scans, stored_outcomes
from eventhub.db import UTCDateTime, utcnow
from eventhub.extensions import db

R = ScanResult

# The rules ----------------------------------------------------------------------------------


def _new_presence(pass_id: Any, edition_id: Any, at: Any) -> dict[str, Any]:
    """The presence of a pass admitted for the first time."""
    return {
        "pass_id": pass_id,
        "edition_id": edition_id,
        "inside": sa.true(),
        "entries": sa.literal(1, sa.Integer),
        "first_entry_at": at,
        "last_change_at": at,
    }


def _admitting(stmt: Any, reentry: bool) -> Any:
    """Admit: insert the new presence (``stmt``), or flip an existing one in, where allowed.

    ON CONFLICT DO UPDATE locks the row and re-checks its WHERE on the latest version, so of
    any number of racing scans exactly one gets a row back. No row back: not admitted.
    """
    new = stmt.excluded
    allowed = presences.c.inside == sa.false()
    if not reentry:
        allowed = sa.and_(allowed, presences.c.entries == 0)
    return stmt.on_conflict_do_update(
        index_elements=[presences.c.pass_id],
        set_={
            "inside": sa.true(),
            "entries": presences.c.entries + 1,
            "first_entry_at": sa.func.coalesce(presences.c.first_entry_at, new.first_entry_at),
            "last_change_at": new.last_change_at,
        },
        where=allowed,
    )


def _leaving(stmt: sa.Update, at: Any) -> sa.Update:
    """Let out: only a pass inside; ``stmt`` names the presence."""
    return stmt.where(presences.c.inside == sa.true()).values(inside=sa.false(), last_change_at=at)


#: The presence change of each ``Change.action``: entering, entering when re-entry is not
#: allowed, leaving.
ACTIONS = {"enter": True, "enter_once": False}
LEAVE = "leave"
#: The columns of a scan row that the caller gives (received_at and id are the database's).
SCAN_COLUMNS = (
    "edition_id",
    "pass_id",
    "device_id",
    "gate_id",
    "actor_id",
    "direction",
    "scanned_at",
    "nonce",
    "method",
)


def _scan_columns(
    scanner: Scanner, outcome: Outcome, direction: str, at: Any, nonce: str | None
) -> dict[str, Any]:
    """The columns of a scan row that do not depend on how the presence changed."""
    return {
        "edition_id": scanner.edition_id,
        "pass_id": outcome.pass_id,
        "device_id": scanner.device_id,
        "gate_id": scanner.gate_id,
        "actor_id": scanner.actor_id,
        "direction": direction,
        "scanned_at": at,
        "nonce": nonce,
        "method": scanner.method,
    }


def scan_values(
    scanner: Scanner, outcome: Outcome, direction: str, at: datetime, nonce: str | None
) -> dict[str, Any]:
    """A scan row's columns (``SCAN_COLUMNS``) and its result."""
    return {
        **_scan_columns(scanner, outcome, direction, at, nonce),
        "result": outcome.result.value,
    }


# SQLite: per scan, in the session ------------------------------------------------------------


def _sqlite_statements() -> tuple[dict[str, sa.Executable], sa.Executable]:
    """The presence change of each action (RETURNING the entry count) and the scan's INSERT."""
    at = sa.bindparam("t", type_=UTCDateTime())
    new = _new_presence(sa.bindparam("p"), sa.bindparam("e"), at)
    changes: dict[str, sa.Executable] = {
        action: _admitting(sqlite.insert(Presence).values(new), reentry).returning(
            presences.c.entries
        )
        for action, reentry in ACTIONS.items()
    }
    leave = _leaving(sa.update(presences).where(presences.c.pass_id == sa.bindparam("p")), at)
    changes[LEAVE] = leave.returning(presences.c.entries)
    return changes, sa.insert(Scan).returning(scans.c.id)


# Built once: SQLAlchemy then reuses their compiled form, which matters at this rate.
SQLITE_CHANGES, SQLITE_INSERT_SCAN = _sqlite_statements()


# PostgreSQL: any number of scans in one statement ---------------------------------------------

#: One input row per scan: the scan's columns, the change to try, and the result of each
#: ending (a row back with entries == 1, with more, or no row back).
_INPUT_COLUMNS = (
    sa.column("edition_id", sa.Integer),
    sa.column("pass_id", sa.Integer),
    sa.column("device_id", sa.Integer),
    sa.column("gate_id", sa.Integer),
    sa.column("actor_id", sa.Integer),
    sa.column("direction", sa.Text),
    sa.column("scanned_at", postgresql.TIMESTAMP(timezone=True)),
    sa.column("nonce", sa.Text),
    sa.column("method", sa.Text),
    sa.column("action", sa.Text),
    sa.column("first", sa.Text),
    sa.column("again", sa.Text),
    sa.column("unchanged", sa.Text),
)


def _postgresql_statement() -> tuple[str, dict[str, Any]]:
    """The batch statement, as psycopg's SQL, and the values of its constant parameters.

    Presences change in pass order. Returns each scan's id, device, nonce and result.
    """
    document = sa.cast(sa.bindparam("scans", type_=sa.Text), postgresql.JSON)
    rows = sa.func.json_to_recordset(document).table_valued(*_INPUT_COLUMNS)
    source = sa.select(rows.render_derived("t", with_types=True)).cte("input")
    changed = []
    for action, reentry in ACTIONS.items():
        new = _new_presence(source.c.pass_id, source.c.edition_id, source.c.scanned_at)
        chosen = (
            sa.select(*new.values()).where(source.c.action == action).order_by(source.c.pass_id)
        )
        insert = postgresql.insert(Presence).from_select(list(new), chosen)
        admit = _admitting(insert, reentry).returning(presences.c.pass_id, presences.c.entries)
        changed.append(admit.cte(f"entered_{action}"))
    where = sa.update(presences).where(
        source.c.action == LEAVE, presences.c.pass_id == source.c.pass_id
    )
    leave = _leaving(where, source.c.scanned_at)
    changed.append(leave.returning(presences.c.pass_id, presences.c.entries).cte("left_"))
    change = sa.union_all(*(sa.select(cte.c.pass_id, cte.c.entries) for cte in changed))
    done = change.cte("changed")
    result = sa.case(
        (done.c.entries.is_(None), source.c.unchanged),
        (done.c.entries == 1, source.c.first),
        else_=source.c.again,
    )
    joined = source.outerjoin(
        done, sa.and_(done.c.pass_id == source.c.pass_id, source.c.action != "none")
    )
    received_at = sa.bindparam("received_at", type_=UTCDateTime())
    chosen_scans = sa.select(
        *(source.c[name] for name in SCAN_COLUMNS), received_at, result
    ).select_from(joined)
    insert_scans = (
        sa.insert(Scan)
        .from_select([*SCAN_COLUMNS, "received_at", "result"], chosen_scans)
        .returning(scans.c.id, scans.c.device_id, scans.c.nonce, scans.c.result)
    )
    compiled = insert_scans.compile(dialect=postgresql.psycopg.dialect())
    given = {"scans", "received_at"}
    constants = {key: value for key, value in compiled.params.items() if key not in given}
    return str(compiled), constants


POSTGRESQL_WRITE, _POSTGRESQL_CONSTANTS = _postgresql_statement()


def batch_row(
    scanner: Scanner,
    outcome: Outcome,
    change: Change | None,
    direction: str,
    at: datetime,
    nonce: str | None,
) -> dict[str, Any]:
    """The batch statement's input row for one scan: what to try, and the result of each
    ending (``outcome`` is the answer if nothing changes)."""
    refused = outcome.result.value
    return {
        **_scan_columns(scanner, outcome, direction, at.isoformat(), nonce),
        "action": "none" if change is None else change.action,
        "first": refused if change is None else change.first.value,
        "again": refused if change is None else change.again.value,
        "unchanged": refused if change is None else change.unchanged.value,
    }


def batch_params(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The parameters of ``POSTGRESQL_WRITE`` for these input rows (``batch_row``)."""
    return {**_POSTGRESQL_CONSTANTS, "scans": json.dumps(rows), "received_at": utcnow()}


# One scan in the session ----------------------------------------------------------------------


def admit(
    scanner: Scanner,
    outcome: Outcome,
    change: Change | None,
    direction: str,
    at: datetime,
    nonce: str | None,
) -> Outcome:
    """Make ``change`` (if any), record the scan, and commit; the answer as it came out.

    A nonce the device sent before rolls everything back and answers as the first time.
    Idempotency rests on the unique (device_id, nonce) of ``scans`` rather than on a read
    before the work: a retried request redoes the (cheap) work, its INSERT collides, and the
    loser's presence change is rolled back with it, equally right under races.
    """
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            outcome = _admit_postgresql(scanner, outcome, change, direction, at, nonce)
        else:
            outcome = _admit_sqlite(scanner, outcome, change, direction, at, nonce)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        stored = answered_before(scanner, nonce)
        if stored is None:
            raise  # not a repeated nonce: a real integrity problem
        return stored
    return outcome


def _admit_sqlite(
    scanner: Scanner,
    outcome: Outcome,
    change: Change | None,
    direction: str,
    at: datetime,
    nonce: str | None,
) -> Outcome:
    # The connection, not the session: these are Core statements, and ORM-enabled ones there.
    connection = db.session.connection()
    if change is not None:
        params = {"p": outcome.pass_id, "e": scanner.edition_id, "t": at}
        entries = connection.execute(SQLITE_CHANGES[change.action], params).scalar()
        outcome = replace(outcome, result=change.result(entries))
    values = scan_values(scanner, outcome, direction, at, nonce)
    scan_id = connection.execute(SQLITE_INSERT_SCAN, values).scalar_one()
    return replace(outcome, scan_id=scan_id)


def _admit_postgresql(
    scanner: Scanner,
    outcome: Outcome,
    change: Change | None,
    direction: str,
    at: datetime,
    nonce: str | None,
) -> Outcome:
    params = batch_params([batch_row(scanner, outcome, change, direction, at, nonce)])
    row = db.session.connection().exec_driver_sql(POSTGRESQL_WRITE, params).one()
    return replace(outcome, result=R(row.result), scan_id=row.id)


def answered_before(scanner: Scanner, nonce: str | None) -> Outcome | None:
    """After an INSERT collided: the first answer to this nonce, if that was the collision."""
    if scanner.device_id is None or nonce is None:
        return None
    return stored_outcomes(scanner.device_id, [nonce]).get(nonce)


# Undo and closing time ------------------------------------------------------------------------


def _reverse(scan: Scan, now: datetime) -> bool:
    """Put the presence back as it was before ``scan``; False when it has changed since."""
    where = [presences.c.pass_id == scan.pass_id]
    moment = sa.literal(now, UTCDateTime())
    if scan.result == ScanResult.EXITED:
        stmt = sa.update(presences).where(*where, presences.c.inside == sa.false())
        stmt = stmt.values(inside=True, last_change_at=moment)
    else:
        stmt = sa.update(presences).where(
            *where, presences.c.inside == sa.true(), presences.c.entries > 0
        )
        # SET expressions read the old row, so entries = 1 means this was the first entry.
        stmt = stmt.values(
            inside=False,
            entries=presences.c.entries - 1,
            first_entry_at=sa.case(
                (presences.c.entries == 1, None), else_=presences.c.first_entry_at
            ),
            last_change_at=moment,
        )
    return db.session.execute(stmt.returning(presences.c.pass_id)).scalar() is not None


def undo(scan: Scan, actor_id: int | None, device_id: int | None, now: datetime) -> Scan | None:
    """Reverse ``scan``'s presence change and add its reversal (method "undo") to the session;
    None, with nothing changed, when the presence has changed since. The caller commits."""
    if not _reverse(scan, now):
        return None
    reversal = Scan(
        edition_id=scan.edition_id,
        pass_id=scan.pass_id,
        gate_id=scan.gate_id,
        device_id=device_id,
        actor_id=actor_id,
        direction=scan.direction,
        result=scan.result,
        scanned_at=now,
        method="undo",
        undoes_id=scan.id,
    )
    db.session.add(reversal)
    return reversal


def let_out(edition_id: int, closing: datetime) -> list[int]:
    """Everyone of the edition inside since before ``closing`` exits at ``closing`` (scans
    with method "auto"); the passes let out. The caller commits."""
    moment = sa.literal(closing, UTCDateTime())
    pass_ids = list(
        db.session.scalars(
            sa.update(presences)
            .where(
                presences.c.edition_id == edition_id,
                presences.c.inside == sa.true(),
                sa.or_(presences.c.last_change_at.is_(None), presences.c.last_change_at < moment),
            )
            .values(inside=False, last_change_at=moment)
            .returning(presences.c.pass_id)
        )
    )
    if pass_ids:
        db.session.connection().execute(
            sa.insert(Scan),
            [
                {
                    "edition_id": edition_id,
                    "pass_id": pass_id,
                    "direction": Direction.EXIT.value,
                    "result": ScanResult.EXITED.value,
                    "scanned_at": closing,
                    "method": "auto",
                }
                for pass_id in pass_ids
            ],
        )
    return pass_ids
