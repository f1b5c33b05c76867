"""Feeds go stale in the changing transaction; rebuilds are queued once per burst, debounced,
and re-driven when lost."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventhub import tasks
from eventhub.calendars import service
from eventhub.calendars.models import CalendarFeed
from eventhub.db import utcnow
from eventhub.events.models import TimetableSession
from eventhub.extensions import db
from tests.calendars.helpers import (
    add_session,
    edition,
    feed_url,
    get_feed,
    patch_session,
    stale_feeds,
)

REBUILD = "eventhub.calendars.rebuild_feed"


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """Tasks queued after commit are recorded instead of run (as if no worker had come yet)."""
    sent: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(tasks, "_dispatch", lambda name, args: sent.append((name, args)))
    return sent


def feed_row(app: Any) -> CalendarFeed:
    with app.app_context():
        feed = db.session.scalars(sa.select(CalendarFeed)).one()
        db.session.expunge(feed)
        return feed


def test_a_change_marks_the_feed_stale_and_queues_one_rebuild_per_burst(
    app, organiser, anonymous, queued
):
    ed = edition(organiser)
    session = add_session(organiser, ed["id"])
    get_feed(anonymous, feed_url(ed["id"]))  # built on this first request
    assert feed_row(app).is_stale is False

    for n in range(5):
        patch_session(organiser, ed["id"], session["id"], title_ja=f"題名 {n}")

    feed = feed_row(app)
    assert feed.generation == 6
    assert feed.built_generation == 1
    assert feed.queued_at is not None
    assert [q for q in queued if q[0] == REBUILD] == [(REBUILD, (feed.id,))]


def test_a_rolled_back_change_marks_nothing(app, organiser, anonymous, queued):
    ed = edition(organiser)
    session = add_session(organiser, ed["id"])
    get_feed(anonymous, feed_url(ed["id"]))

    with app.app_context():
        row = db.session.get(TimetableSession, session["id"])
        row.title_ja = "取り消される変更"
        db.session.flush()
        db.session.rollback()

    assert feed_row(app).generation == 1
    assert queued == []


def test_the_rebuild_waits_for_a_quiet_moment_but_not_forever(app, organiser, anonymous, queued):
    ed = edition(organiser)
    session = add_session(organiser, ed["id"])
    get_feed(anonymous, feed_url(ed["id"]))
    patch_session(organiser, ed["id"], session["id"], title_ja="変更")
    feed_id = feed_row(app).id
    broker = {**app.config["CELERY"], "task_always_eager": False}

    with app.app_context():
        app.config["CELERY"], saved = broker, app.config["CELERY"]
        try:
            wait = service.rebuild_when_due(feed_id)
            assert wait is not None
            assert 0 < wait <= 2.0
            assert feed_row(app).build_count == 1
            # Changes kept coming for longer than the longest delay: build now all the same.
            db.session.execute(
                sa.update(CalendarFeed).values(stale_since=utcnow() - timedelta(seconds=31))
            )
            db.session.commit()
            assert service.rebuild_when_due(feed_id) is None
        finally:
            app.config["CELERY"] = saved
    feed = feed_row(app)
    assert (feed.build_count, feed.is_stale, feed.queued_at) == (2, False, None)


def test_lost_rebuilds_are_queued_again_by_the_beat(app, organiser, anonymous, queued):
    ed = edition(organiser)
    session = add_session(organiser, ed["id"])
    get_feed(anonymous, feed_url(ed["id"]))
    patch_session(organiser, ed["id"], session["id"], title_ja="変更")
    feed_id = feed_row(app).id

    with app.app_context():
        assert service.redrive_stale() == []  # queued a moment ago: not lost yet
        assert service.redrive_stale(utcnow() + timedelta(minutes=6)) == [feed_id]
        assert service.rebuild(feed_id) == "built"
        assert service.rebuild(feed_id) == "fresh"  # running twice changes nothing
        assert service.redrive_stale(utcnow() + timedelta(minutes=12)) == []
    assert feed_row(app).build_count == 2


def test_changes_during_a_build_leave_it_stale_and_queue_another(
    app, organiser, anonymous, queued, monkeypatch
):
    ed = edition(organiser)
    session = add_session(organiser, ed["id"])
    get_feed(anonymous, feed_url(ed["id"]))
    patch_session(organiser, ed["id"], session["id"], title_ja="一回目")
    feed_id = feed_row(app).id
    real_render = service.render

    def render_then_change(feed: CalendarFeed) -> Any:
        out = real_render(feed)
        # Another request commits a change while this build is running.
        patch_session(organiser, ed["id"], session["id"], title_ja="二回目")
        return out

    monkeypatch.setattr(service, "render", render_then_change)
    with app.app_context():
        assert service.rebuild(feed_id) == "built"
    feed = feed_row(app)
    assert feed.is_stale
    assert feed.queued_at is not None
    assert queued[-1] == (REBUILD, (feed_id,))


def test_the_feed_reconciler_queues_a_limited_number_per_run(app, queued, monkeypatch):
    monkeypatch.setattr(service, "REDRIVE_BATCH", 2)
    with app.app_context():
        ids = stale_feeds(3)
        now = utcnow()
        runs = [service.redrive_stale(now) for _ in range(3)]
        # Re-driven again only after the doubled wait: 10 minutes, not 5.
        assert service.redrive_stale(now + timedelta(minutes=6)) == []
        assert service.redrive_stale(now + timedelta(minutes=11)) == ids[:2]
    assert runs == [ids[:2], ids[2:], []]
    assert [args for name, args in queued if name == REBUILD][:3] == [(i,) for i in ids]


def test_two_feed_reconcilers_at_once_queue_each_feed_once(app, queued):
    with app.app_context():
        ids = stale_feeds(30)
    now = utcnow()
    barrier = threading.Barrier(4, timeout=30)

    def reconciler(_: int) -> list[int]:
        with app.app_context():
            barrier.wait()
            return service.redrive_stale(now)

    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(reconciler, range(4)))

    assert sorted(i for run in runs for i in run) == ids
    assert sorted(args[0] for name, args in queued if name == REBUILD) == ids


def test_a_feed_another_reconciler_holds_is_skipped_not_waited_for(app, queued):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks: SQLite has one writer at a time and no SKIP LOCKED")
        ids = stale_feeds(3)
        with Session(db.engine) as other:
            other.execute(
                sa.select(CalendarFeed.id).where(CalendarFeed.id == ids[0]).with_for_update()
            )
            assert service.redrive_stale() == ids[1:]
            other.rollback()
        assert service.redrive_stale() == ids[:1]
