"""Entered figures of past editions: checks, CSV import (all or nothing, idempotent), queries.

A CSV row is keyed by series, fiscal year and edition number: importing the same file again
changes nothing, and a corrected file updates the rows it names. Rows the file leaves out
are kept; remove one with DELETE.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from eventhub.errors import DomainError, field_error, invalid, not_found, validator_error
from eventhub.events.models import Series
from eventhub.extensions import db
from eventhub.locking import lock_rows
from eventhub.reports import past_csv
from eventhub.reports import past_values as read
from eventhub.reports.facts import EditionFacts, Source
from eventhub.reports.models import PastEditionFigures, PastStatus

#: Every column of the model that an import or a create sets.
VALUE_FIELDS = (
    "edition_no", "held_from", "held_until", "venue_ja", "venue_en", "format", "status",
    "cancellation_reason_ja", "cancellation_reason_en", "exhibitors", "prefecture_codes",
    "prefectures_printed", "municipalities_ja", "visitors", "visitors_approximate",
    "online_participants", "online_participants_approximate", "business_meetings", "note_ja",
    "note_en",
)  # fmt: skip


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def _complete(values: dict[str, Any]) -> dict[str, Any]:
    """Every settable column, so that a re-import also clears what the file leaves empty."""
    defaults: dict[str, Any] = {
        "edition_no": 1,
        "format": "in_person",
        "status": PastStatus.HELD,
        "visitors_approximate": False,
        "online_participants_approximate": False,
    }
    return {field: values.get(field, defaults.get(field)) for field in VALUE_FIELDS}


def upsert(rows: Iterable[dict[str, Any]]) -> ImportResult:
    """Create or update each row by its key, in the caller's transaction."""
    rows = list(rows)
    # Imports of the same series queue up here, so two can never insert one key twice.
    lock_rows(Series, {row["series_id"] for row in rows})
    created = updated = unchanged = 0
    for row in rows:
        values = _complete(row)
        existing = db.session.scalars(
            sa.select(PastEditionFigures).where(
                PastEditionFigures.series_id == row["series_id"],
                PastEditionFigures.fiscal_year == row["fiscal_year"],
                PastEditionFigures.edition_no == values["edition_no"],
            )
        ).first()
        if existing is None:
            db.session.add(
                PastEditionFigures(
                    series_id=row["series_id"], fiscal_year=row["fiscal_year"], **values
                )
            )
            created += 1
        elif all(getattr(existing, f) == v for f, v in values.items()):
            unchanged += 1
        else:
            for field, value in values.items():
                setattr(existing, field, value)
            updated += 1
    db.session.flush()
    return ImportResult(created, updated, unchanged)


def import_csv(data: bytes) -> ImportResult:
    return upsert(past_csv.read_csv(data))


def create_entry(data: dict[str, Any]) -> PastEditionFigures:
    """One entry from the JSON API; 409 if its series, year and edition number are taken."""
    series = past_csv.series_lookup().get(read.key(data.pop("series")))
    if series is None:
        raise field_error("series", "unknown_past_series")
    prefectures = data.pop("prefectures", None)
    values = {**data, "series_id": series.id}
    values["prefecture_codes"] = sorted(set(prefectures)) if prefectures else None
    found = read.problems(values)
    if found:
        raise invalid(*(validator_error("held_from" if f == "held" else f, m) for f, m in found))
    lock_rows(Series, [series.id])
    taken = db.session.scalar(
        sa.select(PastEditionFigures.id).where(
            PastEditionFigures.series_id == series.id,
            PastEditionFigures.fiscal_year == values["fiscal_year"],
            PastEditionFigures.edition_no == values.get("edition_no", 1),
        )
    )
    if taken is not None:
        raise DomainError("past_figures_exist", existing_id=taken)
    entry = PastEditionFigures(
        series_id=series.id, fiscal_year=values["fiscal_year"], **_complete(values)
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries_query(args: dict[str, Any]) -> sa.Select[PastEditionFigures]:
    query = sa.select(PastEditionFigures).order_by(
        PastEditionFigures.series_id,
        PastEditionFigures.fiscal_year,
        PastEditionFigures.edition_no,
    )
    if args.get("series"):
        query = query.join(PastEditionFigures.series).where(Series.slug == args["series"])
    if args.get("fiscal_year"):
        query = query.where(PastEditionFigures.fiscal_year == args["fiscal_year"])
    return query


def get_entry(entry_id: int) -> PastEditionFigures:
    entry = db.session.get(PastEditionFigures, entry_id)
    if entry is None:
        raise not_found("past_figures")
    return entry


def to_facts(entry: PastEditionFigures) -> EditionFacts:
    return EditionFacts(
        source=Source.ENTERED,
        series_slug=entry.series.slug,
        fiscal_year=entry.fiscal_year,
        order=entry.edition_no,
        held_from=entry.held_from,
        held_until=entry.held_until,
        venue_ja=entry.venue_ja,
        venue_en=entry.venue_en,
        format=entry.format,
        cancelled=entry.status == PastStatus.CANCELLED,
        reason_ja=entry.cancellation_reason_ja,
        reason_en=entry.cancellation_reason_en,
        exhibitors=entry.exhibitors,
        prefecture_codes=tuple(entry.prefecture_codes) if entry.prefecture_codes else None,
        prefectures_printed=entry.prefectures_printed,
        municipalities_ja=entry.municipalities_ja,
        visitors=entry.visitors,
        visitors_approximate=entry.visitors_approximate,
        online_participants=entry.online_participants,
        online_participants_approximate=entry.online_participants_approximate,
        business_meetings=entry.business_meetings,
        note_ja=entry.note_ja,
        note_en=entry.note_en,
    )


def entered_facts(fiscal_year: int) -> dict[str, list[EditionFacts]]:
    """Entered figures of every year up to ``fiscal_year``, by series slug."""
    by_series: dict[str, list[EditionFacts]] = {}
    entries = db.session.scalars(
        sa.select(PastEditionFigures)
        .where(PastEditionFigures.fiscal_year <= fiscal_year)
        .order_by(PastEditionFigures.fiscal_year, PastEditionFigures.edition_no)
    )
    for entry in entries:
        by_series.setdefault(entry.series.slug, []).append(to_facts(entry))
    return by_series
