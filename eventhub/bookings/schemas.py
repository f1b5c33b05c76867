"""Requests and responses of the bookings API."""

from __future__ import annotations

import marshmallow as ma

from eventhub import fields
from eventhub.bookings.models import BookingStatus
from eventhub.pagination import PageArgs

#: One attendee books for a small party at most; a group books through the organisers.
MAX_SEATS_PER_BOOKING = 10


class BookingInSchema(ma.Schema):
    session_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1))
    seats = ma.fields.Integer(
        load_default=1,
        validate=ma.validate.Range(min=1, max=MAX_SEATS_PER_BOOKING),
        metadata={"description": "Seats for the attendee and companions"},
    )


class BookedSessionSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    title_ja = ma.fields.String()
    title_en = ma.fields.String(allow_none=True)
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    place = ma.fields.String(allow_none=True)
    status = ma.fields.String()


class BookingSchema(ma.Schema):
    id = ma.fields.Integer()
    edition_id = ma.fields.Integer()
    session_id = ma.fields.Integer()
    registration_id = ma.fields.Integer()
    seats = ma.fields.Integer()
    status = ma.fields.String(metadata={"description": "booked or cancelled"})
    attended_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    cancelled_at = fields.DateTime(allow_none=True)
    session = ma.fields.Nested(BookedSessionSchema)


class SessionBookingSchema(BookingSchema):
    """A booking as the exhibitor and organisers see it: with whom."""

    attendee_name = ma.fields.String(attribute="registration.name")
    attendee_organisation = ma.fields.String(
        attribute="registration.organisation_name", allow_none=True
    )
    attendee_type = ma.fields.String(attribute="registration.attendee_type")


class SessionBookingListArgs(PageArgs):
    status = ma.fields.String(validate=fields.one_of(BookingStatus))


class AttendanceSchema(ma.Schema):
    attended = ma.fields.Boolean(
        required=True,
        metadata={"description": "true: the slot or meeting took place with this attendee"},
    )


class AvailabilitySchema(ma.Schema):
    session_id = ma.fields.Integer()
    bookable = ma.fields.Boolean(metadata={"description": "Takes bookings now"})
    seats = ma.fields.Integer(allow_none=True, metadata={"description": "null: unlimited"})
    booked = ma.fields.Integer()
    available = ma.fields.Integer(allow_none=True, metadata={"description": "null: unlimited"})
