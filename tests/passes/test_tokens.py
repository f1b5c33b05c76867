import base64
import dataclasses
import pickle
from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from eventhub.passes.keys import kid_for
from eventhub.passes.tokens import (
    MAX_DAYS,
    MAX_TOKEN_CHARS,
    ForgedToken,
    ForgeReason,
    PassKind,
    TokenClaims,
    peek_kid,
    sign,
    verify,
)

# Fixed keys keep hypothesis runs reproducible.
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
KID = kid_for(KEY.public_key().public_bytes_raw())
KEYS = {KID: KEY.public_key()}

TYPICAL = TokenClaims(
    pass_id=123_456,
    edition_id=12,
    kind=PassKind.ATTENDEE,
    valid_from=date(2025, 10, 29),
    valid_until=date(2025, 10, 31),
    day_mask=None,
    serial=0,
)
ID = st.integers(0, 2**63 - 1)


@st.composite
def claims(draw: st.DrawFn) -> TokenClaims:
    start = draw(st.dates(date(2000, 1, 1), date(2000, 1, 1) + timedelta(days=2**16 - 1)))
    n_days = draw(st.integers(1, MAX_DAYS))
    return TokenClaims(
        pass_id=draw(ID),
        edition_id=draw(ID),
        kind=draw(st.sampled_from(PassKind)),
        valid_from=start,
        valid_until=start + timedelta(days=n_days - 1),
        day_mask=draw(st.none() | st.integers(1, 2**n_days - 1)),
        serial=draw(ID),
    )


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def reason(token: object, keys: dict = KEYS) -> ForgeReason:
    with pytest.raises(ForgedToken) as info:
        verify(token, keys)  # type: ignore[arg-type]
    return info.value.reason


def attempt(token: str) -> TokenClaims | ForgeReason:
    try:
        return verify(token, KEYS)
    except ForgedToken as exc:
        return exc.reason


@given(claims())
def test_round_trip(c: TokenClaims) -> None:
    token = sign(c, KEY, KID)
    decoded = verify(token, KEYS)
    assert decoded == c
    assert type(decoded.kind) is PassKind
    assert len(token) <= MAX_TOKEN_CHARS
    assert peek_kid(token) == KID


def test_typical_token_is_compact() -> None:
    token = sign(TYPICAL, KEY, KID)
    assert len(token) == 106  # 79 bytes
    assert len(sign(TYPICAL, KEY, KID)) <= 110
    # Day mask, re-issue serial and a ten-million pass id still fit.
    busy = dataclasses.replace(
        TYPICAL, pass_id=10_000_000, edition_id=99, kind=PassKind.BUYER, day_mask=0b101, serial=3
    )
    assert len(sign(busy, KEY, KID)) <= 110


def test_signing_is_deterministic_and_kid_may_be_an_int() -> None:
    token = sign(TYPICAL, KEY, KID)
    assert sign(TYPICAL, KEY, int.from_bytes(KID, "big")) == token
    with pytest.raises(ValueError, match="4 bytes"):
        sign(TYPICAL, KEY, b"abc")
    with pytest.raises(ValueError, match="does not fit"):
        sign(TYPICAL, KEY, 2**32)


@pytest.mark.parametrize("xor", [0x01, 0x80, 0xFF])
def test_tampering_any_byte_is_forged(xor: int) -> None:
    raw = unb64(sign(TYPICAL, KEY, KID))
    for i in range(len(raw)):
        tampered = bytearray(raw)
        tampered[i] ^= xor
        assert reason(b64(bytes(tampered))) in {
            ForgeReason.UNSUPPORTED_VERSION,
            ForgeReason.UNKNOWN_KEY,
            ForgeReason.BAD_SIGNATURE,
        }


def test_changing_any_character_is_forged() -> None:
    # Also catches the spare low bits of the last character, which a lenient
    # base64 decoder ignores: every token has one spelling.
    token = sign(TYPICAL, KEY, KID)
    for i, char in enumerate(token):
        for other in "AaBb-_09":
            if other != char:
                with pytest.raises(ForgedToken):
                    verify(token[:i] + other + token[i + 1 :], KEYS)


