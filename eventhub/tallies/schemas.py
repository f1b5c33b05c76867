"""Live tallies, recompute requests, online participation and deals: what the API reads and
writes."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from eventhub import fields
from eventhub.pagination import PageArgs
from eventhub.tallies.models import ParticipationSource


def _counts(description: str) -> ma.fields.Dict:
    return ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Integer(), metadata={"description": description}
    )


class EditionFiguresSchema(ma.Schema):
    """One edition's figures (eventhub.tallies.figures.EditionFigures)."""

    edition_id = ma.fields.Integer()
    format = ma.fields.String()
    status = ma.fields.String()
    exhibitors = ma.fields.Integer(metadata={"description": "Approved exhibitors (出展者数)"})
    exhibitors_present = ma.fields.Integer(
        metadata={"description": "Approved exhibitors with a staff pass admitted at least once"}
    )
    exhibitor_prefectures = ma.fields.List(ma.fields.Integer())
    exhibitors_by_prefecture = _counts("JIS code 01–47 -> approved exhibitors")
    municipalities = ma.fields.Integer()
    organisations_by_kind = _counts("company / association / municipality / other -> count")
    booth_units = ma.fields.Integer(metadata={"description": "小間: allocated, else requested"})
    registrations = ma.fields.Integer()
    registrations_by_type = _counts("attendee type -> registrations")
    visitors = ma.fields.Integer(metadata={"description": "Unique visitors admitted"})
    visitors_by_day = _counts("YYYY-MM-DD (local) -> unique visitors that day")
    entries_by_hour = _counts("YYYY-MM-DDTHH (local) -> entries incl. re-entries")
    visitors_by_gate = _counts("gate name (ja), or unknown -> unique visitors")
    visitors_by_type = _counts("attendee type -> unique visitors")
    visitors_by_prefecture = _counts("JIS code 01–47 or unknown -> unique visitors")
    entries = ma.fields.Integer(metadata={"description": "Admitted entries incl. re-entries"})
    online_participants = ma.fields.Integer(allow_none=True)
    business_meetings = ma.fields.Integer(metadata={"description": "商談: held meetings + leads"})
    deals = ma.fields.Integer(allow_none=True, metadata={"description": "None: none recorded"})
    hands_on_seats_used = ma.fields.Integer()
    computed_at = fields.DateTime()


class LiveTalliesSchema(ma.Schema):
    figures = ma.fields.Nested(EditionFiguresSchema)
    watermark = ma.fields.Integer(metadata={"description": "Scans up to this id are counted"})
    pending_scans = ma.fields.Integer(metadata={"description": "Scans received, not yet counted"})
    full_computed_at = fields.DateTime(allow_none=True)
    full_requested_at = fields.DateTime(
        allow_none=True, metadata={"description": "A full recompute is queued since then"}
    )


class RecomputeSchema(ma.Schema):
    """A full recompute: queued until ``state`` is done."""

    edition_id = ma.fields.Integer()
    state = ma.fields.String(metadata={"description": "queued or done"})
    requested_at = fields.DateTime(allow_none=True)
    full_computed_at = fields.DateTime(allow_none=True)
    poll = ma.fields.String(metadata={"description": "Where to follow it"})


class ParticipationItemSchema(ma.Schema):
    registration_id = ma.fields.Integer(required=True)
    day = ma.fields.Date(required=True, metadata={"description": "Local day of the edition"})


class ParticipationBatchSchema(ma.Schema):
    """Attendees who took part online; sending the same attendee and day again changes nothing."""

    source = ma.fields.String(
        load_default=ParticipationSource.ORGANISER.value,
        validate=fields.one_of(ParticipationSource),
    )
    items = ma.fields.List(
        ma.fields.Nested(ParticipationItemSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=5000),
    )


class ParticipationResultSchema(ma.Schema):
    recorded = ma.fields.Integer(metadata={"description": "New attendee-days recorded"})
    already_recorded = ma.fields.Integer()
    online_participants = ma.fields.Integer(metadata={"description": "Distinct attendees now"})


class DealSchema(ma.Schema):
    """成約: a deal closed from a lead or from a held business meeting (booking)."""

    id = ma.fields.Integer(dump_only=True)
    edition_id = ma.fields.Integer(dump_only=True)
    lead_id = ma.fields.Integer(
        allow_none=True, metadata={"rule": "Either lead_id or booking_id, not both."}
    )
    booking_id = ma.fields.Integer(allow_none=True)
    amount_yen = ma.fields.Integer(
        allow_none=True, validate=ma.validate.Range(min=0), metadata={"format": "int64"}
    )
    closed_on = ma.fields.Date(allow_none=True)
    note = fields.MultilineText(allow_none=True, max_length=2000)
    recorded_at = fields.DateTime(dump_only=True)

    @ma.validates_schema
    def _one_origin(self, data: dict[str, Any], **kwargs: Any) -> None:
        if (data.get("lead_id") is None) == (data.get("booking_id") is None):
            raise ma.ValidationError("Give either lead_id or booking_id.", "lead_id")


class DealListArgs(PageArgs):
    pass
