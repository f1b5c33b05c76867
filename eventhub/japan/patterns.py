"""Regular expressions stating, for the OpenAPI document, what the normalisers accept.

Each pattern is derived from the normaliser itself, not written by hand: every character of the
Basic Multilingual Plane is run through it, alone and before each voiced sound mark, and the
pattern is built from the classes of characters it accepts (kana, spaces, digits, hyphens, 〒).
So the document cannot drift from the server: a string matches the pattern exactly when the
normaliser accepts it (tests/japan/test_patterns.py checks both ways with random strings).

Deriving them takes about a second, too long for every process's start, so the patterns the
document states are the constants below; the tests derive them again and fail if the two
differ (``python -m eventhub.japan.patterns`` prints the constants afresh).

Two corners are left out, where a pattern of single characters cannot follow NFKC: a character
that stands for several digits (⑩ → "10") and characters outside the Basic Multilingual Plane
(🈀 → "ほか"). The server accepts those, the pattern does not; nobody types them for a postal
code or a reading.

The patterns are written with ``\\uXXXX`` escapes, anchored with ``^`` and ``$``, so that
ECMA-262 (JSON Schema's dialect) and Python's ``re`` read them alike.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable

from eventhub.japan.numbers import _HYPHENS
from eventhub.japan.text import normalise_furigana

__all__ = [
    "CORPORATE_NUMBER",
    "FURIGANA",
    "POSTAL_CODE",
    "SPACES",
    "derive_corporate_number_pattern",
    "derive_furigana_pattern",
    "derive_postal_code_pattern",
    "derive_spaces",
]

#: Characters no request may carry (eventhub.control_characters): never part of a pattern.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

#: The combining voiced and semi-voiced sound marks, as NFKC writes them (゙ ゚).
_VOICED = "\u3099"
_SEMI_VOICED = "\u309a"


@functools.cache
def _characters() -> tuple[str, ...]:
    """Every character of the BMP a request may carry."""
    return tuple(
        c
        for c in map(chr, range(0x10000))
        if not _CONTROLS.match(c) and unicodedata.category(c) != "Cn"
    )


def _select(test: Callable[[str], bool]) -> list[str]:
    return [c for c in _characters() if test(c)]


def _char_class(chars: Iterable[str], *, negate: bool = False) -> str:
    """A character class of ``chars`` as ranges of \\uXXXX escapes."""
    points = sorted({ord(c) for c in chars})
    ranges: list[tuple[int, int]] = []
    for point in points:
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    body = "".join(
        f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges
    )
    return f"[{'^' if negate else ''}{body}]"


def _accepts(normaliser: Callable[[str], str], text: str) -> bool:
    try:
        normaliser(text)
    except ValueError:
        return False
    return True


def _nfkc(c: str) -> str:
    return unicodedata.normalize("NFKC", c)


def _is_nfkc_of(target: str, c: str) -> bool:
    return _nfkc(c) == target


@functools.cache
def _whitespace_chars() -> tuple[str, ...]:
    """Characters that are white space once NFKC has run: trimmed, or one space between words."""
    return tuple(_select(lambda c: _nfkc(c) != "" and _nfkc(c).isspace()))


def _whitespace_class() -> str:
    return _char_class(_whitespace_chars())


@functools.cache
def derive_furigana_pattern() -> str:
    """What ``japan.normalise_furigana`` accepts: kana in any width, hiragana or katakana, with
    spaces between words; at least one kana."""
    kana = _select(lambda c: _accepts(normalise_furigana, c))
    marks = {
        mark: _select(functools.partial(_is_nfkc_of, mark))  # ゙ and ﾞ, ゚ and ﾟ
        for mark in (_VOICED, _SEMI_VOICED)
    }
    # A kana followed by a separate sound mark that NFKC joins to it (ｶﾞ → ガ).
    joined = [
        _char_class(c for c in kana if _accepts(normalise_furigana, c + mark)) + _char_class(chars)
        for mark, chars in marks.items()
    ]
    letter = "(?:" + "|".join([_char_class(kana), *joined]) + ")"
    space = _whitespace_class()
    return f"^{space}*{letter}(?:{letter}|{space})*$"


@functools.cache
def _digits() -> str:
    return _char_class(_select(lambda c: len(_nfkc(c)) == 1 and _nfkc(c) in "0123456789"))


@functools.cache
def _hyphens() -> list[str]:
    return _select(lambda c: _nfkc(c).translate(_HYPHENS) == "-")


@functools.cache
def derive_postal_code_pattern() -> str:
    """What ``japan.normalise_postal_code`` accepts: 7 digits in any width, a hyphen (or a
    dash, or ー) after the third if you like, and 〒 before them if you like."""
    space = _whitespace_class()
    mark = _char_class(_select(lambda c: _nfkc(c) == "〒"))
    digit = _digits()
    return (
        f"^{space}*(?:{mark}{space}*)?{digit}{{3}}{_char_class(_hyphens())}?{digit}{{4}}{space}*$"
    )


@functools.cache
def derive_corporate_number_pattern() -> str:
    """The shape ``japan.normalise_corporate_number`` accepts: 13 digits in any width, with
    spaces and hyphens anywhere. (The check digit is beyond a pattern: the field says so.)"""
    # Python's \s, which the normaliser removes, is what str.isspace() says.
    separator = _char_class([*_whitespace_chars(), *_hyphens()])
    return f"^{separator}*(?:{_digits()}{separator}*){{13}}$"


def derive_spaces() -> str:
    """The characters ``str.strip`` trims, as a character class (controls left out)."""
    return _char_class(_select(str.isspace))


def _constants() -> str:
    """The constants' source, as derived now."""
    lines = []
    for name, derive in (
        ("SPACES", derive_spaces),
        ("FURIGANA", derive_furigana_pattern),
        ("POSTAL_CODE", derive_postal_code_pattern),
        ("CORPORATE_NUMBER", derive_corporate_number_pattern),
    ):
        pattern = derive()
        # Wrapped at the line length between escapes; the pieces join into one string.
        pieces = [""]
        for token in re.findall(r"\\u[0-9a-f]{4}|.", pattern):
            if len(pieces[-1]) + len(token) > 84:
                pieces.append("")
            pieces[-1] += token
        body = "\n".join(f'    r"{piece}"' for piece in pieces)
        lines.append(f"{name} = (\n{body}\n)")
    return "\n".join(lines)


