"""Requests and responses of the calendars API."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from eventhub import fields
from eventhub.calendars.models import FeedLang, ScheduleKind
from eventhub.events.models import SessionKind
from eventhub.pagination import PageArgs


class FeedArgs(ma.Schema):
    lang = ma.fields.String(
        load_default="ja", validate=fields.one_of(FeedLang), metadata={"description": "ja or en"}
    )


class PrivateFeedArgs(ma.Schema):
    lang = ma.fields.String(
        validate=fields.one_of(FeedLang),
        metadata={"description": "ja or en; by default the language chosen for the link"},
    )


class EditionFeedArgs(FeedArgs):
    kind = ma.fields.List(
        ma.fields.String(validate=fields.one_of(SessionKind)),
        metadata={"description": "Only these session kinds (repeat the parameter for several)"},
    )


class LinksSchema(ma.Schema):
    name = ma.fields.String(metadata={"description": "The calendar's name"})
    https = ma.fields.String(metadata={"description": "The feed's URL, to subscribe to"})
    webcal = ma.fields.String(
        metadata={
            "description": "The same as webcal://, which opens "
            "the calendar application's subscribe dialog"
        }
    )


class EventLinksSchema(ma.Schema):
    ics = ma.fields.String(metadata={"description": "This one event as an .ics download"})
    feed = ma.fields.Nested(LinksSchema, metadata={"description": "Its edition's timetable"})


class LinkInSchema(ma.Schema):
    lang = ma.fields.String(load_default="ja", validate=fields.one_of(FeedLang))


class PrivateLinkSchema(ma.Schema):
    """A private feed link. The URLs appear only in the answer that creates the link."""

    active = ma.fields.Boolean()
    lang = ma.fields.String(allow_none=True)
    created_at = fields.DateTime(allow_none=True)
    https = ma.fields.String(metadata={"description": "Only when just created"})
    webcal = ma.fields.String(metadata={"description": "Only when just created"})


class ScheduleItemSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    edition_id = ma.fields.Integer(dump_only=True)
    kind = ma.fields.String(
        required=True,
        validate=fields.one_of(ScheduleKind),
        metadata={"description": "opening (開場), setup (搬入・設営) or teardown (搬出・撤去)"},
    )
    starts_at = fields.DateTime(
        required=True,
        metadata={
            "rule": "Within the edition's days for opening hours; setup and teardown may also "
            "take the days just before and after."
        },
    )
    ends_at = fields.DateTime(required=True, metadata={"rule": "After starts_at."})
    note_ja = fields.Text(allow_none=True, max_length=200)
    note_en = fields.Text(allow_none=True, max_length=200)
    version = ma.fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    @ma.validates_schema
    def _in_order(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ma.ValidationError("Must be after starts_at.", "ends_at")


class ScheduleItemUpdateSchema(ScheduleItemSchema):
    version = ma.fields.Integer(metadata={"description": "The version you read (optional)"})


class ScheduleListArgs(PageArgs):
    kind = ma.fields.String(validate=fields.one_of(ScheduleKind))
