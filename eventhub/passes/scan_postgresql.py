"""One scan on PostgreSQL alone, in two round trips and one implicit transaction.

Scans normally go in batches (``scan_batches``); this is the path a batch falls back to, one
scan at a time, when it met a nonce stored before (a retried request).

The portable path (``scanning.apply`` + ``scanning.record``) costs BEGIN, the pass lookup, the
presence change, the scan INSERT and COMMIT: five round trips, each a wait on the server and a
wake-up of the request's thread. Here the connection is in autocommit: the lookup needs no
transaction (the change re-checks its condition on the row itself), and the presence change
and the scan INSERT are one statement (a data-modifying CTE), so they commit or fail together.
A repeated nonce fails the whole statement, presence change included, and is answered as the
first time, exactly as on the portable path.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from eventhub.db import UTCDateTime, utcnow
from eventhub.extensions import db
from eventhub.passes.models import ScanResult
from eventhub.passes.scanning import (
    ENTER,
    INSERT_SCAN,
    LEAVE,
    Outcome,
    Scanner,
    answered_before,
    decide,
    scan_values,
    scans,
)
from eventhub.passes.tokens import TokenClaims

#: The scan's columns, bound by ``scanning.scan_values`` names; ``result`` comes from SQL.
_COLUMNS = (
    "edition_id",
    "pass_id",
    "device_id",
    "gate_id",
    "actor_id",
    "direction",
    "scanned_at",
    "nonce",
    "method",
    "received_at",
)


def _change_and_record(change: sa.Executable) -> sa.Executable:
    """``WITH change AS (…) INSERT INTO scans … SELECT …, <result from the change>``."""
    changed = change.cte("change")  # type: ignore[attr-defined]
    entries = sa.select(changed.c.entries).scalar_subquery()
    result = sa.case(
        (entries.is_(None), sa.bindparam("unchanged")),
        (entries == 1, sa.bindparam("first")),
        else_=sa.bindparam("again"),
    )
    values = [
        # Prefixed: an UPDATE in the CTE would take unprefixed names that match its columns
        # (pass_id, edition_id) as values to SET.
        sa.bindparam(
            f"s_{name}", type_=UTCDateTime() if name.endswith("_at") else scans.c[name].type
        )
        for name in _COLUMNS
    ]
    select = sa.select(*values, result)
    return (
        sa.insert(scans)
        .from_select([*_COLUMNS, "result"], select)
        .add_cte(changed)
        .returning(scans.c.id, scans.c.result)
    )


_WRITES = {
    id(statement): _change_and_record(statement)
    for statement in (LEAVE, *(s for (dialect, _), s in ENTER.items() if dialect == "postgresql"))
}


def release_session() -> None:
    """End the request session's transaction, so the scan holds one pooled connection, not two.

    The session may hold a connection from the device lookup. Taking a second one while holding
    the first can starve the pool: 15 threads of one process each holding one and waiting for
    another never get it. The session only ever read here; a pending write would be lost, so
    it is refused loudly instead.
    """
    if not db.session.registry.has():
        return  # the request never opened one
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("a scan must not run with unflushed changes in the session")
    db.session.rollback()


def scan(
    scanner: Scanner,
    verdict: TokenClaims | ScanResult,
    direction: str,
    at: datetime,
    nonce: str,
) -> Outcome:
    release_session()
    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if isinstance(verdict, ScanResult):
                outcome, change = Outcome(verdict), None
            else:
                outcome, change = decide(
                    conn.execute,
                    "postgresql",
                    scanner.edition_id,
                    verdict.pass_id,
                    verdict.serial,
                    direction,
                    at,
                )
            values = scan_values(scanner, outcome, direction, at, nonce)
            if change is None:
                scan_id = conn.execute(INSERT_SCAN, values).scalar_one()
                return replace(outcome, scan_id=scan_id)
            params = {
                **{f"s_{name}": value for name, value in values.items()},
                **change.params,
                "s_received_at": utcnow(),
                "first": change.first.value,
                "again": change.again.value,
                "unchanged": change.unchanged.value,
            }
            row = conn.execute(_WRITES[id(change.statement)], params).one()
    except IntegrityError:
        # Looked up once the connection is back in the pool, for the same reason as above.
        stored = answered_before(scanner, nonce)
        if stored is None:
            raise  # not a repeated nonce: a real integrity problem
        return stored
    return replace(outcome, result=ScanResult(row.result), scan_id=row.id)
