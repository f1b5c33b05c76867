"""The application form: a common part, and one part per series (eventhub.applications.series;
the three series: README.md)."""

from __future__ import annotations

import enum
from typing import Any

import marshmallow as ma
from webargs.fields import DelimitedList

from eventhub import fields
from eventhub.applications import exports
from eventhub.applications.models import ApplicationStatus
from eventhub.applications.series import SERIES_FIELDS
from eventhub.pagination import PageArgs


class IndustryCategory(enum.StrEnum):
    MANUFACTURING = "manufacturing"
    CRAFTS = "crafts"
    FOOD = "food"
    TIMBER = "timber"
    IT = "it"
    MEDICAL = "medical"
    ENVIRONMENT = "environment"
    SERVICES = "services"
    OTHER = "other"


class BoothType(enum.StrEnum):
    STANDARD = "standard"
    CORNER = "corner"
    TABLE = "table"
    ONLINE = "online"


#: Fields a submitted application must have; a draft may leave them out.
REQUIRED_TO_SUBMIT = (
    "contact_name",
    "contact_name_kana",
    "contact_email",
    "contact_phone",
    "summary_ja",
    "industry_category",
    "booth_type",
    "booth_units",
)


class ApplicationSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    edition_id = ma.fields.Integer(dump_only=True)
    organisation_id = ma.fields.Integer(required=True)
    status = ma.fields.String(dump_only=True)
    contact_name = fields.Text(allow_none=True, max_length=100)
    contact_name_kana = fields.Furigana(allow_none=True, validate=ma.validate.Length(max=100))
    contact_title = fields.Text(allow_none=True, max_length=100)
    contact_email = ma.fields.Email(allow_none=True)
    contact_phone = fields.Phone(allow_none=True)
    summary_ja = fields.MultilineText(allow_none=True, max_length=4000)
    summary_en = fields.MultilineText(allow_none=True, max_length=4000)
    products = fields.MultilineText(allow_none=True, max_length=4000)
    industry_category = ma.fields.String(allow_none=True, validate=fields.one_of(IndustryCategory))
    booth_type = ma.fields.String(allow_none=True, validate=fields.one_of(BoothType))
    booth_units = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=20))
    co_exhibitors = ma.fields.List(fields.Text(max_length=200), validate=ma.validate.Length(max=20))
    will_sell = ma.fields.Boolean()
    needs_electricity = ma.fields.Boolean()
    heavy_items = ma.fields.Boolean()
    accept_terms = ma.fields.Boolean(
        load_only=True, metadata={"description": "true to consent to the edition's terms"}
    )
    terms_accepted_at = fields.DateTime(dump_only=True, allow_none=True)
    series_fields = fields.OneOfSchemas(
        list(SERIES_FIELDS.values()),
        empty="No series field given yet: a draft's, until it is filled in.",
        metadata={
            "description": "The series' own fields, following the schema of the edition's "
            "series: NationalZoneFields (national-zone), TakumiFields (takumi) or "
            "MokucolleFields (mokucolle). An update merges what it sends into the fields kept."
        },
    )
    recommending_prefecture_code = ma.fields.Integer(dump_only=True, allow_none=True)
    endorsed = ma.fields.Function(lambda a: a.endorsed_at is not None, dump_only=True)
    endorsed_at = fields.DateTime(dump_only=True, allow_none=True)
    offer_expires_at = fields.DateTime(dump_only=True, allow_none=True)
    submitted_at = fields.DateTime(dump_only=True, allow_none=True)
    decided_at = fields.DateTime(dump_only=True, allow_none=True)
    decision_reason = ma.fields.String(dump_only=True, allow_none=True)
    version = ma.fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ApplicationUpdateSchema(ApplicationSchema):
    organisation_id = ma.fields.Integer(dump_only=True)
    version = ma.fields.Integer(metadata={"description": "The version you last read"})


class ReasonSchema(ma.Schema):
    reason = fields.MultilineText(allow_none=True, max_length=2000)
    version = ma.fields.Integer()