# fmt: off
# Generated by ``python -m eventhub.japan.patterns``; tests/japan/test_patterns.py checks them.
SPACES = (
    r"[\u0009-\u000a\u000d\u0020\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]"
)
FURIGANA = (
    r"^[\u0009-\u000a\u000d\u0020\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]"
    r"*(?:[\u3041-\u3096\u309d-\u309f\u30a1-\u30ff\u31f0-\u31ff\u32d0-\u32fe\u3300-\u3357"
    r"\uff65-\uff9d]|[\u3046\u304b\u304d\u304f\u3051\u3053\u3055\u3057\u3059\u305b\u305d"
    r"\u305f\u3061\u3064\u3066\u3068\u306f\u3072\u3075\u3078\u307b\u309d\u30a6\u30ab\u30ad"
    r"\u30af\u30b1\u30b3\u30b5\u30b7\u30b9\u30bb\u30bd\u30bf\u30c1\u30c4\u30c6\u30c8\u30cf"
    r"\u30d2\u30d5\u30d8\u30db\u30ef-\u30f2\u30fd\u30ff\u32d2\u32d5-\u32e3\u32e9-\u32ed"
    r"\u32fb-\u32fe\u3300\u3305\u3309\u330c\u3317\u331c\u3322-\u3325\u3329-\u332c\u3330"
    r"\u3333\u3337-\u333a\u333c-\u333e\u3345-\u3346\u3357\uff66\uff73\uff76-\uff84\uff8a-"
    r"\uff8e\uff9c][\u3099\uff9e]|[\u306f\u3072\u3075\u3078\u307b\u30cf\u30d2\u30d5\u30d8"
    r"\u30db\u32e9-\u32ed\u3338\u3345\uff8a-\uff8e][\u309a\uff9f])(?:(?:[\u3041-\u3096"
    r"\u309d-\u309f\u30a1-\u30ff\u31f0-\u31ff\u32d0-\u32fe\u3300-\u3357\uff65-\uff9d]|["
    r"\u3046\u304b\u304d\u304f\u3051\u3053\u3055\u3057\u3059\u305b\u305d\u305f\u3061\u3064"
    r"\u3066\u3068\u306f\u3072\u3075\u3078\u307b\u309d\u30a6\u30ab\u30ad\u30af\u30b1\u30b3"
    r"\u30b5\u30b7\u30b9\u30bb\u30bd\u30bf\u30c1\u30c4\u30c6\u30c8\u30cf\u30d2\u30d5\u30d8"
    r"\u30db\u30ef-\u30f2\u30fd\u30ff\u32d2\u32d5-\u32e3\u32e9-\u32ed\u32fb-\u32fe\u3300"
    r"\u3305\u3309\u330c\u3317\u331c\u3322-\u3325\u3329-\u332c\u3330\u3333\u3337-\u333a"
    r"\u333c-\u333e\u3345-\u3346\u3357\uff66\uff73\uff76-\uff84\uff8a-\uff8e\uff9c][\u3099"
    r"\uff9e]|[\u306f\u3072\u3075\u3078\u307b\u30cf\u30d2\u30d5\u30d8\u30db\u32e9-\u32ed"
    r"\u3338\u3345\uff8a-\uff8e][\u309a\uff9f])|[\u0009-\u000a\u000d\u0020\u00a0\u1680"
    r"\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000])*$"
)
POSTAL_CODE = (
    r"^[\u0009-\u000a\u000d\u0020\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]"
    r"*(?:[\u3012\u3036][\u0009-\u000a\u000d\u0020\u00a0\u1680\u2000-\u200a\u2028-\u2029"
    r"\u202f\u205f\u3000]*)?[\u0030-\u0039\u00b2-\u00b3\u00b9\u2070\u2074-\u2079\u2080-"
    r"\u2089\u2460-\u2468\u24ea\uff10-\uff19]{3}[\u002d\u2010-\u2015\u207b\u208b\u2212"
    r"\u30fc\ufe31-\ufe32\ufe58\ufe63\uff0d\uff70]?[\u0030-\u0039\u00b2-\u00b3\u00b9\u2070"
    r"\u2074-\u2079\u2080-\u2089\u2460-\u2468\u24ea\uff10-\uff19]{4}[\u0009-\u000a\u000d"
    r"\u0020\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000]*$"
)
CORPORATE_NUMBER = (
    r"^[\u0009-\u000a\u000d\u0020\u002d\u00a0\u1680\u2000-\u200a\u2010-\u2015\u2028-\u2029"
    r"\u202f\u205f\u207b\u208b\u2212\u3000\u30fc\ufe31-\ufe32\ufe58\ufe63\uff0d\uff70]*(?:"
    r"[\u0030-\u0039\u00b2-\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u24ea"
    r"\uff10-\uff19][\u0009-\u000a\u000d\u0020\u002d\u00a0\u1680\u2000-\u200a\u2010-\u2015"
    r"\u2028-\u2029\u202f\u205f\u207b\u208b\u2212\u3000\u30fc\ufe31-\ufe32\ufe58\ufe63"
    r"\uff0d\uff70]*){13}$"
)
# fmt: on

if __name__ == "__main__":
    print(_constants())  # noqa: T201  (the tool's output)
