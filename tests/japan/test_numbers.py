import random

import pytest

from eventhub.japan.numbers import (
    InvalidCorporateNumber,
    InvalidPhoneNumber,
    InvalidPostalCode,
    corporate_number_check_digit,
    is_valid_corporate_number,
    normalise_corporate_number,
    normalise_phone,
    normalise_postal_code,
)

FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")

# 国税庁's own corporate number, as published.
NTA = "7000012050002"


def check_digit(body: str) -> int:
    """Written independently of the module, from the NTA's formula read left to
    right: in a 12-digit body the leftmost digit is P12, so the digit at index i
    is P(12 - i) and weighs 2 when 12 - i is even.
    """
    weights = [2 if (12 - i) % 2 == 0 else 1 for i in range(12)]
    total = sum(w * int(c) for w, c in zip(weights, body, strict=True))
    return 9 - total % 9


def with_check_digit(body: str) -> str:
    return f"{check_digit(body)}{body}"


def _random_bodies(count: int) -> list[str]:
    rng = random.Random(20240401)
    return [f"{rng.randrange(10**12):012d}" for _ in range(count)]


def test_the_independent_check_digit_agrees_with_a_published_number() -> None:
    assert with_check_digit(NTA[1:]) == NTA


@pytest.mark.parametrize("body", [*_random_bodies(50), "000000000000", "999999999999"])
def test_check_digit_matches_independent_computation(body: str) -> None:
    assert corporate_number_check_digit(body) == check_digit(body)
    number = with_check_digit(body)
    assert is_valid_corporate_number(number)
    assert normalise_corporate_number(number) == number


@pytest.mark.parametrize("body", _random_bodies(20))
def test_every_other_first_digit_is_invalid(body: str) -> None:
    right = check_digit(body)
    for first in range(10):
        number = f"{first}{body}"
        assert is_valid_corporate_number(number) is (first == right)


@pytest.mark.parametrize(
    "text",
    [
        NTA,
        "5010401067252",
        NTA.translate(FULL_WIDTH),
        "７０００ ０１２０ ５０００２",
        " 7000012050002 ",
        "7-0000-1205-0002",
        "7000 0120 50002",
        "７－００００－１２０５－０００２",
        "7ー0000ー1205ー0002",
    ],
)
def test_valid_corporate_numbers(text: str) -> None:
    assert is_valid_corporate_number(text)
    result = normalise_corporate_number(text)
    assert len(result) == 13
    assert result.isascii()
    assert result.isdigit()
    assert int(result[0]) == check_digit(result[1:])


@pytest.mark.parametrize("first", [d for d in "012345689"])
def test_nta_number_with_its_first_digit_changed_is_invalid(first: str) -> None:
    number = first + NTA[1:]
    assert not is_valid_corporate_number(number)
    with pytest.raises(InvalidCorporateNumber, match="check digit"):
        normalise_corporate_number(number)


@pytest.mark.parametrize(
    "text",
    [
        "",
        NTA[:-1],  # 12 digits
        NTA + "0",  # 14 digits
        "700001205000A",
        "T7000012050002",  # an invoice registration number is not a corporate number
        "abcdefghijklm",
        "٧٠٠٠٠١٢٠٥٠٠٠٢",  # Arabic-Indic digits: NFKC keeps them
        "7000012050002.0",
    ],
)
def test_malformed_corporate_numbers(text: str) -> None:
    assert not is_valid_corporate_number(text)
    with pytest.raises(InvalidCorporateNumber, match="13 digits"):
        normalise_corporate_number(text)


def test_check_digit_needs_twelve_digits() -> None:
    with pytest.raises(InvalidCorporateNumber):
        corporate_number_check_digit("123")


def test_error_types_are_value_errors() -> None:
    for error in (InvalidCorporateNumber, InvalidPostalCode, InvalidPhoneNumber):
        assert issubclass(error, ValueError)


@pytest.mark.parametrize(
    "text",
    [
        "100-0001",
        "1000001",
        "〒100-0001",
        "〒 100-0001",
        "〒1000001",
        "１００－０００１",
        "〒１００－０００１",
        "１０００００１",
        "100ー0001",
        "100‐0001",
        "100−0001",
        "100ｰ0001",
        " 100-0001\u3000",
    ],
)
def test_postal_codes(text: str) -> None:
    assert normalise_postal_code(text) == "100-0001"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "100-000",
        "10000011",
        "10-00001",
        "1000-001",
        "100--0001",
        "abc-defg",
        "100 0001",
        "〒",
        "100-0001〒",
    ],
)
def test_invalid_postal_codes(text: str) -> None:
    with pytest.raises(InvalidPostalCode, match="7 digits"):
        normalise_postal_code(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03-1234-5678", "03-1234-5678"),
        ("０３－１２３４－５６７８", "03-1234-5678"),
        ("０３１２３４５６７８", "03-1234-5678"),
        ("03ー1234ー5678", "03-1234-5678"),
        ("03−1234−5678", "03-1234-5678"),
        ("03 1234 5678", "03-1234-5678"),
        ("(03) 1234-5678", "03-1234-5678"),
        ("03(1234)5678", "03-1234-5678"),
        ("（０３）１２３４－５６７８", "03-1234-5678"),
        ("0476-12-3456", "0476-12-3456"),
        ("090-1234-5678", "090-1234-5678"),
        ("09012345678", "090-1234-5678"),
        ("080-1234-5678", "080-1234-5678"),
        ("070-1234-5678", "070-1234-5678"),
        ("050-1234-5678", "050-1234-5678"),
        ("0120-123-456", "0120-123-456"),
        ("0800-123-4567", "0800-123-4567"),
        ("+81 3-1234-5678", "03-1234-5678"),
        ("+81-3-1234-5678", "03-1234-5678"),
        ("+81312345678", "03-1234-5678"),
        ("0312345678", "03-1234-5678"),
        ("+81 (0)3-1234-5678", "03-1234-5678"),
        ("+81 90 1234 5678", "090-1234-5678"),
        ("＋８１　９０－１２３４－５６７８", "090-1234-5678"),
        ("+819012345678", "090-1234-5678"),
        # Foreign numbers, written internationally, are stored in E.164.
        ("+1 212-555-0100", "+12125550100"),
        ("+44 20 7946 0958", "+442079460958"),
        ("＋３３　１　４２　６８　５３　００", "+33142685300"),
    ],
)
def test_phone_numbers(text: str, expected: str) -> None:
    assert normalise_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "03-1234-567",  # 9 digits
        "03-1234-56789",  # 11 digits, not a mobile prefix
        "090-1234-567",  # mobile numbers have 11 digits
        "0800-123-456",  # so do 0800 numbers
        "1234567890",  # no leading 0
        "0012345678",  # 00 is the international call prefix
        "+1 212 555 01",  # too short for the United States
        "+999 1234 5678",  # no such country code
        "212-555-0100",  # a foreign number without its country code is read as Japanese
        "03-1234-5678 ext 9",
        "03-1234-567８a",
        "+81",
    ],
)
def test_invalid_phone_numbers(text: str) -> None:
    with pytest.raises(InvalidPhoneNumber):
        normalise_phone(text)
