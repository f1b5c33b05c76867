"""Each series' own part of the application form (``series_fields``): one declaration per field.

The service validates with these schemas (a draft partially, a submission whole), the OpenAPI
document describes ``series_fields`` as ``oneOf`` them (NationalZoneFields, TakumiFields,
MokucolleFields: eventhub.openapi), and the review pages and exports name the fields and their
values with the ``label`` and ``choices`` declared here. Labels and help are catalogue msgids.
"""

from __future__ import annotations

import enum
from typing import Any, ClassVar

import marshmallow as ma

from eventhub import fields
from eventhub.messages import N_


class TimberProduct(enum.StrEnum):
    STRUCTURAL = "structural"
    INTERIOR = "interior"
    EXTERIOR = "exterior"
    FURNITURE = "furniture"
    DAILY_GOODS = "daily_goods"
    OTHER = "other"


#: What Mokucolle's timber products are called, by value.
TIMBER_PRODUCT_LABELS: dict[str, str] = {
    TimberProduct.STRUCTURAL: N_("Structural timber"),
    TimberProduct.INTERIOR: N_("Interior materials"),
    TimberProduct.EXTERIOR: N_("Exterior materials"),
    TimberProduct.FURNITURE: N_("Furniture"),
    TimberProduct.DAILY_GOODS: N_("Daily goods"),
    TimberProduct.OTHER: N_("Other"),
}

CERTIFICATIONS = ("FSC", "SGEC", "PEFC", "JAS", "合法木材", "other")


def _about(label: str, help: str | None = None, **more: Any) -> dict[str, Any]:
    """A field's metadata: its label and help (msgids), and more keywords for the document."""
    return {"label": label, **({"help": help} if help else {}), **more}


def _required_if(
    data: dict[str, Any], flag: str, field: str, message: str, partial: Any = None
) -> None:
    # A draft (loaded partially) may say yes now and describe it later.
    if not partial and data.get(flag) and not data.get(field):
        raise ma.ValidationError(message, field)


class _SeriesFields(fields.DraftPart):
    # Not empty: the empty object is series_fields' own branch (a draft with nothing yet), so
    # that a validator finds exactly one branch for every answer.
    openapi: ClassVar[dict[str, Any]] = {"minProperties": 1}


class ContactSchema(fields.DraftPart):
    name = fields.Text(required=True, max_length=100, metadata=_about(N_("Name")))
    email = ma.fields.Email(required=True, metadata=_about(N_("Email address")))
    phone = fields.Phone(required=True, metadata=_about(N_("Phone number")))


class NationalZoneFields(_SeriesFields):
    """The fields of an application to an edition of the series `national-zone`
    (産業交流展「全国ゾーン」): the prefecture that recommends the exhibitor, and whom it
    wishes to meet."""

    recommending_prefecture_code = fields.PrefectureCode(
        required=True,
        metadata=_about(
            N_("Recommending prefecture"),
            N_(
                "The prefecture that recommends you (都道府県推薦). Its contact endorses the "
                "application within its quota."
            ),
        ),
    )
    prefecture_contact = ma.fields.Nested(
        ContactSchema,
        required=True,
        metadata=_about(
            N_("Prefecture's contact"),
            N_("The prefecture's person in charge of your recommendation."),
        ),
    )
    target_buyers = ma.fields.List(
        fields.Text(max_length=100),
        required=True,
        validate=ma.validate.Length(min=1, max=10),
        metadata=_about(
            N_("Target buyers"), N_("Kinds of buyers, for example 百貨店 or 商社; 1 to 10.")
        ),
    )


class HandsOnSchema(fields.DraftPart):
    title = fields.Text(required=True, max_length=100, metadata=_about(N_("Title")))
    duration_minutes = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=5, max=480),
        metadata=_about(N_("Minutes per session"), N_("5 to 480.")),
    )
    seats_per_slot = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=1, max=500),
        metadata=_about(N_("Seats per session"), N_("1 to 500.")),
    )
    fee_yen = ma.fields.Integer(
        load_default=0,
        validate=ma.validate.Range(min=0),
        metadata=_about(N_("Fee (yen)"), N_("0 if free.")),
    )
    materials = fields.MultilineText(
        allow_none=True,
        max_length=500,
        metadata=_about(N_("Materials"), N_("What visitors take home or should bring.")),
    )


