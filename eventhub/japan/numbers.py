"""Corporate numbers (法人番号), postal codes and phone numbers as users type them."""

from __future__ import annotations

import re
import unicodedata

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
    """Raised for a string that is not a Japanese phone number."""


# What Japanese users type for a hyphen, as it looks after NFKC: ASCII, the
# Unicode hyphens and dashes, the minus sign, and the long vowel mark ー that
# Japanese IMEs produce for the hyphen key.
_HYPHENS = str.maketrans(dict.fromkeys("‐‑‒–—―−ー", "-"))

_CORPORATE_NUMBER_RE = re.compile(r"[0-9]{13}")
_POSTAL_CODE_RE = re.compile(r"([0-9]{3})-?([0-9]{4})")
_PHONE_SEPARATORS_RE = re.compile(r"[-\s()]+")

# Mobile (070/080/090), IP phone (050) and 0800 toll-free numbers have 11
# digits; 0800 is covered by 080.
_ELEVEN_DIGIT_PREFIXES = ("050", "070", "080", "090")
# Prefixes that never start a 10-digit number (020 and 060 are 11-digit
# services or unassigned).
_NOT_TEN_DIGIT_PREFIXES = ("020", "050", "060", "070", "080", "090")


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
    """A Japanese phone number in ASCII, keeping the user's grouping.

    "０３－１２３４－５６７８" → "03-1234-5678", "+81 90 1234 5678" →
    "090-1234-5678", "0312345678" stays ungrouped. Spaces and parentheses
    separate groups as hyphens do, since "03(1234)5678" is a common way of
    writing 03-1234-5678.
    """
    text = _clean(s)
    international = text.startswith("+81")
    if international:
        # People often keep the trunk 0 in brackets: +81 (0)3-1234-5678.
        text = text.removeprefix("+81").lstrip(" -").removeprefix("(0)")
    groups = [g for g in _PHONE_SEPARATORS_RE.split(text) if g]
    if not groups or not all(g.isascii() and g.isdigit() for g in groups):
        raise InvalidPhoneNumber(f"not a phone number: {s!r}")
    if international and not groups[0].startswith("0"):
        groups[0] = "0" + groups[0]
    digits = "".join(groups)
    if len(digits) == 11:
        valid = digits.startswith(_ELEVEN_DIGIT_PREFIXES)
    elif len(digits) == 10:
        valid = (
            digits[0] == "0" and digits[1] != "0" and not digits.startswith(_NOT_TEN_DIGIT_PREFIXES)
        )
    else:
        valid = False
    if not valid:
        raise InvalidPhoneNumber(
            f"not a Japanese phone number: {s!r} (expected 10 digits as "
            "03-1234-5678, or 11 for 070/080/090/050/0800 numbers)"
        )
    return "-".join(groups)
