"""Each edition's signing keys in the database, and the key ring the scan path verifies with.

The newest unretired key signs; older unretired keys still verify. Rings are cached per
process for a short while: the scan path must not read keys on every request. A retirement
reaches every process within ``RING_TTL`` seconds (a retired key admits until then, also in
the process that retired it); a rotation reaches the scan path at once, since a token naming
an unknown key of the edition's own makes the ring rebuild.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, NamedTuple

import sqlalchemy as sa

from eventhub import secret_keys
from eventhub.audit import service as audit
from eventhub.audit.actions import Action
from eventhub.db import utcnow
from eventhub.errors import DomainError, not_found
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.locking import lock_rows
from eventhub.passes import keys
from eventhub.passes.models import SigningKey

log = logging.getLogger(__name__)

RING_TTL = 30.0
_cache: dict[int, tuple[float, keys.KeyRing]] = {}
_cache_lock = threading.Lock()


def _secret() -> str:
    return secret_keys.current()


def _decrypt(row: SigningKey) -> tuple[bytes, bool]:
    """The row's raw private key, and whether the current secret encrypted it (else one of
    the fallbacks did); ``KeyDecryptionError`` when none of the secrets does."""
    for index, secret in enumerate(secret_keys.readable()):
        try:
            raw = keys.decrypt_private_key(row.private_key_encrypted, secret, row.edition_id)
        except keys.KeyDecryptionError:
            continue
        return raw, index == 0
    raise keys.KeyDecryptionError(
        f"signing key {row.key_id} of edition {row.edition_id} does not decrypt under "
        "SECRET_KEY nor any of SECRET_KEY_FALLBACKS"
    )


def _live_keys(edition_id: int) -> list[SigningKey]:
    return list(
        db.session.scalars(
            sa.select(SigningKey)
            .where(SigningKey.edition_id == edition_id, SigningKey.retired_at.is_(None))
            .order_by(SigningKey.id)
        )
    )


def _new_key(edition_id: int) -> SigningKey:
    material = keys.generate_key()
    row = SigningKey(
        edition_id=edition_id,
        key_id=keys.key_id(material.kid),
        public_key=material.public_raw,
        private_key_encrypted=keys.encrypt_private_key(material.private_raw, _secret(), edition_id),
    )
    db.session.add(row)
    db.session.flush()
    return row


def ensure_key(edition_id: int) -> SigningKey:
    """The active signing key, created on first use (under the edition's lock, so only once)."""
    live = _live_keys(edition_id)
    if live:
        return live[-1]
    lock_rows(Edition, [edition_id])
    live = _live_keys(edition_id)
    return live[-1] if live else _new_key(edition_id)


def rotate(edition_id: int) -> SigningKey:
    """A new key signs from now on; the old ones keep verifying until retired."""
    lock_rows(Edition, [edition_id])
    key = _new_key(edition_id)
    audit.record(
        Action.SIGNING_KEY_ROTATED,
        target=("signing_key", key.id),
        edition_id=edition_id,
        details={"key_id": key.key_id},
    )
    forget(edition_id)
    return key


def retire(edition_id: int, key_id: str) -> SigningKey:
    row = db.session.scalars(
        sa.select(SigningKey).where(
            SigningKey.edition_id == edition_id, SigningKey.key_id == key_id
        )
    ).first()
    if row is None:
        raise not_found("key")
    live = _live_keys(edition_id)
    if live and live[-1].id == row.id:
        raise DomainError("active_key")
    if row.retired_at is None:
        row.retired_at = utcnow()
        audit.record(
            Action.SIGNING_KEY_RETIRED,
            target=("signing_key", row.id),
            edition_id=edition_id,
            details={"key_id": row.key_id},
        )
    forget(edition_id)
    return row


#: What an operator does when no configured secret decrypts a stored signing key.
UNREADABLE_GUIDANCE = (
    "put the previous secret in SECRET_KEY_FALLBACKS (then run 'flask eventhub reencrypt-keys' "
    "to move the keys to SECRET_KEY), or set SECRET_KEY back"
)


def unreadable_keys() -> DomainError:
    """503 ``signing_keys_unreadable``: no configured secret decrypts the stored signing keys
    (SECRET_KEY changed without the old one in SECRET_KEY_FALLBACKS). Nothing is signed or
    verified until the operator puts the old secret back; retrying does not help before."""
    return DomainError("signing_keys_unreadable")


def _build_ring(edition_id: int) -> keys.KeyRing:
    live = _live_keys(edition_id)
    if not live:
        return keys.KeyRing(edition_id)
    try:
        signer, _ = _decrypt(live[-1])
    except keys.KeyDecryptionError as exc:
        log.error(
            "signing key unreadable: %s",
            UNREADABLE_GUIDANCE,
            extra={"edition_id": edition_id, "key_id": live[-1].key_id},
        )
        raise unreadable_keys() from exc
    return keys.KeyRing(edition_id, signer=signer, verifiers=[row.public_key for row in live[:-1]])


class Reencrypted(NamedTuple):
    #: Keys moved from a fallback secret to SECRET_KEY.
    reencrypted: int
    #: Keys already under SECRET_KEY, left as they were.
    current: int
    #: Keys that no secret decrypts (their key ids): a secret was dropped too early.
    unreadable: list[str]


def reencrypt_all() -> Reencrypted:
    """Store every signing key, retired ones too, encrypted under the current SECRET_KEY.

    Idempotent: a second run finds every key current. The public keys, key ids and so every
    issued pass stay as they are. The caller commits.
    """
    moved = current = 0
    unreadable: list[str] = []
    rows = db.session.scalars(sa.select(SigningKey).order_by(SigningKey.id).with_for_update())
    for row in rows:
        try:
            raw, is_current = _decrypt(row)
        except keys.KeyDecryptionError:
            log.warning(
                "signing key does not decrypt",
                extra={"edition_id": row.edition_id, "key_id": row.key_id},
            )
            unreadable.append(row.key_id)
            continue
        if is_current:
            current += 1
            continue
        row.private_key_encrypted = keys.encrypt_private_key(raw, _secret(), row.edition_id)
        moved += 1
    db.session.flush()
    return Reencrypted(moved, current, unreadable)


def keyring(edition_id: int) -> keys.KeyRing:
    """The edition's ring, from the process cache when fresh; 503
    ``signing_keys_unreadable`` when no configured secret decrypts its signing key."""
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(edition_id)
    if cached is not None and now - cached[0] < RING_TTL:
        return cached[1]
    ring = _build_ring(edition_id)
    with _cache_lock:
        _cache[edition_id] = (now, ring)
    return ring


def forget(edition_id: int | None = None) -> None:
    """Drop cached rings (all when ``edition_id`` is None): after rotation, and in tests."""
    with _cache_lock:
        if edition_id is None:
            _cache.clear()
        else:
            _cache.pop(edition_id, None)


def edition_of_key(key_id: str) -> int | None:
    """Which edition a key belongs to, to tell "wrong edition" from "forged"."""
    return db.session.scalar(sa.select(SigningKey.edition_id).where(SigningKey.key_id == key_id))


def jwks(edition_id: int) -> dict[str, Any]:
    """Public keys for gate devices to verify offline."""
    return keyring(edition_id).jwks()


def first_unreadable_key() -> SigningKey | None:
    """A signing key in use (unretired) that no configured secret decrypts, or None: what
    start-up checks, so a changed SECRET_KEY stops the server at once rather than failing
    each pass. One decryption per edition in use, newest edition first."""
    newest = (
        sa.select(sa.func.max(SigningKey.id))
        .where(SigningKey.retired_at.is_(None))
        .group_by(SigningKey.edition_id)
    )
    rows = db.session.scalars(
        sa.select(SigningKey).where(SigningKey.id.in_(newest)).order_by(SigningKey.id.desc())
    )
    for row in rows:
        try:
            _decrypt(row)
        except keys.KeyDecryptionError:
            return row
    return None
