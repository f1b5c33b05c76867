"""Live gate figures for the organisers' dashboard, and the closing-time auto exit.

Every figure is one aggregate query (COUNT … GROUP BY); nothing loops over scans in Python,
so the dashboard costs the same with 50 or 50,000 visitors.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.checkin import admission
from eventhub.checkin.models import Gate, ScanResult
from eventhub.checkin.scanning import presences, scans
from eventhub.db import UTCDateTime, utcnow
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.passes.models import Pass, PassSettings

log = logging.getLogger(__name__)

_ENTRIES = (ScanResult.ADMITTED.value, ScanResult.REENTRY_ADMITTED.value)
_undo = scans.alias("undo")


def _day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(day, time(), zone),
        datetime.combine(day + timedelta(days=1), time(), zone),
    )


def _hour_of_day(start: datetime) -> sa.ColumnElement[Any]:
    """Local hour of a scan of the day starting at ``start``: whole hours since midnight.

    Numbers are literals, not parameters: PostgreSQL refuses a GROUP BY whose expression
    differs from the SELECT's only by parameter placeholders.
    """
    offset: sa.ColumnElement[int] = sa.literal_column(str(int(start.timestamp())))
    if db.session.get_bind().dialect.name == "postgresql":
        seconds = sa.extract("epoch", scans.c.scanned_at) - offset
        return sa.cast(sa.func.floor(seconds / sa.literal_column("3600")), sa.Integer)
    # SQLite stores naive UTC text; strftime('%s') reads it as UTC. Integer division floors.
    # The precedence of "/" makes SQLAlchemy bracket the subtraction.
    seconds = sa.cast(sa.func.strftime("%s", scans.c.scanned_at), sa.Integer) - offset
    return seconds.op("/", precedence=8)(sa.literal_column("3600"))


def figures(edition: Edition, day: date | None = None) -> dict[str, Any]:
    """Inside now; for ``day`` (local, default today): passes let in, entries (and how many of
    them gate scanners decided offline), by gate, hour and kind. Undone scans and their
    reversals do not count."""
    zone = ZoneInfo(edition.timezone)
    day = day or utcnow().astimezone(zone).date()
    start, end = _day_bounds(day, zone)
    entry_scans = sa.and_(
        scans.c.edition_id == edition.id,
        scans.c.scanned_at >= sa.literal(start, UTCDateTime()),
        scans.c.scanned_at < sa.literal(end, UTCDateTime()),
        scans.c.result.in_(_ENTRIES),
        scans.c.method.in_(("qr", "manual")),
        ~sa.exists().where(_undo.c.undoes_id == scans.c.id),
    )
    inside_now = db.session.scalar(
        sa.select(sa.func.count()).where(
            presences.c.edition_id == edition.id, presences.c.inside == sa.true()
        )
    )
    offline = sa.func.count(sa.case((scans.c.decided_offline == sa.true(), 1)))
    admitted, entries, entries_offline = db.session.execute(
        sa.select(sa.func.count(sa.distinct(scans.c.pass_id)), sa.func.count(), offline).where(
            entry_scans
        )
    ).one()
    by_gate = db.session.execute(
        sa.select(scans.c.gate_id, Gate.name_ja, sa.func.count().label("entries"))
        .outerjoin(Gate, Gate.id == scans.c.gate_id)
        .where(entry_scans)
        .group_by(scans.c.gate_id, Gate.name_ja)
        .order_by(scans.c.gate_id)
    )
    hour = _hour_of_day(start).label("hour")
    by_hour = db.session.execute(
        sa.select(hour, sa.func.count().label("entries"))
        .where(entry_scans)
        .group_by(hour)
        .order_by(hour)
    )
    by_kind = db.session.execute(
        sa.select(
            Pass.kind,
            sa.func.count(sa.distinct(scans.c.pass_id)).label("admitted"),
            sa.func.count().label("entries"),
        )
        .join(Pass, Pass.id == scans.c.pass_id)
        .where(entry_scans)
        .group_by(Pass.kind)
        .order_by(Pass.kind)
    )
    return {
        "day": day,
        "inside_now": inside_now or 0,
        "admitted_today": admitted,
        "entries_today": entries,
        "entries_decided_offline": entries_offline,
        "by_gate": [row._asdict() for row in by_gate],
        "by_hour": [row._asdict() for row in by_hour],
        "by_kind": [row._asdict() for row in by_kind],
    }


# Closing time --------------------------------------------------------------------------------


def last_closing(edition: Edition, now: datetime) -> datetime | None:
    """The latest daily closing at or before ``now``: each day closes at the local time of day
    the edition ends on its last day."""
    zone = ZoneInfo(edition.timezone)
    first = edition.starts_at.astimezone(zone).date()
    last_end = edition.ends_at.astimezone(zone)
    day = min(now.astimezone(zone).date(), last_end.date())
    while day >= first:
        closing = datetime.combine(day, last_end.timetz().replace(tzinfo=None), zone)
        if closing <= now:
            return closing
        day -= timedelta(days=1)
    return None


def auto_exit(edition_id: int, now: datetime | None = None) -> int:
    """Mark everyone still inside at the last closing as exited (scans with method "auto").

    Does nothing when the edition's settings turn it off. Idempotent: people who entered after
    that closing, and people already outside, are left alone. Returns how many were let out.
    """
    now = now or utcnow()
    settings = db.session.get(PassSettings, edition_id)
    edition = db.session.get(Edition, edition_id)
    if edition is None or (settings is not None and not settings.auto_exit_at_close):
        return 0
    closing = last_closing(edition, now)
    if closing is None:
        return 0
    pass_ids = admission.let_out(edition_id, closing)
    db.session.commit()
    log.info("auto exit", extra={"edition_id": edition_id, "exited": len(pass_ids)})
    return len(pass_ids)


def auto_exit_due(now: datetime | None = None) -> dict[int, int]:
    """Run ``auto_exit`` for every edition under way (or just ended) with anyone inside;
    for a periodic task. Returns the number let out per edition."""
    now = now or utcnow()
    edition_ids = db.session.scalars(
        sa.select(Edition.id)
        .where(
            Edition.starts_at <= now,
            Edition.ends_at >= now - timedelta(days=1),
            sa.exists().where(
                presences.c.edition_id == Edition.id, presences.c.inside == sa.true()
            ),
        )
        .order_by(Edition.id)
    ).all()
    return {edition_id: auto_exit(edition_id, now) for edition_id in edition_ids}
