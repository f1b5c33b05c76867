"""Per-edition Ed25519 signing keys: generation, rotation, encryption at rest, JWKs.

A key's id (kid) is the first 4 bytes of the SHA-256 of its raw public key, so
it is stable, needs no storage of its own, and a ring can never pair a kid with
the wrong key. Tokens carry those 4 bytes; everywhere a person or a client reads the id
(a pass's ``key_id``, the JWK Set's ``kid``, the audit log) it is spelt ``key_id``: 8 hex
digits, ``0544ee47``.

Private keys are stored encrypted with AES-256-GCM under a key derived from the
app's SECRET_KEY by HKDF-SHA256 (info = ``_HKDF_INFO`` + the edition id as 8
big-endian bytes). A database dump alone therefore does not leak signing keys,
and an encrypted key copied to another edition's row does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from eventhub.passes.tokens import (
    KID_SIZE,
    ForgedToken,
    ForgeReason,
    TokenClaims,
    read_unverified,
    sign,
    verify,
)

__all__ = [
    "KeyDecryptionError",
    "KeyMaterial",
    "KeyRing",
    "KeyRingError",
    "decrypt_private_key",
    "encrypt_private_key",
    "generate_key",
    "key_id",
    "kid_for",
    "public_key_jwk",
]

_HKDF_INFO = b"eventhub pass signing key"
# Bound into the ciphertext as associated data, so the format byte cannot be swapped.
_BLOB_VERSION = b"\x01"
_NONCE_SIZE = 12
_RAW_KEY_SIZE = 32
_BLOB_SIZE = len(_BLOB_VERSION) + _NONCE_SIZE + _RAW_KEY_SIZE + 16  # 16: GCM tag


class KeyMaterial(NamedTuple):
    kid: bytes
    private_raw: bytes
    public_raw: bytes


class KeyDecryptionError(Exception):
    """An encrypted private key did not decrypt: wrong SECRET_KEY, edition or corrupt data."""


class KeyRingError(ValueError):
    pass


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def kid_for(public_raw: bytes) -> bytes:
    return hashlib.sha256(public_raw).digest()[:KID_SIZE]


def key_id(kid: bytes) -> str:
    """The one spelling of a key id that clients see: the kid's bytes in lowercase hex."""
    return kid.hex()


def generate_key() -> KeyMaterial:
    private = Ed25519PrivateKey.generate()
    private_raw = private.private_bytes_raw()
    public_raw = private.public_key().public_bytes_raw()
    return KeyMaterial(kid_for(public_raw), private_raw, public_raw)


def _aead(secret: str, edition_id: int) -> AESGCM:
    if not secret:
        raise ValueError("an empty secret would leave signing keys unprotected")
    if not 0 <= edition_id < 2**63:
        raise ValueError(f"edition_id out of range: {edition_id}")
    hkdf = HKDF(
        algorithm=SHA256(),
        length=32,
        salt=None,
        info=_HKDF_INFO + edition_id.to_bytes(8, "big"),
    )
    return AESGCM(hkdf.derive(secret.encode()))


def encrypt_private_key(raw: bytes, secret: str, edition_id: int) -> bytes:
    """``raw`` encrypted for storage in ``edition_id``'s key row."""
    if len(raw) != _RAW_KEY_SIZE:
        raise ValueError(f"a raw Ed25519 private key is {_RAW_KEY_SIZE} bytes, not {len(raw)}")
    nonce = os.urandom(_NONCE_SIZE)
    return _BLOB_VERSION + nonce + _aead(secret, edition_id).encrypt(nonce, raw, _BLOB_VERSION)


def decrypt_private_key(blob: bytes, secret: str, edition_id: int) -> bytes:
    """The raw private key in ``blob``; ``KeyDecryptionError`` if it is not ours."""
    if len(blob) != _BLOB_SIZE or blob[:1] != _BLOB_VERSION:
        raise KeyDecryptionError("not an encrypted eventhub signing key")
    nonce = blob[1 : 1 + _NONCE_SIZE]
    try:
        return _aead(secret, edition_id).decrypt(nonce, blob[1 + _NONCE_SIZE :], _BLOB_VERSION)
    except InvalidTag:
        raise KeyDecryptionError(
            "signing key does not decrypt: wrong SECRET_KEY or edition, or corrupt data"
        ) from None


def public_key_jwk(public_raw: bytes, kid: bytes) -> dict[str, str]:
    """The RFC 8037 JWK that gate devices use to verify passes offline.

    Its ``kid`` is the key id as passes and the audit log spell it (hex): RFC 7517 leaves the
    member's content to the application, and one key has one name everywhere.
    """
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64(public_raw),
        "kid": key_id(kid),
        "use": "sig",
        "alg": "EdDSA",
    }


