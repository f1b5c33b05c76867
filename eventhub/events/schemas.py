from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import marshmallow as ma

from eventhub import fields
from eventhub.events.models import EditionFormat, EditionStatus, SessionKind, SessionStatus
from eventhub.pagination import PageArgs


def _valid_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ma.ValidationError("Not an IANA time zone such as Asia/Tokyo.") from exc


class SeriesSchema(ma.Schema):
    id = ma.fields.Integer()
    slug = ma.fields.String()
    name_ja = ma.fields.String()
    name_en = ma.fields.String()


def _order(data: dict[str, Any], first: str, then: str, message: str) -> None:
    if data.get(first) is not None and data.get(then) is not None and data[then] <= data[first]:
        raise ma.ValidationError(message, then)


class EditionSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    # Any field: the output schema shows the series nested instead of its slug.
    series: ma.fields.Field[Any] = ma.fields.String(
        required=True,
        attribute="series_slug",
        metadata={"description": "Series slug: national-zone, takumi or mokucolle"},
    )
    fiscal_year = ma.fields.Integer(
        validate=ma.validate.Range(min=1989, max=2200),
        metadata={
            "description": "年度; derived from starts_at when not given",
            "rule": "When given, the fiscal year (April to March) of starts_at's date in Tokyo.",
        },
    )
    title_ja = fields.Text(required=True, max_length=200)
    title_en = fields.Text(required=True, max_length=200)
    venue_ja = fields.Text(allow_none=True, max_length=200)
    venue_en = fields.Text(allow_none=True, max_length=200)
    venue_address = fields.Text(allow_none=True, max_length=300)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(
        required=True, metadata={"rule": "After starts_at (of the edition as updated)."}
    )
    timezone = ma.fields.String(
        load_default="Asia/Tokyo",
        validate=_valid_zone,
        metadata={"description": "An IANA time zone name, such as Asia/Tokyo"},
    )
    format = ma.fields.String(required=True, validate=fields.one_of(EditionFormat))
    applications_open_at = fields.DateTime(allow_none=True)
    applications_close_at = fields.DateTime(
        allow_none=True,
        metadata={
            "rule": "After applications_open_at, and not after starts_at: applications close "
            "before the edition starts."
        },
    )
    booth_capacity = ma.fields.Integer(
        allow_none=True,
        validate=ma.validate.Range(min=0),
        metadata={"description": "Booth units (小間) on offer; null while undecided"},
    )
    waitlist_offer_hours = ma.fields.Integer(
        load_default=72, validate=ma.validate.Range(min=1, max=720)
    )
    waitlist_when_full = ma.fields.Boolean(
        load_default=True,
        metadata={"description": "When full: waitlist new submissions (true) or refuse them"},
    )
    staff_per_unit = ma.fields.Integer(load_default=3, validate=ma.validate.Range(min=0, max=50))
    status = ma.fields.String(dump_only=True)
    cancellation_reason = ma.fields.String(dump_only=True, allow_none=True)
    version = ma.fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    @ma.validates_schema
    def _times_in_order(self, data: dict[str, Any], **_: Any) -> None:
        _order(data, "starts_at", "ends_at", "Must be after starts_at.")
        _order(
            data,
            "applications_open_at",
            "applications_close_at",
            "Must be after applications_open_at.",
        )


class EditionOutSchema(EditionSchema):
    series = ma.fields.Nested(SeriesSchema)


class EditionUpdateSchema(EditionSchema):
    """Every field optional; ``version``, when sent, must match the stored one."""

    version = ma.fields.Integer(metadata={"description": "The version you last read"})
    series = ma.fields.String(dump_only=True)  # an edition never moves to another series


class EditionStatusSchema(ma.Schema):
    status = ma.fields.String(required=True, validate=fields.one_of(EditionStatus))
    reason = fields.MultilineText(
        max_length=1000,
        metadata={
            "description": "Shown in reports",
            "rule": "Required when status is cancelled.",
        },
    )
    version = ma.fields.Integer()

    @ma.validates_schema
    def _reason_for_cancel(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("status") == EditionStatus.CANCELLED and not data.get("reason"):
            raise ma.ValidationError("Say why the edition is cancelled.", "reason")


class EditionListArgs(PageArgs):
    series = ma.fields.String(metadata={"description": "Series slug"})
    fiscal_year = ma.fields.Integer()
    status = ma.fields.String(validate=fields.one_of(EditionStatus))
    format = ma.fields.String(validate=fields.one_of(EditionFormat))


class SessionSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    edition_id = ma.fields.Integer(dump_only=True)
    kind = ma.fields.String(required=True, validate=fields.one_of(SessionKind))
    title_ja = fields.Text(required=True, max_length=200)
    title_en = fields.Text(allow_none=True, max_length=200)
    description_ja = fields.MultilineText(allow_none=True, validate=ma.validate.Length(max=5000))
    description_en = fields.MultilineText(allow_none=True, validate=ma.validate.Length(max=5000))
    starts_at = fields.DateTime(
        required=True,
        metadata={"rule": "The session lies within the edition's days (in its time zone)."},
    )
    ends_at = fields.DateTime(required=True, metadata={"rule": "After starts_at."})
    place = fields.Text(allow_none=True, max_length=200)
    seats = ma.fields.Integer(
        allow_none=True,
        validate=ma.validate.Range(min=1),
        metadata={
            "description": "null for unlimited",
            "rule": "Required for a hands_on session; not fewer than the seats already booked.",
        },
    )
    organisation_id = ma.fields.Integer(
        allow_none=True, metadata={"rule": "An organisation that exists."}
    )
    status = ma.fields.String(validate=fields.one_of(SessionStatus))
    version = ma.fields.Integer(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    @ma.validates_schema
    def _times_in_order(self, data: dict[str, Any], **_: Any) -> None:
        _order(data, "starts_at", "ends_at", "Must be after starts_at.")


class SessionUpdateSchema(SessionSchema):
    version = ma.fields.Integer(metadata={"description": "The version you last read"})


class SessionListArgs(PageArgs):
    kind = ma.fields.String(validate=fields.one_of(SessionKind))
    day = ma.fields.Date(metadata={"description": "Local date of the edition, e.g. 2026-10-28"})
    per_page = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=500))
