"""Attendance tallies of an edition: recompute them (incrementally or fully), read them.

Every recompute locks the edition's ``edition_tallies`` row first, so two runs (a beat's
incremental and an organiser's full recompute, or two workers) follow each other and never
count a scan twice. The row's watermark says which scans are counted: all the edition's
scans with an id up to it. A run counts the scans above it up to a horizon (see
``_horizon``), then moves it, in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from eventhub import tasks
from eventhub.checkin.models import Gate, Scan
from eventhub.db import UTCDateTime, conflict_insert, utcnow
from eventhub.errors import not_found
from eventhub.events.models import Edition, EditionStatus
from eventhub.extensions import db
from eventhub.tallies import compute, incremental, recount, sql, static
from eventhub.tallies.figures import EditionFigures
from eventhub.tallies.models import Dimension, EditionTally, TallyBreakdown

log = logging.getLogger(__name__)

INCREMENTAL_TASK = "eventhub.tallies.incremental"
FULL_TASK = "eventhub.tallies.full"
#: While an edition runs, and this long before and after, the beat keeps its tallies current.
LIVE_MARGIN = timedelta(hours=6)
#: How long after its end an edition still gets its final full recompute from the beat.
FINAL_WITHIN = timedelta(days=30)
#: A full recompute asked for and not done after this long is queued again.
REDRIVE_AFTER = timedelta(minutes=5)

tallies = EditionTally.__table__
scans = Scan.__table__


@dataclass(frozen=True)
class Run:
    """What one recompute did."""

    edition_id: int
    full: bool
    low: int
    high: int

    @property
    def scans_read(self) -> int:
        return self.high - self.low


def _lock(edition_id: int) -> int:
    """Create the edition's tally row if needed and lock it; returns its watermark."""
    values = {"edition_id": edition_id, "watermark": 0}
    dialect = db.session.get_bind().dialect.name
    insert = conflict_insert(tallies, db.session)
    db.session.execute(insert.values(values).on_conflict_do_nothing())
    if dialect == "postgresql":
        watermark = db.session.execute(
            sa.select(tallies.c.watermark)
            .where(tallies.c.edition_id == edition_id)
            .with_for_update(key_share=True)
        ).scalar_one()
    else:
        # SQLite has no row locks: the INSERT above already took the database's write lock
        # unless the row existed; an UPDATE that changes nothing takes it in that case too.
        db.session.execute(
            sa.update(tallies)
            .where(tallies.c.edition_id == edition_id)
            .values(watermark=tallies.c.watermark)
        )
        watermark = db.session.execute(
            sa.select(tallies.c.watermark).where(tallies.c.edition_id == edition_id)
        ).scalar_one()
    return int(watermark)


def settle_time() -> timedelta:
    """TALLY_SETTLE_SECONDS (10 s): a scan younger than this may still be in an open transaction
    with a smaller id than a committed one, so the incremental count stops before it and the
    next run counts it. A full recount does not wait for it (see ``committed_horizon``)."""
    return timedelta(seconds=float(current_app.config["TALLY_SETTLE_SECONDS"]))


def _horizon(edition_id: int, watermark: int, now: datetime, settle: timedelta) -> int:
    """The highest scan id a run may count so that no scan below it can appear later.

    Ids are handed out when a scan is inserted, not when it commits: scan 101 may be visible
    while scan 100 is still being written. Scans commit within moments of being received, so
    the run stops before the first scan received less than ``settle`` ago.
    """
    newest = db.session.scalar(
        sa.select(sa.func.max(scans.c.id)).where(scans.c.edition_id == edition_id)
    )
    if newest is None or newest <= watermark:
        return watermark
    unsettled = db.session.scalar(
        sa.select(sa.func.min(scans.c.id)).where(
            scans.c.edition_id == edition_id,
            scans.c.id > watermark,
            scans.c.received_at > sa.literal(now - settle, UTCDateTime()),
        )
    )
    return int(newest) if unsettled is None else max(watermark, int(unsettled) - 1)


#: How long a full recount waits for the transactions writing scans to end.
COMMITTED_LOCK_TIMEOUT = "10s"


def committed_horizon(edition_id: int) -> int | None:
    """The edition's newest scan id, once every scan up to it is committed (PostgreSQL).

    A full recount someone asked for must count every scan committed before it, including
    those younger than the settle time. ``LOCK TABLE scans IN SHARE MODE`` waits for the
    transactions writing scans to end (a scan's is one short statement; a batch upload's a
    few), then holds new ones back only while one ``max(id)`` is read: after it, no scan with
    a smaller id can still appear. Its own connection and transaction, so the lock is held
    for that moment alone, not for the recount. None on SQLite, whose single writer is this
    run itself once it holds the tally lock: every scan it sees is committed.
    """
    if db.engine.dialect.name != "postgresql":
        return None
    with db.engine.connect() as connection:
        connection.execute(sa.text(f"SET LOCAL lock_timeout = '{COMMITTED_LOCK_TIMEOUT}'"))
        connection.execute(sa.text(f"LOCK TABLE {scans.name} IN SHARE MODE"))
        newest = connection.scalar(
            sa.select(sa.func.max(scans.c.id)).where(scans.c.edition_id == edition_id)
        )
        connection.commit()
    return 0 if newest is None else int(newest)


