"""The feed store: which feed a request means, building it, storing it, rebuilding it.

A feed's body is built by a worker and kept in ``calendar_feeds``; requests are answered from
it (and from a short-lived copy in each web process, ``cache.py``). A change to what a feed
shows bumps the feed's generation in the changing transaction (``staleness.py``) and queues a
rebuild after the commit. The rebuild waits for a quiet moment (a burst of edits → one
build), records the generation it read, and queues itself again if more changed meanwhile.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

# staleness also installs the flush listener that marks feeds stale: importing this module
# (as the API and the workers do) is what keeps feeds current.
from eventhub import counters, reconcile
from eventhub.calendars import build, private
from eventhub.calendars.cache import Stored, feed_cache
from eventhub.calendars.models import CalendarFeed, FeedKind
from eventhub.calendars.staleness import REBUILD_TASK
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.locking import lock_rows
from eventhub.tasks import enqueue

log = logging.getLogger(__name__)

REDRIVE_TASK = "eventhub.calendars.redrive_stale"
#: A rebuild still not done this long after it was queued is queued again by the beat.
REDRIVE_AFTER = timedelta(minutes=5)
#: The longest a feed whose rebuild keeps getting lost waits between two re-drives.
MAX_REDRIVE_WAIT = timedelta(hours=1)
#: Feeds re-queued per reconciler run.
REDRIVE_BATCH = 200


@dataclass(frozen=True)
class FeedSpec:
    """One feed, as a request names it; ``key`` is how the store finds it."""

    kind: FeedKind
    lang: str
    subject: int
    session_kinds: tuple[str, ...] = field(default=())

    @property
    def key(self) -> str:
        key = f"{self.kind}:{self.subject}:{self.lang}"
        return f"{key}:{','.join(self.session_kinds)}" if self.session_kinds else key

    def columns(self) -> dict[str, object]:
        subject = {
            FeedKind.EDITION: "edition_id",
            FeedKind.SERIES: "series_id",
            FeedKind.PROGRAMME: "fiscal_year",
            FeedKind.EXHIBITOR: "organisation_id",
            FeedKind.ATTENDEE: "registration_id",
        }[self.kind]
        return {
            "key": self.key,
            "kind": self.kind,
            "lang": self.lang,
            subject: self.subject,
            "session_kinds": ",".join(self.session_kinds) or None,
        }


def edition_spec(edition_id: int, lang: str, kinds: list[str] | None) -> FeedSpec:
    return FeedSpec(FeedKind.EDITION, lang, edition_id, tuple(sorted(set(kinds or ()))))


def _subject(value: int | None) -> int:
    if value is None:
        raise ValueError("a feed row lacks the subject its kind names")
    return value


def render(feed: CalendarFeed) -> tuple[bytes, int]:
    """Build the feed's body now; raises ``build.FeedGoneError`` when its subject is gone."""
    lang = feed.lang
    if feed.kind == FeedKind.EDITION:
        kinds = frozenset(feed.session_kinds.split(",")) if feed.session_kinds else None
        return build.edition_feed(_subject(feed.edition_id), lang, kinds)
    if feed.kind == FeedKind.SERIES:
        return build.series_feed(_subject(feed.series_id), lang)
    if feed.kind == FeedKind.PROGRAMME:
        return build.programme_feed(_subject(feed.fiscal_year), lang)
    if feed.kind == FeedKind.EXHIBITOR:
        return private.exhibitor_feed(_subject(feed.organisation_id), lang)
    return private.attendee_feed(_subject(feed.registration_id), lang)


# Serving -------------------------------------------------------------------------------------


def _load(key: str) -> Stored | None:
    row = db.session.execute(
        sa.select(
            CalendarFeed.body, CalendarFeed.body_gzip, CalendarFeed.etag, CalendarFeed.last_modified
        ).where(CalendarFeed.key == key, CalendarFeed.etag.is_not(None))
    ).first()
    if row is None:
        return None
    return Stored(row.body, row.body_gzip, row.etag, row.last_modified)


def stored_feed(spec: FeedSpec, check: Callable[[], None]) -> Stored:
    """The feed's stored body; built now if it never was (after ``check`` says the caller may
    see it: it raises otherwise). Served from this process's copy while that is recent."""
    cache = feed_cache()
    cached, fresh = cache.get(spec.key)
    if cached is not None and fresh:
        return cached
    row = db.session.execute(
        sa.select(CalendarFeed.id, CalendarFeed.etag).where(CalendarFeed.key == spec.key)
    ).first()
    if cached is not None and row is not None and row.etag == cached.etag:
        cache.put(spec.key, cached)  # unchanged: only the check time moves
        return cached
    if row is None or row.etag is None:
        check()
        rebuild(row.id if row is not None else ensure_feed(spec))
    stored = _load(spec.key)
    if stored is None:
        # The subject vanished between the check and the build.
        raise build.FeedGoneError(spec.key)
    cache.put(spec.key, stored)
    return stored


