"""The pass token layout of docs/architecture.md, checked against the real issuing code.

A third-party gate verifies passes offline from the documented layout alone. So does this
test: the tokens are issued by eventhub (registration, then a change of days), and the keys
come from ``GET /api/v1/device/keys``, but decoding and verifying below use only the standard
library and the ``cryptography`` package, exactly as the document describes. If the format
changes, this test fails until the document (and this decoder) say the same thing again.
"""

from __future__ import annotations

import base64
import re
import struct
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.conftest import Api
from tests.passes.helpers import get_pass, pass_url, register

ARCHITECTURE = Path(__file__).parents[2] / "docs" / "architecture.md"

# As docs/architecture.md, "Pass tokens", states them.
VERSION = 1
KID_SIZE = 4
SIGNATURE_SIZE = 64
EPOCH = date(2000, 1, 1)
KINDS = {1: "attendee", 2: "exhibitor_staff", 3: "buyer", 4: "press", 5: "vip", 6: "organiser"}


def b64url_decode(text: str) -> bytes:
    """base64url without padding, as tokens and a JWK's key (``x``) are written."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def read_varint(raw: bytes, pos: int) -> tuple[int, int]:
    """Unsigned LEB128: 7 bits per byte, least significant group first, high bit = more."""
    value = shift = 0
    while True:
        byte = raw[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


@dataclass(frozen=True)
class Decoded:
    kid: bytes
    pass_id: int
    edition_id: int
    kind: str
    valid_from: date
    valid_until: date
    day_mask: int
    serial: int


def decode_and_verify(token: str, keys_by_kid: dict[bytes, Ed25519PublicKey]) -> Decoded:
    """What an offline gate does with the text of a QR code."""
    raw = b64url_decode(token)
    body, signature = raw[:-SIGNATURE_SIZE], raw[-SIGNATURE_SIZE:]
    version, kid = struct.unpack_from(">B4s", raw, 0)
    assert version == VERSION
    # The signature covers every byte before it: version, kid and claims.
    keys_by_kid[kid].verify(signature, body)  # raises InvalidSignature if forged
    pass_id, pos = read_varint(body, 1 + KID_SIZE)
    edition_id, pos = read_varint(body, pos)
    kind, days_since_epoch, days_minus_one = struct.unpack_from(">BHB", body, pos)
    day_mask, pos = read_varint(body, pos + 4)
    serial, pos = read_varint(body, pos)
    assert pos == len(body), "nothing follows the serial"
    valid_from = EPOCH + timedelta(days=days_since_epoch)
    return Decoded(
        kid=kid,
        pass_id=pass_id,
        edition_id=edition_id,
        kind=KINDS[kind],
        valid_from=valid_from,
        valid_until=valid_from + timedelta(days=days_minus_one),
        day_mask=day_mask,
        serial=serial,
    )


def device_jwks(organiser: Api, edition_id: int) -> dict[str, Any]:
    """The edition's JWK Set as a gate device fetches it."""
    created = organiser.post(f"/api/v1/editions/{edition_id}/devices", json={"name": "gate-x"})
    assert created.status_code == 201, created.json
    device = Api(organiser.client, created.json["token"])
    jwks = device.get("/api/v1/device/keys")
    assert jwks.status_code == 200, jwks.json
    return dict(jwks.json)


def device_keys(organiser: Api, edition_id: int) -> dict[bytes, Ed25519PublicKey]:
    """The edition's public keys by kid bytes, read from the JWK Set as documented."""
    keys = {}
    for jwk in device_jwks(organiser, edition_id)["keys"]:
        assert (jwk["kty"], jwk["crv"], jwk["alg"], jwk["use"]) == (
            "OKP",
            "Ed25519",
            "EdDSA",
            "sig",
        )
        keys[bytes.fromhex(jwk["kid"])] = Ed25519PublicKey.from_public_bytes(
            b64url_decode(jwk["x"])
        )
    return keys


