"""The booths of an edition: its floor plan, as organisers create and change it.

Giving booths to applications is in ``allocation``; the row locks both use are here. Locks
are always taken in one order (applications, then booths, then the edition; ids ascending),
so two requests never wait on each other in a cycle.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from eventhub.booths.models import Booth, BoothAllocation
from eventhub.errors import DomainError, field_error, not_found
from eventhub.events.models import Edition
from eventhub.events.service import check_not_final
from eventhub.extensions import db
from eventhub.locking import check_version, lock_rows


def check_editable(edition: Edition) -> None:
    check_not_final(edition, "booths")


def _code_exists(codes: list[str]) -> DomainError:
    return DomainError("booth_code_exists", codes=codes)


def _check_capacity(edition: Edition, added_units: int) -> None:
    """The edition's booths may not offer more units than its booth capacity, when set."""
    if edition.booth_capacity is None or added_units <= 0:
        return
    lock_rows(Edition, [edition.id])
    used = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Booth.units), 0)).where(
            Booth.edition_id == edition.id
        )
    )
    if (used or 0) + added_units > edition.booth_capacity:
        raise DomainError(
            "over_capacity",
            booth_capacity=edition.booth_capacity,
            units_in_booths=used,
        )


def _flush_codes(codes: list[str]) -> None:
    try:
        db.session.flush()
    except sa.exc.IntegrityError as exc:
        # Another request created the same code since we looked.
        db.session.rollback()
        raise _code_exists(codes) from exc


# Booths ------------------------------------------------------------------------------------


def create_booths(edition: Edition, items: list[dict[str, Any]]) -> list[Booth]:
    """Create all the booths, or none of them."""
    check_editable(edition)
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item["code"] in seen:
            raise field_error(f"{index}.code", "code_twice")
        seen.add(item["code"])
    existing = db.session.scalars(
        sa.select(Booth.code).where(Booth.edition_id == edition.id, Booth.code.in_(seen))
    ).all()
    if existing:
        raise _code_exists(sorted(existing))
    _check_capacity(edition, sum(item["units"] for item in items))
    booths = [Booth(edition=edition, **item) for item in items]
    db.session.add_all(booths)
    _flush_codes(sorted(seen))
    return booths


def get_booth(edition: Edition, booth_id: int, *, lock: bool = False) -> Booth:
    if lock:
        lock_rows(Booth, [booth_id])
    booth = db.session.get(Booth, booth_id, populate_existing=lock)
    if booth is None or booth.edition_id != edition.id:
        raise not_found("booth")
    return booth


def holder_of(booth_id: int) -> int | None:
    """The application the booth is given to, read from the database, not the session."""
    return db.session.scalar(
        sa.select(BoothAllocation.application_id).where(BoothAllocation.booth_id == booth_id)
    )


def _allocated(booth: Booth, holder: int) -> DomainError:
    return DomainError("booth_allocated", params={"booth": booth.code}, application_id=holder)


def update_booth(booth: Booth, data: dict[str, Any]) -> Booth:
    """Change a booth; only its note may change while it is allocated."""
    check_version(booth, data)
    check_editable(booth.edition)
    changes = {k: v for k, v in data.items() if getattr(booth, k) != v}
    holder = holder_of(booth.id)
    if holder is not None and set(changes) - {"note"}:
        raise _allocated(booth, holder)
    if "code" in changes and db.session.scalar(
        sa.select(Booth.id).where(Booth.edition_id == booth.edition_id, Booth.code == data["code"])
    ):
        raise _code_exists([data["code"]])
    if "units" in changes:
        _check_capacity(booth.edition, changes["units"] - booth.units)
    for key, value in changes.items():
        setattr(booth, key, value)
    _flush_codes([booth.code])
    return booth


def delete_booth(booth: Booth) -> None:
    check_editable(booth.edition)
    holder = holder_of(booth.id)
    if holder is not None:
        raise _allocated(booth, holder)
    db.session.delete(booth)


def booths_query(edition: Edition, args: dict[str, Any]) -> sa.Select[Booth]:
    query = (
        sa.select(Booth)
        .where(Booth.edition_id == edition.id)
        .order_by(Booth.zone, Booth.code, Booth.id)
    )
    given = sa.exists().where(BoothAllocation.booth_id == Booth.id)
    if args.get("state") == "free":
        query = query.where(~given)
    elif args.get("state") == "occupied":
        query = query.where(given)
    if "zone" in args:
        query = query.where(Booth.zone == args["zone"])
    return query
