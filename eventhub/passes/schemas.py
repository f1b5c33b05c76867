"""Registration, pass settings and passes: what the passes API reads and writes."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import has_request_context, request

from eventhub import fields
from eventhub.messages import N_
from eventhub.pagination import PageArgs
from eventhub.passes import printable
from eventhub.passes.models import AttendeeType, Pass, PassState

#: Who may register themselves; exhibitor staff get their passes through their exhibitor.
SELF_REGISTERED = [t.value for t in AttendeeType if t != AttendeeType.EXHIBITOR_STAFF]

#: The holder's key may come in this header instead of ``?key=``: a header stays out of
#: proxies' access logs, browser history and Referer headers.
PASS_KEY_HEADER = "X-Pass-Key"  # noqa: S105  (a header name, not a secret)
#: What an endpoint taking the key documents: a bearer token, the key header, or nothing but
#: ``?key=`` (a query parameter, not a security scheme).
PASS_KEY_SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"passKey": []}, {}]


class PassBriefSchema(ma.Schema):
    id = ma.fields.Integer()
    state = ma.fields.String()


class RegistrationSchema(ma.Schema):
    """来場事前登録. Loaded from the attendee; dumped from (registration, pass) pairs."""

    id = ma.fields.Integer(dump_only=True)
    edition_id = ma.fields.Integer(dump_only=True)
    name = fields.Text(required=True, max_length=100)
    name_kana = fields.Furigana(allow_none=True, validate=ma.validate.Length(max=100))
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    organisation_name = fields.Text(allow_none=True, max_length=200)
    prefecture_code = fields.PrefectureCode(allow_none=True)
    attendee_type = ma.fields.String(
        load_default=AttendeeType.GENERAL.value, validate=ma.validate.OneOf(SELF_REGISTERED)
    )
    accept_terms = ma.fields.Boolean(
        required=True,
        load_only=True,
        validate=ma.validate.Equal(True, error=N_("Accept the terms to register.")),
    )
    shares_contact = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Consent to share contact details with exhibitors who scan"},
    )
    locale = ma.fields.String(load_default="ja", validate=ma.validate.OneOf(["ja", "en"]))
    created_at = fields.DateTime(dump_only=True)
    pass_ = ma.fields.Nested(PassBriefSchema, data_key="pass", dump_only=True, allow_none=True)

    @ma.pre_dump
    def _flatten(self, obj: Any, **kwargs: Any) -> Any:
        # service.Registered: the registration with its pass, loaded together for a page.
        return {
            **{name: getattr(obj.registration, name) for name in _REGISTRATION_COLUMNS},
            "pass_": obj.pass_,
        }


class RegistrationOutSchema(RegistrationSchema):
    """A registration as answered: without what only the attendee sends (the terms' consent),
    which the document would otherwise list as a required property of the answer."""

    class Meta:
        exclude = ("accept_terms",)


_REGISTRATION_COLUMNS = (
    "id",
    "edition_id",
    "name",
    "name_kana",
    "email",
    "organisation_name",
    "prefecture_code",
    "attendee_type",
    "shares_contact",
    "locale",
    "created_at",
)


class RegistrationListArgs(PageArgs):
    attendee_type = ma.fields.String(validate=fields.one_of(AttendeeType))
    prefecture_code = fields.PrefectureCode()
    q = ma.fields.String(
        validate=ma.validate.Length(min=1, max=100), metadata={"description": "Name or email"}
    )


def _capacities(value: dict[str, int]) -> None:
    unknown = set(value) - set(SELF_REGISTERED)
    if unknown:
        raise ma.ValidationError(f"Unknown attendee types: {', '.join(sorted(unknown))}.")


class PassSettingsSchema(ma.Schema):
    registration_capacity = ma.fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(min=0)
    )
    capacity_by_type = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(validate=ma.validate.Range(min=0)),
        load_default=dict,
        validate=_capacities,
    )
    reentry_allowed = ma.fields.Boolean(load_default=True)
    auto_exit_at_close = ma.fields.Boolean(load_default=True)


class PassLinksSchema(ma.Schema):
    png = ma.fields.String()
    svg = ma.fields.String()
    print_a6 = ma.fields.String()
    print_a4 = ma.fields.String()
    pdf_a6 = ma.fields.String()
    pdf_a4 = ma.fields.String()


class PassSchema(ma.Schema):
    id = ma.fields.Integer()
    edition_id = ma.fields.Integer()
    kind = ma.fields.String()
    state = ma.fields.String(metadata={"enum": [s.value for s in PassState]})
    serial = ma.fields.Integer()
    holder_name = ma.fields.String()
    holder_email = ma.fields.String()
    registration_id = ma.fields.Integer(allow_none=True)
    staff_member_id = ma.fields.Integer(allow_none=True)
    # Stored as ISO dates already; null means every day of the edition.
    valid_days = ma.fields.List(ma.fields.String(metadata={"format": "date"}), allow_none=True)
    #: The signed token in the QR code; as secret as the printed pass.
    token = ma.fields.String(allow_none=True)
    key_id = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "The key that signed the token, in hex: the kid of its JWK at "
            "GET /device/keys",
            "example": "0544ee47",
        },
    )
    queued_at = fields.DateTime(allow_none=True)
    issued_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    links = ma.fields.Method("_links", metadata={"description": "Private links of the holder"})

    def _links(self, obj: Pass) -> dict[str, str]:
        return printable.links(obj)


class PassUpdateSchema(ma.Schema):
    kind = ma.fields.String(validate=fields.one_of(AttendeeType))
    #: Local dates of the edition the pass admits on; null for every day.
    valid_days = ma.fields.List(
        ma.fields.Date(), allow_none=True, validate=ma.validate.Length(min=1)
    )


class KeyArgs(ma.Schema):
    key = ma.fields.String(
        validate=ma.validate.Length(max=64),
        metadata={
            "description": "The holder's private key from the pass mail; "
            f"the {PASS_KEY_HEADER} header keeps it out of access logs"
        },
    )

    @ma.post_load
    def _key_from_header(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        # A key sent in the header is the one checked, so a wrong one is refused like a
        # wrong ?key=, whatever the query says.
        if has_request_context() and PASS_KEY_HEADER in request.headers:
            data["key"] = request.headers[PASS_KEY_HEADER]
        return data


class PrintArgs(KeyArgs):
    size = ma.fields.String(load_default="a6", validate=ma.validate.OneOf(["a6", "a4"]))


class ProgressSchema(ma.Schema):
    total = ma.fields.Integer()
    issued = ma.fields.Integer()
    pending = ma.fields.Integer()
    revoked = ma.fields.Integer()
    created = ma.fields.Integer(metadata={"description": "Passes created by this request"})
