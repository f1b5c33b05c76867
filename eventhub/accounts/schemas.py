from __future__ import annotations

from typing import Any

import marshmallow as ma

from eventhub import fields
from eventhub.accounts.models import Locale, OrganisationKind, Role, TokenScope
from eventhub.db import utcnow
from eventhub.messages import MESSAGES
from eventhub.pagination import PageArgs

#: The shortest password; the message "password_length" says it too.
MIN_PASSWORD_LENGTH = 10


class Password(ma.fields.String):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            load_only=True,
            validate=ma.validate.Length(
                min=MIN_PASSWORD_LENGTH,
                max=256,
                # A catalogue text, so that a page shows it in the reader's language.
                error=MESSAGES["password_length"],
            ),
            **kwargs,
        )


class LoginSchema(ma.Schema):
    email = ma.fields.Email(required=True)
    password = ma.fields.String(required=True, load_only=True)
    token_name = fields.Text(load_default="login", max_length=100)


class SignUpSchema(ma.Schema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    password = Password(required=True)
    display_name = fields.Text(required=True, max_length=100)
    locale = ma.fields.String(load_default=Locale.JA.value, validate=fields.one_of(Locale))


class UserUpdateSchema(ma.Schema):
    display_name = fields.Text(max_length=100)
    locale = ma.fields.String(validate=fields.one_of(Locale))
    password = Password()
    #: Changing the password needs the current one, so a stolen token cannot lock the owner out.
    current_password = ma.fields.String(
        load_only=True, metadata={"rule": "Required with a new password."}
    )

    @ma.validates_schema
    def _password_needs_current(self, data: dict[str, object], **_: object) -> None:
        if "password" in data and not data.get("current_password"):
            raise ma.ValidationError(
                "Give your current password to set a new one.", "current_password"
            )


class EmailSchema(ma.Schema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))


class LinkTokenSchema(ma.Schema):
    #: The token at the end of the mailed link.
    token = ma.fields.String(
        required=True,
        load_only=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "The token at the end of the mailed link"},
    )


class PasswordResetSchema(LinkTokenSchema):
    password = Password(required=True)


class PasswordChangeSchema(ma.Schema):
    current_password = ma.fields.String(required=True, load_only=True)
    password = Password(required=True)


class EmailChangeSchema(ma.Schema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    #: The current password: a stolen session alone cannot move the account to another address.
    password = ma.fields.String(required=True, load_only=True)


class AcceptedSchema(ma.Schema):
    """The answer to a request that may send a mail, the same whatever happened."""

    status = ma.fields.String(metadata={"description": "Always 'accepted'"})


class RoleGrantSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    role = ma.fields.String(required=True, validate=fields.one_of(Role))
    prefecture_code = fields.PrefectureCode(
        allow_none=True,
        load_default=None,
        metadata={"rule": "Given for a prefecture_contact, and for no other role."},
    )
    edition_id = ma.fields.Integer(
        allow_none=True,
        load_default=None,
        validate=ma.validate.Range(min=1, max=2**31 - 1),
        metadata={
            "description": "The edition a gate staff grant is for: required for gate staff, "
            "who see and check in only that edition's visitors; none for other roles"
        },
    )
    granted_at = fields.DateTime(dump_only=True)
    ends_at = fields.DateTime(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "When the grant stops authorising: for gate staff, the end of the "
            "day after the edition's last day (exits past midnight); null for other roles"
        },
    )
    active = ma.fields.Method(
        "_active",
        dump_only=True,
        metadata={"type": "boolean", "description": "False once ``ends_at`` has passed"},
    )

    def _active(self, grant: Any) -> bool:
        return bool(grant.active_at(utcnow()))

    @ma.validates_schema
    def _prefecture_for_contacts(self, data: dict[str, object], **_: object) -> None:
        is_contact = data.get("role") == Role.PREFECTURE_CONTACT
        if is_contact and data.get("prefecture_code") is None:
            raise ma.ValidationError("A prefecture contact needs a prefecture.", "prefecture_code")
        if not is_contact and data.get("prefecture_code") is not None:
            raise ma.ValidationError(
                "Only a prefecture contact is tied to a prefecture.", "prefecture_code"
            )

    @ma.validates_schema
    def _edition_for_gate_staff(self, data: dict[str, object], **_: object) -> None:
        is_gate_staff = data.get("role") == Role.GATE_STAFF
        if is_gate_staff and data.get("edition_id") is None:
            raise ma.ValidationError("Gate staff are granted for an edition.", "edition_id")
        if not is_gate_staff and data.get("edition_id") is not None:
            raise ma.ValidationError("Only gate staff are granted for an edition.", "edition_id")


