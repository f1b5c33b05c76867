"""An edition's schedule beyond its timetable: each day's opening hours, booth set-up (搬入)
and tear-down (搬出). Kept in their own table: the editions table stays as it is."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.calendars.models import ScheduleItem, ScheduleKind
from eventhub.errors import field_error, not_found
from eventhub.events.models import Edition
from eventhub.events.service import check_not_final
from eventhub.extensions import db
from eventhub.locking import check_version

#: Set-up starts days before the first day at large venues, and tear-down may run on after.
SETUP_DAYS = 7


def _window(edition: Edition, kind: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(edition.timezone)
    first = edition.starts_at.astimezone(zone).date()
    last = edition.ends_at.astimezone(zone).date()
    margin = timedelta(days=0 if kind == ScheduleKind.OPENING else SETUP_DAYS)
    return (
        datetime.combine(first - margin, time(), tzinfo=zone),
        datetime.combine(last + margin + timedelta(days=1), time(), tzinfo=zone),
    )


def _check(edition: Edition, item: ScheduleItem) -> None:
    if item.ends_at <= item.starts_at:
        raise field_error("ends_at", "after_starts_at")
    start, end = _window(edition, item.kind)
    if item.starts_at < start or item.ends_at > end:
        if item.kind == ScheduleKind.OPENING:
            raise field_error("starts_at", "schedule_outside_days", kind=item.kind)
        raise field_error("starts_at", "schedule_outside_window", kind=item.kind, days=SETUP_DAYS)


def items_query(edition: Edition, args: dict[str, Any]) -> sa.Select[ScheduleItem]:
    query = (
        sa.select(ScheduleItem)
        .where(ScheduleItem.edition_id == edition.id)
        .order_by(ScheduleItem.starts_at, ScheduleItem.id)
    )
    if "kind" in args:
        query = query.where(ScheduleItem.kind == args["kind"])
    return query


def create(edition: Edition, data: dict[str, Any]) -> ScheduleItem:
    check_not_final(edition, "schedule")
    item = ScheduleItem(edition_id=edition.id, **data)
    _check(edition, item)
    db.session.add(item)
    db.session.flush()
    return item


def get(edition: Edition, item_id: int) -> ScheduleItem:
    item = db.session.get(ScheduleItem, item_id)
    if item is None or item.edition_id != edition.id:
        raise not_found("schedule_item")
    return item


def update(edition: Edition, item: ScheduleItem, data: dict[str, Any]) -> ScheduleItem:
    check_version(item, data)
    check_not_final(edition, "schedule")
    for key, value in data.items():
        setattr(item, key, value)
    _check(edition, item)
    return item


def delete(edition: Edition, item: ScheduleItem) -> None:
    check_not_final(edition, "schedule")
    db.session.delete(item)
    db.session.flush()
