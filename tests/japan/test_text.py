import pytest

from eventhub.japan.text import (
    InvalidFurigana,
    approximate,
    approximate_label,
    approximate_label_en,
    format_count,
    normalise,
    normalise_furigana,
    to_katakana,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("ＡＢＣ１２３", "ABC123"),
        ("ｶﾞｲﾄﾞ", "ガイド"),
        ("  東京\u3000\u3000ビッグサイト  ", "東京 ビッグサイト"),
        ("a\t\nb", "a b"),
        ("\u3000", ""),
        ("株式会社　ＡＢＣ", "株式会社 ABC"),
        ("①", "1"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ひらがな", "ヒラガナ"),
        ("ぁぃぅぇぉっゃゅょゎ", "ァィゥェォッャュョヮ"),
        ("ゔゕゖ", "ヴヵヶ"),
        ("ゝゞ", "ヽヾ"),
        ("カタカナ", "カタカナ"),
        ("東京 とうきょう ABC ー・", "東京 トウキョウ ABC ー・"),
        ("", ""),
    ],
)
def test_to_katakana(text: str, expected: str) -> None:
    assert to_katakana(text) == expected


def test_to_katakana_covers_the_whole_hiragana_block() -> None:
    hiragana = "".join(chr(cp) for cp in range(0x3041, 0x3097))
    katakana = "".join(chr(cp) for cp in range(0x30A1, 0x30F7))
    assert to_katakana(hiragana) == katakana


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("とうきょう　たろう", "トウキョウ タロウ"),
        ("ﾄｳｷｮｳ ﾀﾛｳ", "トウキョウ タロウ"),
        ("ヤマダ・ハナコ", "ヤマダ・ハナコ"),
        ("すーぱー", "スーパー"),
        ("  カブシキガイシャ  ", "カブシキガイシャ"),
        ("ヴァイオリン", "ヴァイオリン"),
    ],
)
def test_normalise_furigana(text: str, expected: str) -> None:
    assert normalise_furigana(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "東京", "tokyo", "ヤマダ1", "ヤマダ!", "ヤマダ（株）"])
def test_invalid_furigana(text: str) -> None:
    with pytest.raises(InvalidFurigana, match="kana"):
        normalise_furigana(text)


def test_invalid_furigana_is_a_value_error() -> None:
    assert issubclass(InvalidFurigana, ValueError)


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0"), (999, "999"), (1000, "1,000"), (4200, "4,200"), (1234567, "1,234,567")],
)
def test_format_count(n: int, text: str) -> None:
    assert format_count(n) == text


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, 0),
        (4, 4),
        (9, 9),
        (10, 10),
        (14, 10),
        (15, 20),
        (324, 320),
        (484, 480),
        (485, 490),
        (487, 490),
        (994, 990),
        (995, 1000),
        (999, 1000),
        (1000, 1000),
        (1049, 1000),
        (1050, 1100),
        (3960, 4000),
        (4000, 4000),
        (4243, 4200),
        (4250, 4300),
        (9950, 10000),
        (12345, 12000),
        (12500, 13000),
        (99500, 100000),
        (123456, 120000),
    ],
)
def test_approximate(n: int, expected: int) -> None:
    assert approximate(n) == expected


def test_approximate_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match="negative"):
        approximate(-1)


@pytest.mark.parametrize(
    ("n", "ja", "en"),
    [
        (4243, "約4,200人", "about 4,200"),
        (3960, "約4,000人", "about 4,000"),
        (487, "約490人", "about 490"),
        (12345, "約12,000人", "about 12,000"),
    ],
)
def test_approximate_labels(n: int, ja: str, en: str) -> None:
    assert approximate_label(n) == ja
    assert approximate_label_en(n) == en