class TakumiFields(_SeriesFields):
    """The fields of an application to an edition of the series `takumi`
    (ものづくり・匠の技の祭典): the craft, its demonstration, hands-on workshops and sales."""

    craft = fields.Text(
        required=True,
        max_length=200,
        metadata=_about(
            N_("Craft"), N_("The craft you practise, for example 江戸切子 or 南部鉄器.")
        ),
    )
    traditional_craft = fields.Text(
        allow_none=True,
        max_length=200,
        metadata=_about(
            N_("Traditional craft designation"),
            N_("If your craft is designated as a 伝統的工芸品, its designated name."),
        ),
    )
    demonstration = ma.fields.Boolean(
        load_default=False, metadata=_about(N_("Demonstration"), N_("If so, describe it below."))
    )
    demonstration_description = fields.MultilineText(
        allow_none=True,
        max_length=2000,
        metadata=_about(
            N_("About the demonstration"),
            N_("What you show, how often and for how long. Required when you demonstrate."),
            rule="Required to submit when `demonstration` is true.",
        ),
    )
    hands_on = ma.fields.List(
        ma.fields.Nested(HandsOnSchema),
        load_default=list,
        metadata=_about(
            N_("Hands-on sessions"),
            N_("Workshops visitors book in advance. Leave a row blank if you hold none."),
        ),
    )
    sales = ma.fields.Boolean(load_default=False, metadata=_about(N_("Sales at the booth")))
    video_url = ma.fields.URL(
        allow_none=True,
        schemes={"https"},
        metadata=_about(
            N_("Video"),
            N_("An https:// link to a video of your work. Required for an online exhibition."),
            rule="An https:// address. Required to submit to an edition whose `format` is "
            "`online` (the field's message is then `video_url_needed`'s).",
        ),
    )

    @ma.validates_schema
    def _demonstration_described(self, data: dict[str, Any], **kwargs: Any) -> None:
        _required_if(
            data,
            "demonstration",
            "demonstration_description",
            "Describe the demonstration.",
            kwargs.get("partial"),
        )


class MokucolleFields(_SeriesFields):
    """The fields of an application to an edition of the series `mokucolle` (WOODコレクション):
    the timber, where it grows, what is made of it, and business meetings."""

    timber_species = ma.fields.List(
        fields.Text(max_length=50),
        required=True,
        validate=ma.validate.Length(min=1),
        metadata=_about(
            N_("Timber species"), N_("For example スギ, ヒノキ or カラマツ; at least one.")
        ),
    )
    origin_prefecture_codes = ma.fields.List(
        fields.PrefectureCode(),
        required=True,
        validate=ma.validate.Length(min=1),
        metadata=_about(
            N_("Origin of the timber"),
            N_("The prefectures your timber is grown in (産地); at least one."),
        ),
    )
    product_categories = ma.fields.List(
        ma.fields.String(validate=fields.one_of(TimberProduct)),
        required=True,
        validate=ma.validate.Length(min=1),
        metadata=_about(
            N_("Products"),
            N_("What you make of the timber; at least one."),
            choices=TIMBER_PRODUCT_LABELS,
        ),
    )
    certifications = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(CERTIFICATIONS)),
        load_default=list,
        metadata=_about(
            N_("Certifications"),
            N_("Forest and product certifications you hold, if any."),
            choices={c: N_("Other") if c == "other" else c for c in CERTIFICATIONS},
        ),
    )
    business_meetings = ma.fields.Boolean(
        load_default=False,
        metadata=_about(N_("Business meetings"), N_("If so, say which buyers below.")),
    )
    buyer_types = ma.fields.List(
        fields.Text(max_length=100),
        load_default=list,
        metadata=_about(
            N_("Buyers to meet"),
            N_("For example 工務店 or 設計事務所. Required for business meetings."),
            rule="Required to submit (not empty) when `business_meetings` is true.",
        ),
    )

    @ma.validates_schema
    def _buyers_for_meetings(self, data: dict[str, Any], **kwargs: Any) -> None:
        _required_if(
            data,
            "business_meetings",
            "buyer_types",
            "Say which buyers you wish to meet.",
            kwargs.get("partial"),
        )


#: Each series' own fields, by the series' slug.
SERIES_FIELDS: dict[str, type[fields.DraftPart]] = {
    "national-zone": NationalZoneFields,
    "takumi": TakumiFields,
    "mokucolle": MokucolleFields,
}


def labels() -> dict[str, str]:
    """Every series field's label (a msgid), by the field's name."""
    return {
        name: field.metadata["label"]
        for schema in SERIES_FIELDS.values()
        for name, field in schema._declared_fields.items()
    }