def revocations(organiser: Api, edition_id: int) -> set[tuple[int, int]]:
    """Every revoked (pass_id, serial) of the edition, paged with next_since as documented."""
    created = organiser.post(f"/api/v1/editions/{edition_id}/devices", json={"name": "gate-y"})
    device = Api(organiser.client, created.json["token"])
    since, revoked = 0, set()
    while True:
        page = device.get(f"/api/v1/device/revocations?since={since}").json
        revoked |= {(item["pass_id"], item["serial"]) for item in page["items"]}
        since = page["next_since"]
        if not page["more"]:
            return revoked


def test_an_issued_token_decodes_and_verifies_from_the_documented_layout(
    anonymous: Api, organiser: Api, edition: dict[str, Any]
) -> None:
    pass_id = register(anonymous, edition["id"], attendee_type="buyer")["pass"]["id"]
    token = get_pass(organiser, pass_id)["token"]
    keys = device_keys(organiser, edition["id"])

    decoded = decode_and_verify(token, keys)

    # The edition runs 28–30 October 2027 (Tokyo); a pass for every day has no day mask.
    assert decoded == Decoded(
        kid=decoded.kid,
        pass_id=pass_id,
        edition_id=edition["id"],
        kind="buyer",
        valid_from=date(2027, 10, 28),
        valid_until=date(2027, 10, 30),
        day_mask=0,
        serial=1,
    )
    assert decoded.kid in keys
    # The documented sizes: ids below 2**21, serial 1 and no mask take at most 79 bytes, and
    # the text is their base64url without padding (at most 106 characters).
    size = len(b64url_decode(token))
    assert size <= 79
    assert len(token) == (size * 8 + 5) // 6 <= 106
    assert "=" not in token

    # One changed byte anywhere in the signed part is refused.
    raw = bytearray(b64url_decode(token))
    raw[6] ^= 0x01
    forged = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(InvalidSignature):
        decode_and_verify(forged, keys)


def test_a_reissued_token_carries_its_days_and_the_old_serial_is_revoked(
    anonymous: Api, organiser: Api, edition: dict[str, Any]
) -> None:
    pass_id = register(anonymous, edition["id"])["pass"]["id"]
    old_token = get_pass(organiser, pass_id)["token"]
    changed = organiser.patch(pass_url(pass_id), json={"valid_days": ["2027-10-28", "2027-10-30"]})
    assert changed.status_code == 200, changed.json
    new_token = get_pass(organiser, pass_id)["token"]
    keys = device_keys(organiser, edition["id"])

    old, new = decode_and_verify(old_token, keys), decode_and_verify(new_token, keys)

    # Bit i = valid on valid_from + i days: the 28th (bit 0) and the 30th (bit 2).
    assert (new.serial, new.day_mask) == (2, 0b101)
    assert (new.valid_from, new.valid_until) == (date(2027, 10, 28), date(2027, 10, 30))
    # The old token still verifies: an offline gate refuses it by the revocation list.
    assert old.serial == 1
    assert revocations(organiser, edition["id"]) == {(pass_id, 1)}


def test_the_decoder_printed_in_the_document_verifies_an_issued_token(
    anonymous: Api, organiser: Api, edition: dict[str, Any]
) -> None:
    (source,) = re.findall(
        r"A decoder in Python.*?```python\n(.*?)```", ARCHITECTURE.read_text(encoding="utf-8"), re.S
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, str(ARCHITECTURE), "exec"), namespace)  # noqa: S102  (our own document)
    pass_id = register(anonymous, edition["id"], attendee_type="press")["pass"]["id"]
    token = get_pass(organiser, pass_id)["token"]
    jwks = device_jwks(organiser, edition["id"])

    claims = namespace["verify"](token, jwks)

    first, last = date(2027, 10, 28), date(2027, 10, 30)
    assert claims == (pass_id, edition["id"], 4, first, last, 0, 1)
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(InvalidSignature):
        namespace["verify"](flipped, jwks)
