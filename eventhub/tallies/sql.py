"""SQL building blocks of the tallies: what a range of scans adds, local days and hours, keys.

Local days and hours are computed in SQL from the seconds since 1970 plus the zone's UTC
offset. SQLite knows no time zones, so the offsets come from Python's zoneinfo: one literal
when the zone keeps one offset over the edition (Asia/Tokyo always does), else a CASE over
its transitions. Both databases therefore place a scan on the same day and hour.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.checkin.models import Scan, ScanResult
from eventhub.extensions import db
from eventhub.passes.models import Pass, Registration

scans = Scan.__table__
passes = Pass.__table__
registrations = Registration.__table__

#: Results that let someone in; an undo of such a scan takes the entry back.
ENTRY_RESULTS = (ScanResult.ADMITTED.value, ScanResult.REENTRY_ADMITTED.value)
#: A scan by a device or a check-in by hand; "undo" reversals and "auto" exits are not entries.
ENTRY_METHODS = ("qr", "manual")
DAY = 86_400
HOUR = 3_600
#: Offsets are looked for this far around the edition: exits after midnight, early uploads.
_MARGIN = timedelta(days=2)
_STEP = timedelta(minutes=15)


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _literal(value: int) -> sa.ColumnElement[int]:
    # Literals, not parameters: PostgreSQL refuses a GROUP BY whose expression differs from the
    # SELECT's only by parameter placeholders, and literals keep plans independent of values.
    return sa.literal_column(str(int(value)), sa.BigInteger)


def offsets(zone: ZoneInfo, starts_at: datetime, ends_at: datetime) -> list[tuple[int, int]]:
    """(from epoch second, UTC offset in seconds) pairs covering the edition and a margin."""
    moment = starts_at - _MARGIN
    last = ends_at + _MARGIN
    found: list[tuple[int, int]] = []
    while moment <= last:
        offset = moment.astimezone(zone).utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
        if not found or found[-1][1] != seconds:
            found.append((int(moment.timestamp()), seconds))
        moment += _STEP
    return found


def epoch(column: Any) -> sa.ColumnElement[int]:
    """Whole seconds since 1970-01-01 UTC of a UTCDateTime column."""
    if _postgresql():
        # date_part gives a double (extract gives a slower numeric); floor keeps 10:59:59.9 at 10.
        return sa.cast(sa.func.floor(sa.func.date_part("epoch", column)), sa.BigInteger)
    # SQLite stores naive UTC text; strftime('%s') reads it as UTC and drops the fraction.
    return sa.cast(sa.func.strftime("%s", column), sa.Integer)


def local_seconds(column: Any, zone_offsets: list[tuple[int, int]]) -> sa.ColumnElement[int]:
    """Seconds since 1970-01-01 on the local clock: floor-divide by DAY or HOUR for days/hours."""
    seconds = epoch(column)
    if len(zone_offsets) == 1:
        return seconds + _literal(zone_offsets[0][1])
    whens = [(seconds < _literal(start), _literal(prev)) for (start, _), (_, prev) in
             zip(zone_offsets[1:], zone_offsets, strict=False)]  # fmt: skip
    return seconds + sa.case(*whens, else_=_literal(zone_offsets[-1][1]))


def utc_range(
    number: Any, unit: int, zone_offsets: list[tuple[int, int]], table: Any
) -> list[sa.ColumnElement[bool]]:
    """Conditions on ``table.scanned_at`` covering local day (or hour) ``number`` whatever
    the offset: a range the (pass_id, scanned_at) index can seek, not an exact test."""
    low = number * _literal(unit) - _literal(max(o for _, o in zone_offsets))
    high = (number + _literal(1)) * _literal(unit) - _literal(min(o for _, o in zone_offsets))
    return [table.c.scanned_at >= _from_epoch(low), table.c.scanned_at < _from_epoch(high)]


def _from_epoch(seconds: sa.ColumnElement[int]) -> sa.ColumnElement[Any]:
    if _postgresql():
        return sa.func.to_timestamp(seconds)
    # SQLite stores "YYYY-MM-DD HH:MM:SS.ffffff": this text without the fraction sorts just
    # before any moment of the same second, as a bound must.
    return sa.func.datetime(seconds, "unixepoch")


def floor_div(value: sa.ColumnElement[int], divisor: int) -> sa.ColumnElement[int]:
    """Integer division of a non-negative integer (both databases truncate, which floors)."""
    return value.op("/", precedence=8)(_literal(divisor))


def day_key(day_number: Any) -> sa.ColumnElement[str]:
    """The key "YYYY-MM-DD" of a day number (days since 1970-01-01)."""
    if _postgresql():
        days = sa.cast(day_number, sa.Integer)  # date + integer is a date; + bigint is no operator
        return sa.func.to_char(sa.literal_column("DATE '1970-01-01'") + days, "YYYY-MM-DD")
    return sa.func.date(day_number * _literal(DAY), "unixepoch")


def hour_key(hour_number: Any) -> sa.ColumnElement[str]:
    """The key "YYYY-MM-DDTHH" of an hour number (hours since 1970-01-01T00)."""
    if _postgresql():
        start: sa.ColumnElement[Any] = sa.literal_column("TIMESTAMP '1970-01-01'")
        hours = hour_number * sa.literal_column("INTERVAL '1 hour'")
        return sa.func.to_char(start + hours, 'YYYY-MM-DD"T"HH24')
    return sa.func.strftime("%Y-%m-%dT%H", hour_number * _literal(HOUR), "unixepoch")


def prefecture_key(code: Any) -> sa.ColumnElement[str]:
    """The key "01".."47", or "unknown" when the registration gave none."""
    if _postgresql():
        padded = sa.func.lpad(sa.cast(code, sa.Text), 2, "0")
    else:
        padded = sa.func.printf("%02d", code)  # printf gives "00" for NULL, not NULL
    return sa.case((code.is_(None), "unknown"), else_=padded)


def text_key(value: Any) -> sa.ColumnElement[str]:
    return sa.cast(value, sa.String)


def effects(edition_id: int, low: int, high: int) -> sa.Subquery:
    """What scans with ids in (low, high] change: +1 per admitted entry, -1 per undo of one.

    An undo is counted where the entry it takes back was: that entry's pass, time and gate.
    Every entry and its undo are counted once each, whatever batches they fall in, so sums
    over any split of the scans into id ranges are the same.
    """
    entries = sa.select(
        scans.c.pass_id, scans.c.scanned_at, scans.c.gate_id, _literal(1).label("weight")
    ).where(
        scans.c.edition_id == edition_id,
        scans.c.id > low,
        scans.c.id <= high,
        scans.c.result.in_(ENTRY_RESULTS),
        scans.c.method.in_(ENTRY_METHODS),
        scans.c.pass_id.isnot(None),
    )
    undo = scans.alias("undo")
    undone = scans.alias("undone")
    undos = (
        sa.select(
            undone.c.pass_id, undone.c.scanned_at, undone.c.gate_id, _literal(-1).label("weight")
        )
        .select_from(undo.join(undone, undone.c.id == undo.c.undoes_id))
        .where(
            undo.c.edition_id == edition_id,
            undo.c.undoes_id.isnot(None),  # lets PostgreSQL use the partial undo index
            undo.c.id > low,
            undo.c.id <= high,
            undo.c.method == "undo",
            undone.c.result.in_(ENTRY_RESULTS),
            undone.c.method.in_(ENTRY_METHODS),
            undone.c.pass_id.isnot(None),
        )
    )
    return sa.union_all(entries, undos).subquery("effects")


def with_holders(effects_: sa.Subquery) -> sa.Select[Any]:
    """Effects with who made them: staff or visitor, the registration's type and prefecture."""
    return (
        sa.select(
            effects_.c.pass_id,
            effects_.c.scanned_at,
            effects_.c.gate_id,
            effects_.c.weight,
            passes.c.staff_member_id.isnot(None).label("staff"),
            registrations.c.attendee_type,
            registrations.c.prefecture_code,
        )
        .select_from(effects_)
        .join(passes, passes.c.id == effects_.c.pass_id)
        .outerjoin(registrations, registrations.c.id == passes.c.registration_id)
    )