class DecisionSchema(ma.Schema):
    decision = ma.fields.String(
        required=True, validate=ma.validate.OneOf(["approved", "rejected", "waitlisted"])
    )
    reason = fields.MultilineText(
        allow_none=True,
        max_length=2000,
        metadata={"rule": "Required unless the decision is approved."},
    )
    version = ma.fields.Integer(
        required=True,
        strict=True,
        metadata={"description": "The version the reviewer decided on"},
    )

    @ma.validates_schema
    def _reason_for_refusals(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("decision") != "approved" and not data.get("reason"):
            raise ma.ValidationError("Give the exhibitor a reason.", "reason")


class ActorSchema(ma.Schema):
    id = ma.fields.Integer()
    display_name = ma.fields.String()


class TransitionSchema(ma.Schema):
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String()
    actor = ma.fields.Nested(ActorSchema, allow_none=True)
    reason = ma.fields.String(allow_none=True)
    at = fields.DateTime()


class ApplicationListArgs(PageArgs):
    edition_id = ma.fields.Integer()
    series = ma.fields.String(metadata={"description": "Series slug"})
    status = ma.fields.String(validate=fields.one_of(ApplicationStatus))
    prefecture_code = fields.PrefectureCode(metadata={"description": "Of the organisation"})
    industry_category = ma.fields.String(validate=fields.one_of(IndustryCategory))
    sort = ma.fields.String(
        load_default="submitted_at",
        validate=ma.validate.OneOf(["submitted_at", "-submitted_at", "updated_at", "-updated_at"]),
    )


class BulkDecisionItemSchema(DecisionSchema):
    # Strict: "7" or 7.0 is not an id (the document says integer, and a client sending one
    # means something else went wrong).
    id = ma.fields.Integer(required=True, strict=True)


class BulkDecisionSchema(ma.Schema):
    items = ma.fields.List(
        ma.fields.Nested(BulkDecisionItemSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=200),
    )


class BulkResultSchema(ma.Schema):
    id = ma.fields.Integer()
    status = ma.fields.Integer(metadata={"description": "HTTP status this item would have had"})
    code = ma.fields.String(metadata={"description": "Error code when refused"})
    application = ma.fields.Nested(ApplicationSchema, allow_none=True)


class QuotaSchema(ma.Schema):
    prefecture_code = fields.PrefectureCode(dump_only=True)
    max_endorsements = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0))
    used = ma.fields.Integer(dump_only=True)


class StaffSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = fields.Text(required=True, max_length=100)
    name_kana = fields.Furigana(allow_none=True, validate=ma.validate.Length(max=100))
    email = ma.fields.Email(required=True)
    created_at = fields.DateTime(dump_only=True)
    erased_at = fields.DateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "When the retention period erased the name and address."},
    )


class ExportArgs(ma.Schema):
    format = ma.fields.String(load_default="csv", validate=ma.validate.OneOf(["csv", "xlsx"]))
    field_keys = DelimitedList(
        ma.fields.String(validate=ma.validate.OneOf(list(exports.COLUMNS))),
        data_key="fields",
        metadata={
            "description": "Comma-separated field keys, in order: the common ones and the "
            "edition's series fields. Default: every field."
        },
    )
    columns = DelimitedList(
        ma.fields.String(validate=ma.validate.OneOf(list(exports.COLUMNS))),
        metadata={"description": "The former name of `fields`.", "deprecated": True},
    )
    lang = ma.fields.String(
        validate=ma.validate.OneOf(["ja", "en"]),
        metadata={"description": "Language of headers and values; default: the account's."},
    )
    status = ma.fields.String(validate=fields.one_of(ApplicationStatus))

    @ma.post_load
    def _one_name(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        # ``fields`` wins over ``columns``; neither means every field of the edition.
        chosen = data.pop("field_keys", None) or data.pop("columns", None)
        data.pop("columns", None)
        if chosen:
            data["fields"] = chosen
        return data