def test_wrong_key_and_unknown_key() -> None:
    token = sign(TYPICAL, OTHER_KEY, KID)
    assert reason(token) == ForgeReason.BAD_SIGNATURE
    assert reason(sign(TYPICAL, KEY, b"\0\0\0\0")) == ForgeReason.UNKNOWN_KEY
    assert reason(sign(TYPICAL, KEY, KID), {}) == ForgeReason.UNKNOWN_KEY


@pytest.mark.parametrize("cut", [1, 4, 64, 70, 100])
def test_truncated(cut: int) -> None:
    raw = unb64(sign(TYPICAL, KEY, KID))
    assert reason(b64(raw[:-cut])) in {ForgeReason.TRUNCATED, ForgeReason.BAD_SIGNATURE}


@pytest.mark.parametrize(
    "token",
    [
        "",
        "A",
        "!!!!",
        "äöü" * 30,
        None,
        b"bytes",
        "A" * (MAX_TOKEN_CHARS + 1),
    ],
)
def test_malformed(token: object) -> None:
    assert reason(token) in {ForgeReason.MALFORMED, ForgeReason.TRUNCATED}


@pytest.mark.parametrize("suffix", ["=", "==", "\n", " ", "\r\n"])
def test_padding_and_whitespace_are_not_accepted(suffix: str) -> None:
    token = sign(TYPICAL, KEY, KID)
    assert reason(token + suffix) == ForgeReason.MALFORMED


def test_standard_base64_alphabet_is_not_accepted() -> None:
    token = next(
        t
        for serial in range(1000)
        if "-" in (t := sign(dataclasses.replace(TYPICAL, serial=serial), KEY, KID))
    )
    assert reason(token.replace("-", "+")) == ForgeReason.MALFORMED


def test_unsupported_version() -> None:
    body = b"\x02" + unb64(sign(TYPICAL, KEY, KID))[1:-64]
    assert reason(b64(body + KEY.sign(body))) == ForgeReason.UNSUPPORTED_VERSION


@settings(max_examples=500)
@given(st.text(max_size=300))
def test_fuzz_text_only_ever_raises_forged(token: str) -> None:
    with pytest.raises(ForgedToken):
        verify(token, KEYS)
    peek_kid(token)


@settings(max_examples=500)
@given(st.binary(max_size=200), st.booleans())
def test_fuzz_bytes_only_ever_raise_forged(raw: bytes, known_header: bool) -> None:
    if known_header:
        raw = b"\x01" + KID + raw
    with pytest.raises(ForgedToken):
        verify(b64(raw), KEYS)


def varint(value: int, padded: bool) -> bytes:
    out = bytearray()
    while True:
        out.append(value & 0x7F | 0x80)
        value >>= 7
        if not value:
            break
    if padded:  # a non-minimal spelling: one extra zero group
        out.append(0)
    else:
        out[-1] &= 0x7F
    return bytes(out)


@st.composite
def near_valid_payloads(draw: st.DrawFn) -> bytes:
    """Bodies shaped like the layout, with values and spellings slightly off."""
    padded = st.sampled_from((False, False, False, True))
    number = st.integers(0, 3) | st.integers(0, 300) | st.integers(0, 2**64)
    out = varint(draw(number), draw(padded)) + varint(draw(number), draw(padded))
    out += bytes([draw(st.integers(0, 8))]) + draw(st.binary(min_size=3, max_size=3))
    out += varint(draw(number), draw(padded)) + varint(draw(number), draw(padded))
    return out + draw(st.just(b"") | st.binary(max_size=2))


@settings(max_examples=1000)
@given(st.binary(min_size=8, max_size=60) | near_valid_payloads())
def test_fuzz_signed_bodies_decode_canonically_or_not_at_all(payload: bytes) -> None:
    # A body signed by a trusted key reaches the claims decoder: it must either
    # give the claims whose token is this very token, or refuse as BAD_CLAIMS.
    body = b"\x01" + KID + payload
    token = b64(body + KEY.sign(body))
    outcome = attempt(token)
    if isinstance(outcome, TokenClaims):
        assert dataclasses.replace(outcome) == outcome  # the decoder's claims pass validation
        assert sign(outcome, KEY, KID) == token
    else:
        assert outcome is ForgeReason.BAD_CLAIMS


