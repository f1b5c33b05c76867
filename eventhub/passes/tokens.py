"""Compact Ed25519-signed pass tokens, verified offline by gate scanners.

A token is base64url (no padding) of these bytes::

    size  field
    1     format version, always 1
    4     kid: id of the edition key that signed it (see ``keys.kid_for``)
    var   pass_id      unsigned LEB128 varint, < 2**63
    var   edition_id   varint, < 2**63
    1     kind         ``PassKind``
    2     valid_from   days since 2000-01-01, big-endian uint16 (up to 2179)
    1     n_days - 1   the pass covers 1..256 consecutive days from valid_from
    var   day_mask     varint; 0 = every day, else bit i = day valid_from + i
    var   serial       varint, < 2**63
    64    Ed25519 signature over every byte before it

A typical pass (id below 2**21, a small edition id, serial below 128, no day
mask) is 77 to 79 bytes, at most 106 characters: QR version 6 at error correction M.
docs/architecture.md documents this layout for gate software that verifies offline.

Decoding is canonical: varints must be minimal, nothing may follow the serial,
and the base64url text must be the one our encoder produces. One set of claims
therefore has exactly one token, so a token string can serve as a cache or
idempotency key. ``verify`` raises ``ForgedToken`` and nothing else for any
input.
"""

from __future__ import annotations

import base64
import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

__all__ = [
    "EPOCH",
    "FORMAT_VERSION",
    "KID_SIZE",
    "MAX_DAYS",
    "MAX_TOKEN_CHARS",
    "ForgeReason",
    "ForgedToken",
    "PassKind",
    "TokenClaims",
    "kid_bytes",
    "peek_kid",
    "sign",
    "verify",
]

FORMAT_VERSION = 1
KID_SIZE = 4
EPOCH = date(2000, 1, 1)
MAX_DAYS = 256
_MAX_ID = 2**63  # exclusive; ids are PostgreSQL BIGINTs
_SIG_SIZE = 64
_HEADER = 1 + KID_SIZE
# version + kid + smallest body (every varint one byte) + signature
_MIN_RAW = _HEADER + 8 + _SIG_SIZE
# 9-byte ids and serial, a 256-bit day mask in 37 varint bytes
_MAX_RAW = _HEADER + 9 + 9 + 1 + 2 + 1 + 37 + 9 + _SIG_SIZE
MAX_TOKEN_CHARS = (_MAX_RAW * 8 + 5) // 6
_EPOCH_ORDINAL = EPOCH.toordinal()
_PADDING = ("", "===", "==", "=")  # by len(token) % 4; 1 is never valid base64


class PassKind(enum.IntEnum):
    """Who the pass admits; the value is the byte in the token, so never renumber."""

    ATTENDEE = 1  # pre-registered visitor
    EXHIBITOR_STAFF = 2  # staff of an approved exhibitor
    BUYER = 3  # trade buyer with business meetings (商談)
    PRESS = 4
    VIP = 5
    ORGANISER = 6


class ForgeReason(enum.StrEnum):
    MALFORMED = "malformed"  # not a string, bad base64url, too long, non-canonical
    TRUNCATED = "truncated"
    UNSUPPORTED_VERSION = "unsupported version"
    UNKNOWN_KEY = "unknown key"
    BAD_SIGNATURE = "bad signature"
    # Signed by a key we trust but not decodable: a newer format or a bug, never a visitor.
    BAD_CLAIMS = "bad claims"
    EDITION_MISMATCH = "edition mismatch"


class ForgedToken(Exception):  # noqa: N818 - "forged" is what the scanner shows
    """The token is unknown or forged; ``reason`` says why, for logs and support."""

    def __init__(self, reason: ForgeReason | str) -> None:
        # Coerced so that an unpickled copy (built from args) still has the enum.
        self.reason = ForgeReason(reason)
        super().__init__(self.reason.value)