def _scope(edition: Edition, low: int, high: int) -> compute.Scope:
    zone = ZoneInfo(edition.timezone)
    return compute.Scope(
        edition.id, low, high, sql.offsets(zone, edition.starts_at, edition.ends_at)
    )


def _recompute(edition_id: int, full: bool, now: datetime | None, settle: timedelta | None) -> Run:
    now = now or utcnow()
    settle = settle_time() if settle is None else settle
    edition = db.session.get(Edition, edition_id)
    if edition is None:
        raise not_found("edition")
    # Before the tally lock: a full recount first waits until every scan is committed.
    committed = committed_horizon(edition_id) if full else None
    watermark = _lock(edition_id)
    if not full:
        high = _horizon(edition_id, watermark, now, settle)
    elif committed is None:
        # SQLite: this run holds the database's write lock; nothing else is being written.
        high = _horizon(edition_id, watermark, now, timedelta(0))
    else:
        high = max(watermark, committed)
    if full:
        recount.rebuild(_scope(edition, 0, high))
    else:
        incremental.add_range(_scope(edition, watermark, high))
    values = static.refresh(edition_id, edition.format)
    values["watermark"] = high
    if full:
        values["full_computed_at"] = now
        # A request made while this run went on is answered by it only if made before it.
        values["full_requested_at"] = sa.case(
            (tallies.c.full_requested_at <= sa.literal(now, UTCDateTime()), None),
            else_=tallies.c.full_requested_at,
        )
    db.session.execute(sa.update(tallies).where(tallies.c.edition_id == edition_id).values(values))
    db.session.commit()
    run = Run(edition_id, full, 0 if full else watermark, high)
    log.info(
        "tallies recomputed",
        extra={"edition_id": edition_id, "full": full, "low": run.low, "high": high},
    )
    return run


def recompute_incremental(
    edition_id: int, now: datetime | None = None, settle: timedelta | None = None
) -> Run:
    """Count the scans received since the last run, and every other figure afresh; commits."""
    return _recompute(edition_id, False, now, settle)


def recompute_full(
    edition_id: int, now: datetime | None = None, settle: timedelta | None = None
) -> Run:
    """Count every scan of the edition from scratch, and every other figure; commits."""
    return _recompute(edition_id, True, now, settle)


# Requests and the beat -------------------------------------------------------------------------


def request_full(edition: Edition) -> EditionTally:
    """Record that a full recompute is wanted, and queue it once the caller commits."""
    _lock(edition.id)
    tally = db.session.get_one(EditionTally, edition.id, populate_existing=True)
    if tally.full_requested_at is None:
        tally.full_requested_at = utcnow()
    tasks.enqueue(FULL_TASK, edition.id)
    return tally


def due(now: datetime | None = None) -> dict[str, list[int]]:
    """Queue what the beat must do: incremental runs for editions under way, a final full
    run for editions over since LIVE_MARGIN, and full runs asked for but lost. Commits."""
    now = now or utcnow()
    counted = sa.not_(Edition.status.in_([EditionStatus.DRAFT, EditionStatus.CANCELLED]))
    live = db.session.scalars(
        sa.select(Edition.id)
        .where(
            counted, Edition.starts_at <= now + LIVE_MARGIN, Edition.ends_at >= now - LIVE_MARGIN
        )
        .order_by(Edition.id)
    ).all()
    # Editions over lately that were tallied live (older ones are computed when first read),
    # whose last full run, if any, came before the end of their margin: late offline uploads
    # and changed registrations all count in the final run.
    ended = db.session.execute(
        sa.select(Edition.id, Edition.ends_at, EditionTally.full_computed_at)
        .join(EditionTally, EditionTally.edition_id == Edition.id)
        .where(counted, Edition.ends_at < now - LIVE_MARGIN, Edition.ends_at >= now - FINAL_WITHIN)
        .order_by(Edition.id)
    ).all()
    final = [
        edition_id
        for edition_id, ends_at, full_at in ended
        if full_at is None or full_at < ends_at + LIVE_MARGIN
    ]
    lost = db.session.scalars(
        sa.select(EditionTally.edition_id)
        .where(EditionTally.full_requested_at < now - REDRIVE_AFTER)
        .order_by(EditionTally.edition_id)
    ).all()
    full = sorted(set(final) | set(lost))
    for edition_id in live:
        if edition_id not in full:
            tasks.enqueue(INCREMENTAL_TASK, edition_id)
    for edition_id in full:
        tasks.enqueue(FULL_TASK, edition_id)
    db.session.commit()
    return {"incremental": [e for e in live if e not in full], "full": full}