@pytest.mark.parametrize(
    "payload",
    [
        bytes([0x80, 0x00, 1, 1, 0, 0, 0, 0, 0]),  # non-minimal pass_id
        bytes([1, 1, 7, 0, 0, 0, 0, 0]),  # unknown kind
        bytes([1, 1, 1, 0, 0, 0, 0b10, 0]),  # mask bit beyond a one-day range
        bytes([1, 1, 1, 0, 0, 0, 0, 0, 0]),  # trailing byte
        bytes([0xFF] * 9 + [0x7F, 1, 1, 0, 0, 0, 0, 0]),  # pass_id >= 2**63
    ],
)
def test_signed_but_undecodable_claims(payload: bytes) -> None:
    body = b"\x01" + KID + payload
    assert reason(b64(body + KEY.sign(body))) == ForgeReason.BAD_CLAIMS


def test_forged_token_carries_reason_and_pickles() -> None:
    exc = ForgedToken(ForgeReason.UNKNOWN_KEY)
    assert exc.reason == "unknown key"
    assert str(exc) == "unknown key"
    assert pickle.loads(pickle.dumps(exc)).reason is ForgeReason.UNKNOWN_KEY  # noqa: S301 - own bytes


def test_peek_kid() -> None:
    assert peek_kid(sign(TYPICAL, KEY, KID)) == KID
    assert peek_kid("") is None
    assert peek_kid("AQ") is None
    assert peek_kid("!!!!!!!!!!") is None
    assert peek_kid(b64(b"\x02" + KID + b"\0")) is None
    assert peek_kid(None) is None  # type: ignore[arg-type]


def test_day_mask_semantics() -> None:
    start = date(2025, 10, 29)
    c = TokenClaims(1, 1, PassKind.EXHIBITOR_STAFF, start, start + timedelta(days=2), 0b101, 0)
    assert [c.is_valid_on(start + timedelta(days=i)) for i in range(-1, 4)] == [
        False,
        True,
        False,
        True,
        False,
    ]
    assert list(c.valid_days()) == [start, start + timedelta(days=2)]
    every = TokenClaims(1, 1, PassKind.VIP, start, start + timedelta(days=2), None, 0)
    assert [every.is_valid_on(start + timedelta(days=i)) for i in range(-1, 4)] == [
        False,
        True,
        True,
        True,
        False,
    ]
    assert every.n_days == len(list(every.valid_days())) == 3
    with pytest.raises(TypeError, match="local date"):
        every.is_valid_on(datetime(2025, 10, 29, tzinfo=UTC))


@given(claims(), st.integers(-3, MAX_DAYS + 3))
def test_is_valid_on_matches_valid_days(c: TokenClaims, offset: int) -> None:
    day = c.valid_from + timedelta(days=offset)
    assert c.is_valid_on(day) == (day in set(c.valid_days()))


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"pass_id": -1}, ValueError),
        ({"edition_id": 2**63}, ValueError),
        ({"serial": True}, ValueError),
        ({"kind": 99}, ValueError),
        ({"valid_from": date(1999, 12, 31)}, ValueError),
        ({"valid_from": date(2180, 1, 1), "valid_until": date(2180, 1, 1)}, ValueError),
        ({"valid_until": date(2025, 10, 28)}, ValueError),
        ({"valid_until": date(2025, 10, 29) + timedelta(days=MAX_DAYS)}, ValueError),
        ({"day_mask": 0}, ValueError),
        ({"day_mask": 0b1000}, ValueError),
        ({"valid_from": datetime(2025, 10, 29, tzinfo=UTC)}, TypeError),
    ],
)
def test_claims_validation(changes: dict, error: type[Exception]) -> None:
    fields = {
        "pass_id": 1,
        "edition_id": 1,
        "kind": PassKind.PRESS,
        "valid_from": date(2025, 10, 29),
        "valid_until": date(2025, 10, 31),
        "day_mask": None,
        "serial": 0,
    } | changes
    with pytest.raises(error):
        TokenClaims(**fields)


def test_kind_is_coerced_from_int() -> None:
    c = TokenClaims(1, 1, 6, date(2025, 1, 1), date(2025, 1, 1), None, 0)  # type: ignore[arg-type]
    assert c.kind is PassKind.ORGANISER