@dataclass(frozen=True, slots=True)
class TokenClaims:
    pass_id: int
    edition_id: int
    kind: PassKind
    valid_from: date
    #: Inclusive; at most ``MAX_DAYS`` - 1 days after valid_from.
    valid_until: date
    #: Bit i set = valid on valid_from + i days; None = every day in the range.
    day_mask: int | None
    #: The pass's token version: re-issuing bumps it so older tokens can be revoked.
    serial: int

    def __post_init__(self) -> None:
        for name in ("pass_id", "edition_id", "serial"):
            value = getattr(self, name)
            if type(value) is not int or not 0 <= value < _MAX_ID:
                raise ValueError(f"{name} must be an int in [0, 2**63), not {value!r}")
        # IntEnum lookup also rejects bools and unknown numbers.
        object.__setattr__(self, "kind", PassKind(self.kind))
        for name in ("valid_from", "valid_until"):
            value = getattr(self, name)
            # A datetime is a date, but has no single day; refuse rather than truncate.
            if not isinstance(value, date) or isinstance(value, datetime):
                raise TypeError(f"{name} must be a date, not {value!r}")
        offset = self.valid_from.toordinal() - _EPOCH_ORDINAL
        if not 0 <= offset < 2**16:
            raise ValueError(f"valid_from {self.valid_from} outside 2000-01-01 + 65535 days")
        n_days = self.n_days
        if not 1 <= n_days <= MAX_DAYS:
            raise ValueError(f"validity must cover 1..{MAX_DAYS} days, not {n_days}")
        mask = self.day_mask
        # 0 would be a pass valid on no day: certainly a bug, and 0 encodes None.
        if mask is not None and (type(mask) is not int or not 0 < mask < 1 << n_days):
            raise ValueError(f"day_mask must be None or in [1, 2**{n_days}), not {mask!r}")

    @property
    def n_days(self) -> int:
        return (self.valid_until - self.valid_from).days + 1

    def is_valid_on(self, day: date) -> bool:
        """Whether the pass admits on ``day``, the local day at the venue (Asia/Tokyo)."""
        if isinstance(day, datetime):
            raise TypeError("is_valid_on takes the venue's local date, not a datetime")
        offset = (day - self.valid_from).days
        if not 0 <= offset < self.n_days:
            return False
        return self.day_mask is None or bool(self.day_mask >> offset & 1)

    def valid_days(self) -> Iterator[date]:
        for offset in range(self.n_days):
            if self.day_mask is None or self.day_mask >> offset & 1:
                yield self.valid_from + timedelta(days=offset)


def kid_bytes(kid: bytes | int) -> bytes:
    """A key id as its 4 token bytes; an int is taken big-endian."""
    if isinstance(kid, int):
        if not 0 <= kid < 1 << 32:
            raise ValueError(f"kid {kid} does not fit in {KID_SIZE} bytes")
        return kid.to_bytes(KID_SIZE, "big")
    if len(kid) != KID_SIZE:
        raise ValueError(f"kid must be {KID_SIZE} bytes, not {len(kid)}")
    return bytes(kid)


def _put_varint(out: bytearray, value: int) -> None:
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)


def _encode_body(claims: TokenClaims, kid: bytes) -> bytearray:
    out = bytearray((FORMAT_VERSION,))
    out += kid
    _put_varint(out, claims.pass_id)
    _put_varint(out, claims.edition_id)
    out.append(claims.kind)
    out += (claims.valid_from.toordinal() - _EPOCH_ORDINAL).to_bytes(2, "big")
    out.append(claims.n_days - 1)
    _put_varint(out, claims.day_mask or 0)
    _put_varint(out, claims.serial)
    return out


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def sign(claims: TokenClaims, private_key: Ed25519PrivateKey, kid: bytes | int) -> str:
    """The token for ``claims``; ``kid`` must name ``private_key`` in the edition's ring."""
    body = bytes(_encode_body(claims, kid_bytes(kid)))
    return _b64(body + private_key.sign(body))


class _BadClaimsError(Exception):
    pass


_KINDS = {int(k): k for k in PassKind}
_set = object.__setattr__


def _read_varint(buf: bytes, pos: int, limit: int) -> tuple[int, int]:
    """The varint at ``pos`` (must be < ``limit``) and the position after it."""
    byte = buf[pos]  # IndexError past the end; the caller maps it
    if byte < 0x80:  # nearly every field of a real pass: skip the loop
        if byte >= limit:
            raise _BadClaimsError
        return byte, pos + 1
    value = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if value >= limit:
            raise _BadClaimsError
        if byte < 0x80:
            # A zero final group after others is a longer spelling of a shorter varint.
            if byte == 0 and shift:
                raise _BadClaimsError
            return value, pos
        shift += 7