class KeyRing:
    """One edition's keys: at most one active signer, plus older keys that still verify.

    A key leaves the ring when it is retired, and its tokens stop verifying
    (``ForgeReason.UNKNOWN_KEY``): rotate, re-issue the passes, then retire.
    Immutable, so one ring can be cached and shared by the scan path's threads;
    ``rotate`` and ``retire`` return a new ring for the caller to persist.
    """

    __slots__ = ("_public", "_public_keys", "_signer", "_signer_kid", "edition_id")

    def __init__(
        self,
        edition_id: int,
        *,
        signer: bytes | None = None,
        verifiers: Iterable[bytes] = (),
    ) -> None:
        """``signer``: raw private key of the active key; ``verifiers``: raw public keys."""
        self.edition_id = edition_id
        public: dict[bytes, bytes] = {}
        self._signer: Ed25519PrivateKey | None = None
        self._signer_kid: bytes | None = None
        raws = list(verifiers)
        if signer is not None:
            self._signer = Ed25519PrivateKey.from_private_bytes(signer)
            signer_public = self._signer.public_key().public_bytes_raw()
            self._signer_kid = kid_for(signer_public)
            raws.append(signer_public)
        for raw in raws:
            kid = kid_for(raw)
            if public.setdefault(kid, raw) != raw:
                # A 32-bit prefix collision: vanishingly rare, and fixed by rotating again.
                raise KeyRingError(f"two keys share kid {kid.hex()}")
        #: kid -> raw public key
        self._public = public
        self._public_keys: Mapping[bytes, Ed25519PublicKey] = MappingProxyType(
            {kid: Ed25519PublicKey.from_public_bytes(raw) for kid, raw in public.items()}
        )

    def __repr__(self) -> str:
        kids = ", ".join(kid.hex() for kid in self._public)
        active = self._signer_kid.hex() if self._signer_kid else None
        return f"KeyRing(edition_id={self.edition_id}, active={active}, kids=[{kids}])"

    @property
    def active_kid(self) -> bytes | None:
        return self._signer_kid

    @property
    def public_keys(self) -> Mapping[bytes, Ed25519PublicKey]:
        """kid -> public key, the argument ``tokens.verify`` takes."""
        return self._public_keys

    def _verifier_raws(self, *, without: bytes | None = None) -> list[bytes]:
        return [raw for kid, raw in self._public.items() if kid not in (without, self._signer_kid)]

    def rotate(self) -> tuple[KeyRing, KeyMaterial]:
        """A ring signing with a new key, the old signer kept for verifying; and the new key."""
        new = generate_key()
        verifiers = self._verifier_raws()
        if self._signer is not None:
            verifiers.append(self._signer.public_key().public_bytes_raw())
        return KeyRing(self.edition_id, signer=new.private_raw, verifiers=verifiers), new

    def retire(self, kid: bytes) -> KeyRing:
        """The ring without ``kid``; retiring an absent kid is a no-op, so retries are safe."""
        if kid == self._signer_kid:
            raise KeyRingError("rotate before retiring the active key")
        signer = self._signer.private_bytes_raw() if self._signer else None
        return KeyRing(self.edition_id, signer=signer, verifiers=self._verifier_raws(without=kid))

    def sign(self, claims: TokenClaims) -> str:
        if self._signer is None or self._signer_kid is None:
            raise KeyRingError(f"edition {self.edition_id} has no active signing key")
        if claims.edition_id != self.edition_id:
            raise KeyRingError(
                f"claims for edition {claims.edition_id} in edition {self.edition_id}'s ring"
            )
        return sign(claims, self._signer, self._signer_kid)

    def verify(self, token: str) -> TokenClaims:
        """Like ``tokens.verify``, and the token must claim this ring's edition."""
        claims = verify(token, self._public_keys)
        # Only a leaked or misused key signs for another edition; no real pass does.
        if claims.edition_id != self.edition_id:
            raise ForgedToken(ForgeReason.EDITION_MISMATCH)
        return claims

    def read_unverified(self, token: str) -> TokenClaims | None:
        """``tokens.read_unverified`` for this edition's passes: only to compare with the token
        stored for the pass; anything else must ``verify``."""
        claims = read_unverified(token, self._public_keys)
        if claims is None or claims.edition_id != self.edition_id:
            return None
        return claims

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The JWK Set for gate devices: every key that still verifies."""
        return {"keys": [public_key_jwk(raw, kid) for kid, raw in self._public.items()]}
