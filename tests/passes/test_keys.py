import base64
import hashlib
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from eventhub.passes import keys
from eventhub.passes.keys import (
    KeyDecryptionError,
    KeyRing,
    KeyRingError,
    decrypt_private_key,
    encrypt_private_key,
    generate_key,
    key_id,
    kid_for,
    public_key_jwk,
)
from eventhub.passes.tokens import ForgedToken, ForgeReason, PassKind, TokenClaims, peek_kid, sign

SECRET = "correct horse battery staple"
EDITION = 42


def claims(edition_id: int = EDITION, serial: int = 0) -> TokenClaims:
    start, end = date(2026, 1, 20), date(2026, 1, 22)
    return TokenClaims(7, edition_id, PassKind.BUYER, start, end, None, serial)


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_generate_key() -> None:
    kid, private_raw, public_raw = generate_key()
    assert (len(kid), len(private_raw), len(public_raw)) == (4, 32, 32)
    assert kid == hashlib.sha256(public_raw).digest()[:4] == kid_for(public_raw)
    derived = Ed25519PrivateKey.from_private_bytes(private_raw).public_key()
    assert derived.public_bytes_raw() == public_raw
    assert generate_key().private_raw != private_raw


def test_encrypt_decrypt_round_trip() -> None:
    raw = generate_key().private_raw
    blob = encrypt_private_key(raw, SECRET, EDITION)
    assert raw not in blob
    assert decrypt_private_key(blob, SECRET, EDITION) == raw
    # A fresh nonce each time: equal keys do not show as equal rows.
    assert encrypt_private_key(raw, SECRET, EDITION) != blob


@pytest.mark.parametrize(
    ("secret", "edition_id"),
    [("wrong secret", EDITION), (SECRET, EDITION + 1), (SECRET.upper(), EDITION)],
)
def test_wrong_secret_or_edition_fails_cleanly(secret: str, edition_id: int) -> None:
    blob = encrypt_private_key(generate_key().private_raw, SECRET, EDITION)
    with pytest.raises(KeyDecryptionError, match="does not decrypt"):
        decrypt_private_key(blob, secret, edition_id)


def test_tampered_or_foreign_blobs_fail_cleanly() -> None:
    blob = encrypt_private_key(generate_key().private_raw, SECRET, EDITION)
    for i in range(len(blob)):
        tampered = bytearray(blob)
        tampered[i] ^= 1
        with pytest.raises(KeyDecryptionError):
            decrypt_private_key(bytes(tampered), SECRET, EDITION)
    for foreign in (b"", blob[:-1], blob + b"\0", b"\x02" + blob[1:]):
        with pytest.raises(KeyDecryptionError):
            decrypt_private_key(foreign, SECRET, EDITION)


def test_encrypt_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="empty secret"):
        encrypt_private_key(bytes(32), "", EDITION)
    with pytest.raises(ValueError, match="32 bytes"):
        encrypt_private_key(bytes(31), SECRET, EDITION)
    with pytest.raises(ValueError, match="edition_id"):
        encrypt_private_key(bytes(32), SECRET, -1)


def test_public_key_jwk_shape_and_use() -> None:
    material = generate_key()
    jwk = public_key_jwk(material.public_raw, material.kid)
    assert jwk == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": jwk["x"],
        "kid": jwk["kid"],
        "use": "sig",
        "alg": "EdDSA",
    }
    assert "=" not in jwk["x"]
    # The key id as passes and the audit log spell it: the kid's 4 bytes in hex.
    assert jwk["kid"] == key_id(material.kid) == material.kid.hex()
    assert len(jwk["kid"]) == 8
    # A gate device holding only the JWK can verify a pass.
    ring = KeyRing(EDITION, signer=material.private_raw)
    token = ring.sign(claims())
    device_key = Ed25519PublicKey.from_public_bytes(unb64(jwk["x"]))
    raw = unb64(token)
    device_key.verify(raw[-64:], raw[:-64])
    assert raw[1:5] == bytes.fromhex(jwk["kid"])


def test_rotation_and_retirement() -> None:
    ring, first = KeyRing(EDITION).rotate()
    old_token = ring.sign(claims())
    assert ring.active_kid == first.kid == peek_kid(old_token)

    rotated, second = ring.rotate()
    assert rotated.active_kid == second.kid != first.kid
    assert set(rotated.public_keys) == {first.kid, second.kid}
    assert rotated.verify(old_token) == claims()
    new_token = rotated.sign(claims(serial=1))
    assert peek_kid(new_token) == second.kid
    # The ring is immutable: rotating returned a new one.
    assert ring.active_kid == first.kid
    assert set(ring.public_keys) == {first.kid}

    retired = rotated.retire(first.kid)
    with pytest.raises(ForgedToken) as info:
        retired.verify(old_token)
    assert info.value.reason == "unknown key"
    assert retired.verify(new_token) == claims(serial=1)
    assert retired.retire(first.kid).public_keys.keys() == retired.public_keys.keys()
    with pytest.raises(KeyRingError, match="rotate before retiring"):
        retired.retire(second.kid)


def test_ring_from_stored_keys() -> None:
    old, current = generate_key(), generate_key()
    stored = encrypt_private_key(current.private_raw, SECRET, EDITION)
    ring = KeyRing(
        EDITION,
        signer=decrypt_private_key(stored, SECRET, EDITION),
        verifiers=[old.public_raw, current.public_raw],  # the signer listed too is fine
    )
    assert ring.active_kid == current.kid
    assert set(ring.public_keys) == {old.kid, current.kid}
    assert [jwk["kid"] for jwk in ring.jwks()["keys"]] == [
        public_key_jwk(old.public_raw, old.kid)["kid"],
        public_key_jwk(current.public_raw, current.kid)["kid"],
    ]


def test_verify_only_ring() -> None:
    signer = KeyRing(EDITION, signer=generate_key().private_raw)
    token = signer.sign(claims())
    gate = KeyRing(EDITION, verifiers=[k.public_bytes_raw() for k in signer.public_keys.values()])
    assert gate.active_kid is None
    assert gate.verify(token) == claims()
    with pytest.raises(KeyRingError, match="no active signing key"):
        gate.sign(claims())


def test_edition_is_checked_both_ways() -> None:
    material = generate_key()
    ring = KeyRing(EDITION, signer=material.private_raw)
    with pytest.raises(KeyRingError, match="edition 43"):
        ring.sign(claims(edition_id=43))
    # Signed by this edition's key but claiming another edition: only a misused key does that.
    private = Ed25519PrivateKey.from_private_bytes(material.private_raw)
    token = sign(claims(edition_id=43), private, material.kid)
    with pytest.raises(ForgedToken) as info:
        ring.verify(token)
    assert info.value.reason is ForgeReason.EDITION_MISMATCH


def test_kid_collision_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "kid_for", lambda public_raw: b"same")
    with pytest.raises(KeyRingError, match="share kid"):
        KeyRing(EDITION, verifiers=[generate_key().public_raw, generate_key().public_raw])


def test_repr_does_not_show_private_key() -> None:
    material = generate_key()
    text = repr(KeyRing(EDITION, signer=material.private_raw))
    assert material.kid.hex() in text
    assert material.private_raw.hex() not in text