def _decode_body(body: bytes) -> TokenClaims:
    pass_id, pos = _read_varint(body, _HEADER, _MAX_ID)
    edition_id, pos = _read_varint(body, pos, _MAX_ID)
    kind = body[pos]
    offset = body[pos + 1] << 8 | body[pos + 2]
    n_days = body[pos + 3] + 1
    mask, pos = _read_varint(body, pos + 4, 1 << n_days)
    serial, pos = _read_varint(body, pos, _MAX_ID)
    if pos != len(body) or kind not in _KINDS:
        raise _BadClaimsError
    start = date.fromordinal(_EPOCH_ORDINAL + offset)
    # Every check of TokenClaims.__post_init__ has been made above, by the layout
    # itself or explicitly; skipping it halves the cost of building the claims.
    claims = object.__new__(TokenClaims)
    _set(claims, "pass_id", pass_id)
    _set(claims, "edition_id", edition_id)
    _set(claims, "kind", _KINDS[kind])
    _set(claims, "valid_from", start)
    _set(claims, "valid_until", start + timedelta(days=n_days - 1))
    _set(claims, "day_mask", mask or None)
    _set(claims, "serial", serial)
    return claims


def _decode(token: object) -> bytes:
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        raise ForgedToken(ForgeReason.MALFORMED)
    try:
        raw = base64.urlsafe_b64decode(token + _PADDING[len(token) % 4])
    except ValueError:  # binascii.Error, or a non-ASCII str
        raise ForgedToken(ForgeReason.MALFORMED) from None
    # The decoder skips foreign characters and ignores the last character's spare
    # bits; re-encoding makes sure this is the one spelling of these bytes.
    if _b64(raw) != token:
        raise ForgedToken(ForgeReason.MALFORMED)
    return raw


def _open(
    token: str, public_keys: Mapping[bytes, Ed25519PublicKey]
) -> tuple[bytes, bytes, Ed25519PublicKey]:
    """Body, signature and key of a well-formed token naming one of ``public_keys``."""
    raw = _decode(token)
    if len(raw) < _MIN_RAW:
        raise ForgedToken(ForgeReason.TRUNCATED)
    if raw[0] != FORMAT_VERSION:
        raise ForgedToken(ForgeReason.UNSUPPORTED_VERSION)
    key = public_keys.get(raw[1:_HEADER])
    if key is None:
        raise ForgedToken(ForgeReason.UNKNOWN_KEY)
    return raw[:-_SIG_SIZE], raw[-_SIG_SIZE:], key


def _claims(body: bytes) -> TokenClaims:
    try:
        return _decode_body(body)
    except (_BadClaimsError, IndexError, ValueError, OverflowError):
        raise ForgedToken(ForgeReason.BAD_CLAIMS) from None


def verify(token: str, public_keys: Mapping[bytes, Ed25519PublicKey]) -> TokenClaims:
    """The claims of a token signed by one of ``public_keys`` (kid -> key).

    Only the signature is checked here; whether the pass is revoked, valid today
    or for this gate's edition is the scan service's business.
    """
    body, signature, key = _open(token, public_keys)
    try:
        key.verify(signature, body)
    except InvalidSignature:
        raise ForgedToken(ForgeReason.BAD_SIGNATURE) from None
    return _claims(body)


def read_unverified(
    token: str, public_keys: Mapping[bytes, Ed25519PublicKey]
) -> TokenClaims | None:
    """The claims of a well-formed token naming one of ``public_keys``, signature NOT checked.

    For a server that holds the token it issued: if the text equals the stored token, the
    signature adds nothing (the comparison is the stronger check, as pretix's online
    check-in does it), so the scan path can skip the curve arithmetic. None: let ``verify``
    say what is wrong.
    """
    try:
        return _claims(_open(token, public_keys)[0])
    except ForgedToken:
        return None


def peek_kid(token: str) -> bytes | None:
    """The key id a token claims, unverified, so a caller can pick the edition's ring."""
    if not isinstance(token, str) or len(token) < 8:
        return None
    try:
        head = base64.urlsafe_b64decode(token[:8])
    except ValueError:
        return None
    # The lenient decoder drops foreign characters, so the length is not a given.
    if len(head) != _HEADER + 1 or head[0] != FORMAT_VERSION:
        return None
    return head[1:_HEADER]
