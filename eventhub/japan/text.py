"""Width, kana and whitespace normalisation, and the report's way of writing counts."""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "InvalidFurigana",
    "approximate",
    "approximate_label",
    "approximate_label_en",
    "format_count",
    "normalise",
    "normalise_furigana",
    "to_katakana",
]


class InvalidFurigana(ValueError):  # noqa: N818 - public API name, reads as an error
    """Raised for a reading that is not written in kana."""


# Python's \s is Unicode-aware, so this also catches U+3000 (全角スペース) and
# any other space NFKC leaves alone.
_WHITESPACE_RE = re.compile(r"\s+")

# Hiragana and katakana sit 0x60 apart in these blocks; the iteration marks
# ゝゞ are outside the run but map the same way to ヽヾ.
_HIRAGANA_TO_KATAKANA = {cp: cp + 0x60 for cp in range(0x3041, 0x3097)}
_HIRAGANA_TO_KATAKANA |= {0x309D: 0x30FD, 0x309E: 0x30FE}

# Katakana ァ..ヺ, the middle dot ・, the long vowel mark ー, the iteration marks
# ヽヾ, the small katakana used for Ainu, and the ASCII space normalise leaves
# between words.
_FURIGANA_RE = re.compile(r"[\u30A1-\u30FA\u30FB\u30FC\u30FD\u30FE\u31F0-\u31FF ]+")


def normalise(s: str) -> str:
    """NFKC, then trim and collapse whitespace runs to one ASCII space.

    NFKC turns full-width ASCII into ASCII and half-width katakana into
    full-width, which is what users mean whichever keyboard they used.
    """
    return _WHITESPACE_RE.sub(" ", unicodedata.normalize("NFKC", s)).strip()


def to_katakana(s: str) -> str:
    """Hiragana to katakana; every other character is left as it is."""
    return s.translate(_HIRAGANA_TO_KATAKANA)


def normalise_furigana(s: str) -> str:
    """Normalise a reading to katakana, e.g. "とうきょう　たろう" → "トウキョウ タロウ"."""
    result = to_katakana(normalise(s))
    # An empty reading is rejected too: a caller with an optional field should
    # not call this for a missing value.
    if not _FURIGANA_RE.fullmatch(result):
        raise InvalidFurigana(f"furigana must be written in kana: {s!r}")
    return result


def format_count(n: int) -> str:
    """With thousands separators, as in the report: 4200 → "4,200"."""
    return f"{n:,}"


def approximate(n: int) -> int:
    """Round a count the way the results report does (約4,200人).

    Two significant figures from 1,000 up (4,243 → 4,200; 12,345 → 12,000),
    the nearest ten below that (487 → 490), halves rounded up. Counts below 10
    are returned as they are, since rounding 4 visitors to "約0人" would be false.
    """
    if n < 0:
        raise ValueError(f"a count cannot be negative: {n}")
    if n < 10:
        return n
    unit = 10 if n < 1000 else 10 ** (len(str(n)) - 2)
    # Integer arithmetic: round() would round halves to even.
    return (n + unit // 2) // unit * unit


def approximate_label(n: int) -> str:
    """E.g. "約4,200人"."""
    return f"約{format_count(approximate(n))}人"


def approximate_label_en(n: int) -> str:
    """E.g. "about 4,200"."""
    return f"about {format_count(approximate(n))}"
