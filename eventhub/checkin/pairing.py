"""Pairing a gate scanner: a one-time code that the scanner exchanges for its device token.

An organiser creates a device (or asks for a new code). The device page shows the code, and a
QR code of the scanner's address with the code in it. Gate staff scan it with the scanner at
``/gate/`` (or type the code), and the scanner exchanges it at ``POST /api/v1/device/pair``
for a new device token, which only the scanner then holds.

- The code is 10 characters of Crockford's base32 (50 random bits), shown as two groups of
  five: short enough to type, far too many to guess within its lifetime.
- Only its SHA-256 is stored, looked up by an index (no comparison of secrets in Python), and
  it works once, for ``PAIRING_TTL``.
- Typing is forgiving as Crockford's alphabet intends: case, hyphens and spaces do not
  matter, O reads as 0 and I or L as 1.
- Issuing a new code rotates the device: the token it had stops working at once (here) and
  within ``device_auth.DEVICE_TTL`` seconds on every other process, so a lost tablet is
  unpaired by issuing a code for its replacement.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import quote

import sqlalchemy as sa

from eventhub.accounts.auth import hash_token
from eventhub.audit import service as audit
from eventhub.audit.actions import Action
from eventhub.checkin import device_auth
from eventhub.checkin.models import GateDevice
from eventhub.errors import DomainError, field_error, not_found
from eventhub.extensions import db

#: How long a pairing code works: time to walk the tablet to its gate.
PAIRING_TTL = timedelta(minutes=30)
CODE_LENGTH = 10
#: Crockford's base32: no I, L, O or U, so that a code reads aloud and types without doubt.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A fresh code, as shown: ``XXXXX-XXXXX``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise(code: str) -> str | None:
    """The code as stored (uppercase, no separators), or None if it cannot be one."""
    text = "".join(code.split()).replace("-", "").upper().translate(_READ_AS)
    if len(text) != CODE_LENGTH or any(char not in ALPHABET for char in text):
        return None
    return text


def _hash(normalised: str) -> str:
    return hash_token("pair:" + normalised)


def _unused_token_hash() -> str:
    """A token hash no token has: the device holds no working token until it pairs."""
    return hash_token(device_auth.DEVICE_TOKEN_PREFIX + "unpaired-" + secrets.token_hex(32))


def issue_code(device: GateDevice, now: datetime) -> str:
    """A new one-time code for ``device``; the device's current token stops working."""
    if device.revoked_at is not None:
        raise DomainError("device_revoked")
    old = device.token_hash
    device.token_hash = _unused_token_hash()
    device_auth.forget(old)
    audit.record(
        Action.DEVICE_PAIRING_CODE_ISSUED,
        target=("device", device.id),
        edition_id=device.edition_id,
        details={"name": device.name},
    )
    return set_code(device, now)


def set_code(device: GateDevice, now: datetime) -> str:
    """Give ``device`` a new one-time code (replacing any unused one); its token is kept."""
    code = new_code()
    device.pairing_code_hash = _hash(normalise(code) or "")
    device.pairing_expires_at = now + PAIRING_TTL
    db.session.flush()
    return code


def issue_code_for(
    device_id: int, edition_ids: set[int] | None, now: datetime
) -> tuple[GateDevice, str]:
    """``issue_code`` for a device by id; 404 when it is not in one of ``edition_ids``
    (None: any edition)."""
    device = db.session.get(GateDevice, device_id)
    if device is None or (edition_ids is not None and device.edition_id not in edition_ids):
        raise not_found("device")
    return device, issue_code(device, now)


def pair(code: str, now: datetime) -> tuple[GateDevice, str]:
    """Exchange a pairing code for a new device token; the code then stops working.

    Wrong, expired and used codes all answer the same error, so an answer tells nothing
    about which codes exist.
    """
    normalised = normalise(code)
    refused = field_error("code", "pairing_code_invalid")
    if normalised is None:
        raise refused
    device = db.session.scalar(
        sa.select(GateDevice)
        .where(GateDevice.pairing_code_hash == _hash(normalised))
        .with_for_update()
    )
    if (
        device is None
        or device.revoked_at is not None
        or device.pairing_expires_at is None
        or device.pairing_expires_at <= now
    ):
        raise refused
    token = device_auth.DEVICE_TOKEN_PREFIX + secrets.token_urlsafe(32)
    device_auth.forget(device.token_hash)
    device.token_hash = hash_token(token)
    device.pairing_code_hash = None
    device.pairing_expires_at = None
    device.paired_at = now
    audit.record(
        Action.DEVICE_PAIRED,
        target=("device", device.id),
        edition_id=device.edition_id,
        details={"name": device.name},
    )
    db.session.flush()
    return device, token


def pairing_url(base_url: str, code: str) -> str:
    """What the pairing QR code holds: the scanner's address with the code after ``#pair=``
    (a fragment, so the code never reaches a server log)."""
    return f"{base_url.rstrip('/')}/gate/#pair={quote(code)}"
