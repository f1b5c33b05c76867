"""The one way lost background work is re-driven: claim the due rows, a few per run, back off.

Every area that records work in the database and queues a task for it after the commit (mail,
pass issuing, calendar feeds, report builds) has a beat task that finds the rows whose task got
lost (a dropped message, a killed worker, a restarted Redis) and queues it again. They all do it
with ``redrive``:

- The due rows are claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two
  reconcilers running at once (two beat hosts, a slow run overlapping the next) take different
  rows instead of queueing the same work twice. SQLite has one writer at a time and ignores
  row locks; there the claiming UPDATE re-checks that each row is still due, and only the rows
  it changed are queued.
- At most ``limit`` rows a run: a backlog is worked off over several runs, in short
  transactions, instead of one run locking and queueing everything at once.
- Back-off: each claim stamps the row (e.g. ``queued_at = now``) and counts a re-drive, and a
  row is due again only once its stamp is older than ``backoff(re-drives)``: ``first``, twice
  that, four times… up to ``cap``. Work whose task keeps getting lost is re-queued ever more
  rarely rather than every minute forever.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from eventhub.extensions import db
from eventhub.tasks import enqueue

log = logging.getLogger(__name__)


def backoff(redrives: int, first: timedelta, cap: timedelta) -> timedelta:
    """The wait before re-drive number ``redrives + 1``: ``first`` doubling, at most ``cap``."""
    if redrives >= 30:  # 2**30 × anything sensible is far past any cap; avoid huge numbers
        return cap
    return min(cap, first * 2 ** max(redrives, 0))


def due(
    stamp: InstrumentedAttribute[Any],
    redrives: InstrumentedAttribute[int],
    now: datetime,
    first: timedelta,
    cap: timedelta,
) -> sa.ColumnElement[bool]:
    """Rows whose ``stamp`` is unset or older than the back-off their ``redrives`` count earns.

    Written as a CASE over the few doubling steps below ``cap``, with the times computed here,
    so the same SQL runs on PostgreSQL and SQLite.
    """

    def before(wait: timedelta) -> sa.ColumnElement[Any]:
        # Typed like the column, so that e.g. UTCDateTime stores and compares it alike.
        return sa.literal(now - wait, stamp.type)

    steps: list[tuple[sa.ColumnElement[bool], sa.ColumnElement[Any]]] = []
    count = 0
    while backoff(count, first, cap) < cap:
        steps.append((redrives == count, before(backoff(count, first, cap))))
        count += 1
    oldest = sa.case(*steps, else_=before(cap)) if steps else before(cap)
    return sa.or_(stamp.is_(None), stamp < oldest)


def claim(
    id_column: InstrumentedAttribute[int],
    where: sa.ColumnElement[bool],
    order_by: Iterable[Any],
    limit: int,
) -> list[int]:
    """Ids of at most ``limit`` rows matching ``where``, locked for this transaction.

    On PostgreSQL rows another transaction holds are skipped, not waited for: another
    reconciler has them. Callers change what makes the rows due before they commit.
    """
    query = sa.select(id_column).where(where).order_by(*order_by).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(db.session.scalars(query))


def redrive(
    model: Any,
    where: sa.ColumnElement[bool],
    *,
    order_by: Iterable[Any],
    limit: int,
    values: Mapping[str, Any],
    task: str,
    batch: int | None = None,
) -> list[int]:
    """Claim the rows of ``model`` matching ``where``, set ``values`` on them and queue ``task``
    for each (or for lists of up to ``batch`` ids); commits and returns the ids queued.

    ``values`` must make the rows not due any more (a fresh stamp, a re-drive counted), so that
    the next run leaves them to the task just queued until their back-off has passed.
    """
    ids = claim(model.id, where, order_by, limit)
    if ids:
        # ``where`` again: on SQLite another run may have queued a row since it was read.
        ids = sorted(
            db.session.scalars(
                sa.update(model)
                .where(model.id.in_(ids), where)
                .values(**values)
                .returning(model.id)
                .execution_options(synchronize_session=False)
            )
        )
    if batch is None:
        for row_id in ids:
            enqueue(task, row_id)
    else:
        for start in range(0, len(ids), batch):
            enqueue(task, ids[start : start + batch])
    if ids:
        log.info("work queued again", extra={"task": task, "ids": ids})
    db.session.commit()
    return ids
