"""Corporate numbers (法人番号), postal codes and phone numbers as users type them."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

__all__ = [
    "InvalidCorporateNumber",
    "InvalidPhoneNumber",
    "InvalidPostalCode",
    "corporate_number_check_digit",
    "is_valid_corporate_number",
    "normalise_corporate_number",
    "normalise_phone",
    "normalise_postal_code",
]


class InvalidCorporateNumber(ValueError):  # noqa: N818 - public API name, reads as an error
    """Raised for a string that is not a 13-digit corporate number."""


class InvalidPostalCode(ValueError):  # noqa: N818 - public API name, reads as an error
    """Raised for a string that is not a 7-digit postal code."""


class InvalidPhoneNumber(ValueError):  # noqa: N818 - public API name, reads as an error
    """Raised for a string that is not a valid phone number."""


# What Japanese users type for a hyphen, as it looks after NFKC: ASCII, the
# Unicode hyphens and dashes, the minus sign, and the long vowel mark ー that
# Japanese IMEs produce for the hyphen key.
_HYPHENS = str.maketrans(dict.fromkeys("‐‑‒–—―−ー", "-"))

_CORPORATE_NUMBER_RE = re.compile(r"[0-9]{13}")
_POSTAL_CODE_RE = re.compile(r"([0-9]{3})-?([0-9]{4})")

#: Digits and the separators people write between them, with an optional leading +.
_PHONE_RE = re.compile(r"\+?[0-9 ()\-.]+")
#: The country calling code of Japan.
_JAPAN = 81


def _clean(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip().translate(_HYPHENS)


def corporate_number_check_digit(body: str) -> int:
    """The check digit for the last 12 digits of a corporate number.

    From the rightmost digit (n = 1) leftwards, digits at odd n weigh 1 and
    at even n weigh 2; the check digit is 9 - (weighted sum mod 9).
    """
    if not (len(body) == 12 and body.isascii() and body.isdigit()):
        raise InvalidCorporateNumber(f"expected 12 digits, got {body!r}")
    total = sum(int(digit) * (1 if n % 2 else 2) for n, digit in enumerate(reversed(body), start=1))
    return 9 - total % 9


def normalise_corporate_number(s: str) -> str:
    """The 13 ASCII digits of a corporate number, e.g. "7000012050002".

    Full-width digits, spaces and hyphens are accepted; the check digit (the
    first digit) must match the other twelve.
    """
    digits = re.sub(r"[-\s]", "", _clean(s))
    if not _CORPORATE_NUMBER_RE.fullmatch(digits):
        raise InvalidCorporateNumber(f"a corporate number has 13 digits: {s!r}")
    if int(digits[0]) != corporate_number_check_digit(digits[1:]):
        raise InvalidCorporateNumber(
            f"wrong check digit in corporate number {s!r}: check for a typo"
        )
    return digits


def is_valid_corporate_number(s: str) -> bool:
    try:
        normalise_corporate_number(s)
    except InvalidCorporateNumber:
        return False
    return True


def normalise_postal_code(s: str) -> str:
    """A postal code as "100-0001", from "1000001", "〒100-0001", "１００－０００１"."""
    text = _clean(s).removeprefix("〒").lstrip()
    match = _POSTAL_CODE_RE.fullmatch(text)
    if match is None:
        raise InvalidPostalCode(f"a postal code has 7 digits, as 100-0001: {s!r}")
    return f"{match[1]}-{match[2]}"


def normalise_phone(s: str) -> str:
    """A phone number in the one form it is stored in, read with the ``phonenumbers`` library.

    A Japanese number, written nationally or with +81, is stored in the national format with
    hyphens, as Japanese forms and the report write it: "０３（１２３４）５６７８",
    "0312345678" and "+81 (0)3-1234-5678" all become "03-1234-5678", "+819012345678"
    becomes "090-1234-5678". A foreign number must start with + and its country code; it is
    stored in E.164, "+44 20 7946 0958" → "+442079460958" (at most 16 characters).
    Numbers the library does not know as valid, and numbers with an extension, are refused.
    """
    text = _clean(s)
    # The library reads letters as keypad digits and drops trailing text: allow neither.
    if not _PHONE_RE.fullmatch(text):
        raise InvalidPhoneNumber(f"not a phone number: {s!r}")
    try:
        number = phonenumbers.parse(text, "JP")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"not a phone number: {s!r}") from exc
    if number.extension or not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(
            f"not a valid phone number: {s!r} (expected a Japanese number such as "
            "03-1234-5678, or a foreign one starting with + and its country code)"
        )
    if number.country_code == _JAPAN:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