class MembershipBriefSchema(ma.Schema):
    organisation_id = ma.fields.Integer()
    organisation_name = ma.fields.String(attribute="organisation.name")


class UserSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    display_name = ma.fields.String()
    locale = ma.fields.String()
    roles = ma.fields.List(ma.fields.Nested(RoleGrantSchema))
    organisations = ma.fields.List(ma.fields.Nested(MembershipBriefSchema), attribute="memberships")
    email_verified = ma.fields.Boolean()
    email_verified_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class MeSchema(UserSchema):
    pending_email = ma.fields.String(
        allow_none=True,
        metadata={"description": "The new address an email change waits to be confirmed for"},
    )


class UserBriefSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    display_name = ma.fields.String()


class UserListArgs(PageArgs):
    email = ma.fields.String(metadata={"description": "Part of the email address"})
    role = ma.fields.String(validate=fields.one_of(Role))


class TokenSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    scopes = ma.fields.List(ma.fields.String(), attribute="scope_set")
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    #: Shown once: only its hash is stored.
    token = ma.fields.String(attribute="raw")
    user = ma.fields.Nested(UserSchema)


class TokenCreateSchema(ma.Schema):
    name = fields.Text(required=True, max_length=100)
    scopes = ma.fields.List(
        ma.fields.String(validate=fields.one_of(TokenScope)),
        load_default=lambda: [TokenScope.READ.value],
        validate=ma.validate.Length(min=1),
    )
    days = ma.fields.Integer(load_default=30, validate=ma.validate.Range(min=1, max=366))


class OrganisationSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = fields.Text(required=True, max_length=200)
    name_kana = fields.Furigana(required=True, validate=ma.validate.Length(max=200))
    corporate_number = fields.CorporateNumber(allow_none=True, load_default=None)
    kind = ma.fields.String(required=True, validate=fields.one_of(OrganisationKind))
    prefecture_code = fields.PrefectureCode(required=True)
    postal_code = fields.PostalCode(required=True)
    address = fields.Text(required=True, max_length=300)
    phone = fields.Phone(required=True)
    website = ma.fields.URL(
        allow_none=True,
        load_default=None,
        schemes={"http", "https"},
        validate=ma.validate.Length(max=500),
    )
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class OrganisationListArgs(PageArgs):
    prefecture_code = fields.PrefectureCode()
    kind = ma.fields.String(validate=fields.one_of(OrganisationKind))
    q = ma.fields.String(metadata={"description": "Part of the name or its reading"})


class MemberAddSchema(ma.Schema):
    email = ma.fields.Email(required=True)


class MemberSchema(ma.Schema):
    user = ma.fields.Nested(UserBriefSchema)
    joined_at = fields.DateTime()


class OrganisationBriefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class InviterSchema(ma.Schema):
    id = ma.fields.Integer()
    display_name = ma.fields.String()


class InvitationSchema(ma.Schema):
    id = ma.fields.Integer()
    organisation = ma.fields.Nested(OrganisationBriefSchema)
    email = ma.fields.String(
        metadata={
            "description": "The address invited. Whether an account has it is not said: the "
            "answer is the same either way"
        }
    )
    invited_by = ma.fields.Nested(InviterSchema, allow_none=True)
    status = ma.fields.String(metadata={"description": "pending, accepted, declined or cancelled"})
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
