"""The OpenAPI document's patterns accept exactly what the server's normalisers accept.

Strings are drawn from the characters that matter to each normaliser (every character of its
classes, the sound marks, and neighbours that are refused) so that both sides of the boundary
are met often; a pattern and its normaliser must agree on every one of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import marshmallow as ma
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from eventhub import control_characters, fields, japan
from eventhub.japan import patterns

#: Characters near each normaliser's classes: both sides of every boundary.
KANA = [chr(c) for c in range(0x3040, 0x3100)] + [chr(c) for c in range(0x31F0, 0x3200)]
HALF_WIDTH = [chr(c) for c in range(0xFF61, 0xFFA0)]
SQUARES = ["㌀", "㌔", "㋐", "㋾", "ゟ", "ヿ", "゛", "゜", "〶", "〒"]
SPACES = [" ", "\u3000", "\t", "\n", "\r", "\xa0", "\u2003", "\u200b", "\ufeff"]
DIGITS = [*"0123456789", *"０１２３４５６７８９", "①", "¹", "₃", "٣", "〇"]
HYPHENS = [*"-‐‑‒–—―−ー－ｰ~〜_/", "\u207b"]
OTHERS = [*"aAｱ漢字.()+", "\x00", "\x1f", "\x7f", "\u0301"]


def accepts(normaliser: Callable[[str], str], text: str) -> bool:
    try:
        normaliser(text)
    except ValueError:
        return False
    return True


def agree(pattern: str, normaliser: Callable[[str], str], text: str) -> None:
    # What a request carries never has a control character: the hook refuses it first.
    server = accepts(normaliser, text) and not control_characters.has_control(text)
    assert bool(re.search(pattern, text)) == server, (text, [hex(ord(c)) for c in text])


def strings(alphabet: list[str], max_size: int = 12) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(alphabet), max_size=max_size).map("".join)


def test_the_constants_are_what_the_normalisers_accept_now() -> None:
    """If this fails, run ``python -m eventhub.japan.patterns`` and paste its output."""
    derived = patterns.derive_spaces(), patterns.derive_furigana_pattern()
    assert derived == (patterns.SPACES, patterns.FURIGANA)
    derived = patterns.derive_postal_code_pattern(), patterns.derive_corporate_number_pattern()
    assert derived == (patterns.POSTAL_CODE, patterns.CORPORATE_NUMBER)


@settings(max_examples=600, deadline=None)
@given(strings(KANA + HALF_WIDTH + SQUARES + SPACES + OTHERS))
@example("とうきょう　たろう")
@example("ｶﾞｯｺｳ")
@example("ガ\u3099")
@example("カ\u3099")
@example(" ")
@example("ﾞ")
@example("カ\n")
def test_furigana_pattern_agrees_with_the_normaliser(text: str) -> None:
    agree(patterns.FURIGANA, japan.normalise_furigana, text)


@settings(max_examples=600, deadline=None)
@given(strings(DIGITS + HYPHENS + SPACES + SQUARES + OTHERS, max_size=11))
@example("100-0001")
@example("〒 １００－０００１ ")
@example("1000001")
@example("100--0001")
@example("10-00001")
def test_postal_code_pattern_agrees_with_the_normaliser(text: str) -> None:
    agree(patterns.POSTAL_CODE, japan.normalise_postal_code, text)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(patterns.POSTAL_CODE, fullmatch=True))
def test_every_postal_code_the_pattern_generates_is_accepted(text: str) -> None:
    assert japan.normalise_postal_code(text)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(patterns.FURIGANA, fullmatch=True))
def test_every_reading_the_pattern_generates_is_accepted(text: str) -> None:
    # Spaces collapse and NFKC may lengthen; the reading itself is always accepted.
    assert japan.normalise_furigana(text)


def _with_check_digit(body: str) -> str:
    return f"{japan.corporate_number_check_digit(body)}{body}"


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from([*DIGITS, *HYPHENS, *SPACES]), min_size=10, max_size=20).map("".join)
)
@example("7000012050002")
@example("7-0000-1205-0002")
def test_corporate_number_pattern_is_the_shape_the_normaliser_accepts(text: str) -> None:
    """The pattern states the shape; the check digit is the only thing it leaves to the server
    (and the field's description says so)."""
    cleaned = re.sub(r"[-\s]", "", unicodedata.normalize("NFKC", text).translate(japan_hyphens()))
    shaped = bool(re.fullmatch(r"[0-9]{13}", cleaned)) and not control_characters.has_control(text)
    assert bool(re.search(patterns.CORPORATE_NUMBER, text)) == shaped, text
    if shaped:
        fixed = _with_check_digit(cleaned[1:])
        assert japan.normalise_corporate_number(fixed) == fixed


def japan_hyphens() -> dict[int, str]:
    from eventhub.japan.numbers import _HYPHENS

    return _HYPHENS


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=8) | strings(SPACES + OTHERS))
@example("")
@example(" \u3000\t")
@example("a\x01")
def test_the_not_blank_pattern_is_what_one_line_text_accepts(text: str) -> None:
    field = fields.Text(max_length=100)
    try:
        field.deserialize(text)
        server = not control_characters.has_control(text)
    except ma.ValidationError:
        server = False
    pattern = fields.Text.openapi["pattern"]
    assert bool(re.search(pattern, text)) == server, [hex(ord(c)) for c in text]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=8))
@example("\x00")
@example("\x9f")
@example("\t\n\r")
def test_no_controls_is_what_the_request_hook_lets_through(text: str) -> None:
    assert bool(re.search(fields.NO_CONTROLS, text)) == (not control_characters.has_control(text))


@pytest.mark.parametrize(
    "pattern", [patterns.FURIGANA, patterns.POSTAL_CODE, patterns.CORPORATE_NUMBER]
)
def test_the_patterns_use_only_what_ecma_262_reads_alike(pattern: str) -> None:
    """JSON Schema's patterns are ECMA-262's: \\uXXXX escapes, classes, groups, ^ and $."""
    assert pattern.startswith("^")
    assert pattern.endswith("$")
    assert not re.search(r"\\[dswDSWpPAZ]|\\U|\(\?[^:]", pattern)