# Reading ---------------------------------------------------------------------------------------


def stored(edition_id: int) -> EditionTally | None:
    return db.session.get(EditionTally, edition_id)


def breakdown(edition_id: int) -> dict[str, dict[str, int]]:
    """Every stored breakdown of the edition, by dimension then key, keys in order."""
    rows = db.session.execute(
        sa.select(TallyBreakdown.dimension, TallyBreakdown.key, TallyBreakdown.value)
        .where(TallyBreakdown.edition_id == edition_id)
        .order_by(TallyBreakdown.dimension, TallyBreakdown.key)
    )
    out: dict[str, dict[str, int]] = {d.value: {} for d in Dimension}
    for dimension, key, value in rows:
        out[dimension][key] = value
    return out


def gate_names(edition_id: int, by_gate: dict[str, int]) -> dict[str, int]:
    """Visitors per gate keyed by the gate's Japanese name; "unknown" for no gate."""
    query = sa.select(Gate.id, Gate.name_ja).where(Gate.edition_id == edition_id)
    names = {gate_id: name for gate_id, name in db.session.execute(query)}
    out: dict[str, int] = {}
    for key, value in by_gate.items():
        name = names.get(int(key), "unknown")
        out[name] = out.get(name, 0) + value
    return out


def pending_scans(edition_id: int, watermark: int) -> int:
    """Scans received but not yet counted (an indexed range count)."""
    return int(
        db.session.scalar(
            sa.select(sa.func.count()).where(
                scans.c.edition_id == edition_id, scans.c.id > watermark
            )
        )
        or 0
    )


def edition_figures(edition_id: int, *, refresh: bool = False) -> EditionFigures:
    """What the data says about an edition, from the stored tallies; computed fully first if
    they never were, and incrementally first when ``refresh`` is set."""
    tally = stored(edition_id)
    if tally is None or tally.computed_at is None:
        recompute_full(edition_id)
    elif refresh:
        recompute_incremental(edition_id)
    tally = db.session.get_one(EditionTally, edition_id, populate_existing=True)
    edition = db.session.get_one(Edition, edition_id)
    parts = breakdown(edition_id)
    assert tally.computed_at is not None  # a recompute just ran, or had run before
    return EditionFigures(
        edition_id=edition.id,
        series_slug=edition.series.slug,
        fiscal_year=edition.fiscal_year,
        title_ja=edition.title_ja,
        title_en=edition.title_en,
        format=edition.format,
        status=edition.status,
        starts_at=edition.starts_at,
        ends_at=edition.ends_at,
        venue_ja=edition.venue_ja,
        venue_en=edition.venue_en,
        cancellation_reason=edition.cancellation_reason,
        exhibitors=tally.exhibitors,
        exhibitors_present=tally.exhibitors_present,
        exhibitor_prefectures=tuple(
            sorted(int(k) for k in parts[Dimension.EXHIBITOR_PREFECTURE] if k.isdigit())
        ),
        municipalities=tally.municipalities,
        organisations_by_kind=parts[Dimension.ORGANISATION_KIND],
        booth_units=tally.booth_units,
        registrations=tally.registrations,
        registrations_by_type=parts[Dimension.REGISTRATION_TYPE],
        visitors=tally.visitors,
        visitors_by_day=parts[Dimension.VISITOR_DAY],
        entries_by_hour=parts[Dimension.ENTRY_HOUR],
        visitors_by_gate=gate_names(edition_id, parts[Dimension.VISITOR_GATE]),
        visitors_by_type=parts[Dimension.VISITOR_TYPE],
        visitors_by_prefecture=parts[Dimension.VISITOR_PREFECTURE],
        entries=tally.entries,
        online_participants=tally.online_participants,
        business_meetings=tally.business_meetings,
        deals=tally.deals,
        hands_on_seats_used=tally.hands_on_seats_used,
        computed_at=tally.computed_at,
        exhibitors_by_prefecture=parts[Dimension.EXHIBITOR_PREFECTURE],
    )


def live(edition: Edition) -> dict[str, Any]:
    """The organisers' view: the stored figures, and how far behind the scans they are."""
    figures = edition_figures(edition.id)
    tally = db.session.get_one(EditionTally, edition.id)
    return {
        "figures": figures,
        "watermark": tally.watermark,
        "pending_scans": pending_scans(edition.id, tally.watermark),
        "full_computed_at": tally.full_computed_at,
        "full_requested_at": tally.full_requested_at,
    }