def ensure_feed(spec: FeedSpec) -> int:
    """The feed's row id, creating the row (committed, so changes from now on mark it stale)."""
    found = db.session.scalar(sa.select(CalendarFeed.id).where(CalendarFeed.key == spec.key))
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            feed = CalendarFeed(**spec.columns(), generation=1, built_generation=0)
            db.session.add(feed)
        feed_id = feed.id
        db.session.commit()
        return feed_id
    except IntegrityError:
        # A simultaneous first request created it: use theirs.
        db.session.rollback()
        return db.session.scalars(
            sa.select(CalendarFeed.id).where(CalendarFeed.key == spec.key)
        ).one()


# Rebuilding ----------------------------------------------------------------------------------


def etag_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def rebuild(feed_id: int) -> str:
    """Build the feed if it is stale and store it; commits. Safe to run twice or late.

    Returns what happened: built, fresh (nothing to do), or gone (subject deleted).
    """
    feed = db.session.get(CalendarFeed, feed_id)
    if feed is None:
        return "gone"
    if not feed.is_stale:
        if feed.queued_at is not None:
            feed.queued_at = None
            feed.redrives = 0
            db.session.commit()
        return "fresh"
    # Everything that changed up to this generation has committed, so the build sees it;
    # anything later bumps the generation past it and is built next time.
    generation = feed.generation
    try:
        body, count = render(feed)
    except build.FeedGoneError:
        log.info("feed subject gone; feed dropped", extra={"feed_id": feed_id, "key": feed.key})
        db.session.delete(feed)
        db.session.commit()
        return "gone"
    now = utcnow()
    lock_rows(CalendarFeed, [feed_id])
    db.session.refresh(feed)
    if feed.etag is not None and feed.built_generation >= generation:
        db.session.commit()  # another worker stored this generation (or a later one) first
        return "fresh"
    etag = etag_of(body)
    if etag != feed.etag:
        feed.body = body
        feed.body_gzip = gzip.compress(body, compresslevel=6, mtime=0)
        feed.etag = etag
        feed.last_modified = now.replace(microsecond=0)
    feed.built_at = now
    feed.build_count += 1
    feed.event_count = count
    feed.built_generation = generation
    feed.redrives = 0  # its task ran: whatever the reconciler re-queued was not lost
    if feed.generation > generation:
        feed.queued_at = now
        enqueue(REBUILD_TASK, feed_id)
    else:
        feed.stale_since = None
        feed.queued_at = None
    db.session.commit()
    counters.FEED_REBUILDS.inc()
    log.info("feed built", extra={"feed_id": feed_id, "events": count, "bytes": len(body)})
    return "built"


def _seconds(name: str, default: float) -> float:
    return float(current_app.config.get(name, default))


def rebuild_when_due(feed_id: int) -> float | None:
    """Rebuild once the burst of changes is over; else the seconds to wait first.

    Due when no change came for CALENDAR_DEBOUNCE_SECONDS (2 s), or at the latest
    CALENDAR_MAX_DELAY_SECONDS (30 s) after the first unbuilt change. With eager tasks
    (no broker) there is no one to come back later, so it builds at once.
    """
    feed = db.session.get(CalendarFeed, feed_id)
    if feed is None:
        return None
    eager = bool(current_app.config["CELERY"].get("task_always_eager"))
    if not eager and feed.is_stale and feed.etag is not None and feed.changed_at:
        quiet = feed.changed_at + timedelta(seconds=_seconds("CALENDAR_DEBOUNCE_SECONDS", 2.0))
        latest = (feed.stale_since or feed.changed_at) + timedelta(
            seconds=_seconds("CALENDAR_MAX_DELAY_SECONDS", 30.0)
        )
        wait = (min(quiet, latest) - utcnow()).total_seconds()
        if wait > 0:
            db.session.rollback()
            return wait
    rebuild(feed_id)
    return None


def redrive_stale(now: datetime | None = None) -> list[int]:
    """Queue a rebuild of the stale feeds whose rebuild was never queued or got lost; commits.

    ``REDRIVE_BATCH`` feeds a run, claimed so that two reconcilers never queue one feed twice;
    a feed is re-queued ``REDRIVE_AFTER`` after it was last queued, then after twice that, and
    so on up to ``MAX_REDRIVE_WAIT``.
    """
    now = now or utcnow()
    feed = CalendarFeed
    return reconcile.redrive(
        feed,
        sa.and_(
            feed.generation > feed.built_generation,
            reconcile.due(feed.queued_at, feed.redrives, now, REDRIVE_AFTER, MAX_REDRIVE_WAIT),
        ),
        order_by=(feed.queued_at, feed.id),
        limit=REDRIVE_BATCH,
        values={"queued_at": now, "redrives": feed.redrives + 1},
        task=REBUILD_TASK,
    )
