"""The reconciler helper: a limit per run, a back-off that grows, rows skipped while locked."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from eventhub import reconcile, tasks
from eventhub.calendars.models import CalendarFeed
from eventhub.db import utcnow
from eventhub.extensions import db
from tests.calendars.helpers import stale_feeds

FIRST = timedelta(minutes=5)
CAP = timedelta(minutes=30)
TASK = "eventhub.test.redo"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """Tasks queued after commit, recorded instead of sent."""
    out: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(tasks, "_dispatch", lambda name, args: out.append((name, args)))
    return out


def run(now: datetime, limit: int = 100) -> list[int]:
    feed = CalendarFeed
    return reconcile.redrive(
        feed,
        reconcile.due(feed.queued_at, feed.redrives, now, FIRST, CAP),
        order_by=(feed.id,),
        limit=limit,
        values={"queued_at": now, "redrives": feed.redrives + 1},
        task=TASK,
    )


def test_backoff_doubles_up_to_the_cap() -> None:
    waits = [reconcile.backoff(n, FIRST, CAP) for n in range(6)]
    assert waits == [FIRST, 2 * FIRST, 4 * FIRST, CAP, CAP, CAP]
    assert reconcile.backoff(10_000, FIRST, CAP) == CAP


def test_a_run_takes_at_most_its_limit_and_the_next_run_the_rest(app: Flask, sent: list) -> None:
    with app.app_context():
        ids = stale_feeds(5)
        now = utcnow()
        first = run(now, limit=3)
        second = run(now, limit=3)
        third = run(now, limit=3)
    assert first == ids[:3]
    assert second == ids[3:]
    assert third == []  # every one just queued: none due again yet
    assert sent == [(TASK, (feed_id,)) for feed_id in ids]


def test_batches_queue_lists_of_ids(app: Flask, sent: list) -> None:
    with app.app_context():
        ids = stale_feeds(5)
        feed = CalendarFeed
        reconcile.redrive(
            feed,
            reconcile.due(feed.queued_at, feed.redrives, utcnow(), FIRST, CAP),
            order_by=(feed.id,),
            limit=10,
            values={"queued_at": utcnow(), "redrives": feed.redrives + 1},
            task=TASK,
            batch=2,
        )
    assert sent == [(TASK, (ids[0:2],)), (TASK, (ids[2:4],)), (TASK, (ids[4:],))]


def test_each_re_drive_waits_twice_as_long_up_to_the_cap(app: Flask, sent: list) -> None:
    with app.app_context():
        [feed_id] = stale_feeds(1)
        start = utcnow()
        at = [start]  # when each re-drive happened
        minute = start
        while len(at) < 6:
            minute += timedelta(minutes=1)
            if run(minute) == [feed_id]:
                at.append(minute)
        redrives = db.session.get_one(CalendarFeed, feed_id).redrives
    gaps = [later - earlier for earlier, later in itertools.pairwise(at[1:])]
    # Never queued: due at once. Then due once the wait has passed (checked each minute):
    # 10, 20, 30 and 30 minutes, the wait after the first re-drive being twice the first one.
    one = timedelta(minutes=1)
    assert at[1] == start + one
    assert gaps == [2 * FIRST + one, 4 * FIRST + one, CAP + one, CAP + one]
    assert redrives == 5


def test_a_queued_stamp_within_the_back_off_is_not_due(app: Flask) -> None:
    with app.app_context():
        now = utcnow()
        fresh, old, backed_off, capped = stale_feeds(4)
        rows = {
            fresh: (now - timedelta(minutes=4), 0),  # first wait is 5 min
            old: (now - timedelta(minutes=6), 0),
            backed_off: (now - timedelta(minutes=6), 1),  # second wait is 10 min
            capped: (now - timedelta(minutes=31), 50),  # never more than 30 min
        }
        for feed_id, (queued_at, redrives) in rows.items():
            db.session.execute(
                sa.update(CalendarFeed)
                .where(CalendarFeed.id == feed_id)
                .values(queued_at=queued_at, redrives=redrives)
            )
        db.session.commit()
        due = reconcile.claim(
            CalendarFeed.id,
            reconcile.due(CalendarFeed.queued_at, CalendarFeed.redrives, now, FIRST, CAP),
            (CalendarFeed.id,),
            10,
        )
        db.session.rollback()
    assert due == [old, capped]


def test_on_postgresql_two_reconcilers_take_different_rows(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks: SQLite has one writer at a time and no SKIP LOCKED")
        ids = stale_feeds(4)
        now = utcnow()
        where = reconcile.due(CalendarFeed.queued_at, CalendarFeed.redrives, now, FIRST, CAP)
        with Session(db.engine) as other:
            # Another reconciler is mid-run: it holds the two rows it claimed, not committed.
            held = list(
                other.scalars(
                    sa.select(CalendarFeed.id)
                    .where(where)
                    .order_by(CalendarFeed.id)
                    .limit(2)
                    .with_for_update(skip_locked=True)
                )
            )
            mine = reconcile.claim(CalendarFeed.id, where, (CalendarFeed.id,), 10)
            db.session.rollback()
            other.rollback()
    assert held == ids[:2]
    assert mine == ids[2:]
