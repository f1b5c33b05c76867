"""Request and response bodies of the check-in API: gates, devices, scans, check-in, figures
and leads."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from eventhub import fields
from eventhub.checkin.models import Direction, OfflinePolicy, ScanResult
from eventhub.pagination import PageArgs

#: Scans one offline upload may carry: a few minutes of a busy gate.
MAX_BATCH = 500
#: Longest device nonce; the column is String(64).
MAX_NONCE = 64


class GateSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    edition_id = ma.fields.Integer(dump_only=True)
    name_ja = fields.Text(required=True, max_length=100, metadata={"example": "東1ホール入口"})
    name_en = fields.Text(allow_none=True, max_length=100, metadata={"example": "East Hall 1"})


_OFFLINE_POLICY = {
    "description": "When the scanner decides alone: auto (when the server does not answer in"
    " time), manual (only when staff switch it to offline) or never",
    "enum": [policy.value for policy in OfflinePolicy],
}


class DeviceSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    edition_id = ma.fields.Integer(dump_only=True)
    gate_id = ma.fields.Integer(allow_none=True, load_default=None)
    name = fields.Text(required=True, max_length=100, metadata={"example": "東1-iPad-3"})
    offline_policy = ma.fields.String(
        load_default=OfflinePolicy.AUTO.value,
        validate=fields.one_of(OfflinePolicy),
        metadata=_OFFLINE_POLICY,
    )
    created_at = fields.DateTime(dump_only=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)
    paired_at = fields.DateTime(dump_only=True, allow_none=True)
    pairing_expires_at = fields.DateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Until when its unused pairing code works"},
    )


class DeviceUpdateSchema(ma.Schema):
    """Only what is sent changes."""

    gate_id = ma.fields.Integer(allow_none=True)
    name = fields.Text(max_length=100)
    offline_policy = ma.fields.String(
        validate=fields.one_of(OfflinePolicy), metadata=_OFFLINE_POLICY
    )


class PairingCodeSchema(DeviceSchema):
    pairing_code = ma.fields.String(
        dump_only=True,
        metadata={
            "description": "One-time code the scanner exchanges for its token; shown only in"
            " this answer",
            "example": "7K3QM-V9D2X",
        },
    )
    pairing_url = ma.fields.String(
        dump_only=True,
        metadata={"description": "What the pairing QR code holds: the scanner's URL and code"},
    )


class DeviceCreatedSchema(PairingCodeSchema):
    token = ma.fields.String(
        dump_only=True,
        metadata={"description": "The device's bearer token (ehd_…); shown only in this answer"},
    )


class PairRequestSchema(ma.Schema):
    code = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=40),
        metadata={"description": "The pairing code; case, spaces and hyphens do not matter"},
    )


class PairedSchema(ma.Schema):
    token = ma.fields.String(metadata={"description": "The device's bearer token (ehd_…)"})
    device_id = ma.fields.Integer()
    edition_id = ma.fields.Integer()
    gate_id = ma.fields.Integer(allow_none=True)
    name = ma.fields.String()


class ConfigDeviceSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    gate_id = ma.fields.Integer(allow_none=True)
    gate_name_ja = ma.fields.String(allow_none=True)
    gate_name_en = ma.fields.String(allow_none=True)
    offline_policy = ma.fields.String(metadata=_OFFLINE_POLICY)


class ConfigEditionSchema(ma.Schema):
    id = ma.fields.Integer()
    title_ja = ma.fields.String()
    title_en = ma.fields.String()
    timezone = ma.fields.String(metadata={"example": "Asia/Tokyo"})
    first_day = ma.fields.Date(metadata={"description": "First local day at the venue"})
    last_day = ma.fields.Date()


class ConfigRulesSchema(ma.Schema):
    reentry_allowed = ma.fields.Boolean()
    undo_window_seconds = ma.fields.Integer()
    token_version = ma.fields.Integer()


class DeviceConfigSchema(ma.Schema):
    """What a scanner needs besides the keys and revocations to decide alone."""

    device = ma.fields.Nested(ConfigDeviceSchema)
    edition = ma.fields.Nested(ConfigEditionSchema)
    rules = ma.fields.Nested(ConfigRulesSchema)
    server_time = fields.DateTime(metadata={"description": "To show a device clock that drifts"})


class ScanRequestSchema(ma.Schema):
    token = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=400),
        metadata={"description": "The QR code's text; whitespace and line breaks are ignored"},
    )
    direction = ma.fields.String(load_default=Direction.ENTRY, validate=fields.one_of(Direction))
    scanned_at = fields.DateTime(
        load_default=None, metadata={"description": "When the device read the code; default now"}
    )
    nonce = fields.Nonce(
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_NONCE),
        metadata={"description": "Unique per device and scan: a retry with it counts once"},
    )


class ScanOutcomeSchema(ma.Schema):
    scan_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "For undo", "format": "int64"}
    )
    result = ma.fields.String(metadata={"enum": [r.value for r in ScanResult]})
    pass_id = ma.fields.Integer(allow_none=True)
    holder_name = ma.fields.String(allow_none=True)
    kind = ma.fields.String(allow_none=True)
    message_ja = ma.fields.String()
    message_en = ma.fields.String()
    inside = ma.fields.Boolean(
        allow_none=True, metadata={"description": "Whether the holder is inside now, when known"}
    )


class BatchScanSchema(ScanRequestSchema):
    decided_offline = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "The device decided this scan alone, without the server"},
    )
    local_result = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=fields.one_of(ScanResult),
        metadata={"description": "What the device showed when it decided alone"},
    )


class BatchRequestSchema(ma.Schema):
    scans = ma.fields.List(
        ma.fields.Nested(BatchScanSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_BATCH),
    )


class BatchOutcomeSchema(ScanOutcomeSchema):
    nonce = ma.fields.String()


class BatchResultSchema(ma.Schema):
    scans = ma.fields.List(ma.fields.Nested(BatchOutcomeSchema))


class RevocationArgs(ma.Schema):
    since = ma.fields.Integer(
        load_default=0,
        validate=ma.validate.Range(min=0),
        metadata={"description": "The next_since of the previous answer; 0 for everything"},
    )


class RevocationSchema(ma.Schema):
    pass_id = ma.fields.Integer()
    serial = ma.fields.Integer()


class RevocationListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RevocationSchema))
    next_since = ma.fields.Integer()
    more = ma.fields.Boolean(metadata={"description": "Ask again with next_since for the rest"})


class ManualCheckinSchema(ma.Schema):
    pass_id = ma.fields.Integer(required=True)
    direction = ma.fields.String(load_default=Direction.ENTRY, validate=fields.one_of(Direction))
    gate_id = ma.fields.Integer(load_default=None, allow_none=True)


class SearchArgs(ma.Schema):
    q = fields.Text(required=True, max_length=100, metadata={"example": "やまだ"})
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=50))


class SearchHitSchema(ma.Schema):
    pass_id = ma.fields.Integer()
    pass_number = ma.fields.String(
        metadata={"description": "As printed on the pass: pass id and serial", "example": "42-1"}
    )
    registration_id = ma.fields.Integer(allow_none=True)
    holder_name = ma.fields.String()
    name_kana = ma.fields.String(allow_none=True)
    holder_email = ma.fields.String(
        allow_none=True, metadata={"description": "In full for organisers; null for gate staff"}
    )
    email_masked = ma.fields.String(
        allow_none=True,
        metadata={"description": "First letters only, for gate staff", "example": "t***@e***.jp"},
    )
    kind = ma.fields.String()
    state = ma.fields.String()
    inside = ma.fields.Boolean()


class FiguresArgs(ma.Schema):
    day = ma.fields.Date(
        load_default=None, metadata={"description": "Local date at the venue; default today"}
    )


class GateCountSchema(ma.Schema):
    gate_id = ma.fields.Integer(allow_none=True)
    name_ja = ma.fields.String(allow_none=True)
    entries = ma.fields.Integer()


class HourCountSchema(ma.Schema):
    hour = ma.fields.Integer(metadata={"description": "Local hour at the venue, 0–23"})
    entries = ma.fields.Integer()


class KindCountSchema(ma.Schema):
    kind = ma.fields.String()
    admitted = ma.fields.Integer()
    entries = ma.fields.Integer()


class FiguresSchema(ma.Schema):
    day = ma.fields.Date()
    inside_now = ma.fields.Integer()
    admitted_today = ma.fields.Integer(metadata={"description": "Different passes let in"})
    entries_today = ma.fields.Integer(metadata={"description": "Entries, re-entries included"})
    entries_decided_offline = ma.fields.Integer(
        metadata={"description": "Of those, entries a gate scanner decided offline"}
    )
    by_gate = ma.fields.List(ma.fields.Nested(GateCountSchema))
    by_hour = ma.fields.List(ma.fields.Nested(HourCountSchema))
    by_kind = ma.fields.List(ma.fields.Nested(KindCountSchema))


class PageOfGatesArgs(PageArgs):
    per_page = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=100))


class JwkSchema(ma.Schema):
    kty = ma.fields.String()
    crv = ma.fields.String()
    x = ma.fields.String()
    kid = ma.fields.String(
        metadata={
            "description": "The key id, as a pass's key_id spells it: the 4 key-id bytes of "
            "the tokens this key signs, in hex (8 digits)",
            "example": "0544ee47",
        }
    )
    use = ma.fields.String()
    alg = ma.fields.String()


class JwksSchema(ma.Schema):
    keys = ma.fields.List(ma.fields.Nested(JwkSchema))


class ScanRecordSchema(ma.Schema):
    id = ma.fields.Integer()
    pass_id = ma.fields.Integer(allow_none=True)
    direction = ma.fields.String()
    result = ma.fields.String()
    method = ma.fields.String()
    undoes_id = ma.fields.Integer(allow_none=True)
    actor_id = ma.fields.Integer(allow_none=True)
    scanned_at = fields.DateTime()


class LeadSchema(ma.Schema):
    """A scanned visitor: the token in, the visitor's consented contact details out."""

    id = ma.fields.Integer(dump_only=True)
    token = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(max=400))
    notes = fields.MultilineText(allow_none=True, validate=ma.validate.Length(max=2000))
    rating = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=5))
    # No defaults: a second scan changes only what it sends.
    tags = ma.fields.List(fields.Text(max_length=40), validate=ma.validate.Length(max=20))
    registration_id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)
    name_kana = ma.fields.String(dump_only=True)
    organisation_name = ma.fields.String(dump_only=True)
    email = ma.fields.String(dump_only=True)
    prefecture_code = ma.fields.Integer(dump_only=True)
    attendee_type = ma.fields.String(dump_only=True)
    scanned_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    @ma.pre_dump
    def _flatten(self, obj: Any, **kwargs: Any) -> Any:
        # leads.ScannedLead: the visitor's details are read from the registration itself.
        out = {name: getattr(obj.lead, name) for name in _LEAD_COLUMNS}
        out.update({name: getattr(obj.registration, name) for name in _VISITOR_COLUMNS})
        return out


class LeadOutSchema(LeadSchema):
    """A lead as answered: the scanned token is only ever sent, so the answer's document does
    not require it."""

    class Meta:
        exclude = ("token",)


_LEAD_COLUMNS = ("id", "registration_id", "notes", "rating", "tags", "scanned_at", "updated_at")
_VISITOR_COLUMNS = (
    "name",
    "name_kana",
    "organisation_name",
    "email",
    "prefecture_code",
    "attendee_type",
)
