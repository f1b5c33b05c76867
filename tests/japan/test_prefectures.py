import itertools
import re

import pytest

from eventhub.japan.prefectures import (
    PREFECTURES,
    Prefecture,
    PrefectureKind,
    UnknownPrefecture,
    collective_word,
    describe_prefectures,
    describe_prefectures_en,
    find_prefecture,
    prefecture,
)

ROMAJI = [
    "Hokkaido",
    "Aomori",
    "Iwate",
    "Miyagi",
    "Akita",
    "Yamagata",
    "Fukushima",
    "Ibaraki",
    "Tochigi",
    "Gunma",
    "Saitama",
    "Chiba",
    "Tokyo",
    "Kanagawa",
    "Niigata",
    "Toyama",
    "Ishikawa",
    "Fukui",
    "Yamanashi",
    "Nagano",
    "Gifu",
    "Shizuoka",
    "Aichi",
    "Mie",
    "Shiga",
    "Kyoto",
    "Osaka",
    "Hyogo",
    "Nara",
    "Wakayama",
    "Tottori",
    "Shimane",
    "Okayama",
    "Hiroshima",
    "Yamaguchi",
    "Tokushima",
    "Kagawa",
    "Ehime",
    "Kochi",
    "Fukuoka",
    "Saga",
    "Nagasaki",
    "Kumamoto",
    "Oita",
    "Miyazaki",
    "Kagoshima",
    "Okinawa",
]

KATAKANA_RE = re.compile(r"[\u30A1-\u30FA\u30FC]+")

# One representative per kind, for building every combination of kinds.
REPRESENTATIVE = {
    PrefectureKind.TO: 13,
    PrefectureKind.DO: 1,
    PrefectureKind.FU: 27,
    PrefectureKind.KEN: 23,
}
KIND_ORDER = "都道府県"


def test_there_are_47_in_jis_order() -> None:
    assert len(PREFECTURES) == 47
    assert [p.code for p in PREFECTURES] == list(range(1, 48))
    assert PREFECTURES[0].name == "北海道"
    assert PREFECTURES[-1].name == "沖縄県"


def test_romaji_in_jis_order() -> None:
    assert [p.romaji for p in PREFECTURES] == ROMAJI


@pytest.mark.parametrize("attr", ["name", "short", "kana", "romaji", "code_str"])
def test_names_are_unique(attr: str) -> None:
    values = [getattr(p, attr) for p in PREFECTURES]
    assert len(set(values)) == 47


def test_kind_counts() -> None:
    by_kind = {kind: [p.code for p in PREFECTURES if p.kind is kind] for kind in PrefectureKind}
    assert by_kind[PrefectureKind.TO] == [13]
    assert by_kind[PrefectureKind.DO] == [1]
    assert by_kind[PrefectureKind.FU] == [26, 27]
    assert len(by_kind[PrefectureKind.KEN]) == 43


def test_kind_values_and_order() -> None:
    assert [k.value for k in PrefectureKind] == list(KIND_ORDER)
    assert str(PrefectureKind.KEN) == "県"
    assert PrefectureKind("県") is PrefectureKind.KEN


@pytest.mark.parametrize("p", PREFECTURES, ids=lambda p: p.romaji)
def test_each_prefecture_is_well_formed(p: Prefecture) -> None:
    assert p.name.endswith(p.kind.value)
    assert KATAKANA_RE.fullmatch(p.kana)
    assert re.fullmatch(r"[A-Z][a-z]+", p.romaji)
    assert p.code_str == f"{p.code:02d}"
    assert len(p.code_str) == 2


@pytest.mark.parametrize("p", PREFECTURES, ids=lambda p: p.romaji)
def test_every_code_round_trips(p: Prefecture) -> None:
    assert prefecture(p.code) is p
    assert prefecture(p.code_str) is p
    assert prefecture(str(p.code)) is p
    full_width = p.code_str.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert prefecture(full_width) is p
    assert prefecture(p.code).code == p.code


@pytest.mark.parametrize("p", PREFECTURES, ids=lambda p: p.romaji)
def test_every_prefecture_is_found_by_each_name(p: Prefecture) -> None:
    hiragana = p.kana.translate({cp: cp - 0x60 for cp in range(0x30A1, 0x30F7)})
    for text in (
        p.code_str,
        str(p.code),
        p.name,
        p.short,
        p.kana,
        hiragana,
        p.romaji,
        p.romaji.lower(),
        p.romaji.upper(),
        f"  {p.name}\u3000",
    ):
        assert find_prefecture(text) is p, text


@pytest.mark.parametrize(
    ("code", "name", "short", "kana", "code_str"),
    [
        (1, "北海道", "北海道", "ホッカイドウ", "01"),
        (13, "東京都", "東京", "トウキョウト", "13"),
        (14, "神奈川県", "神奈川", "カナガワケン", "14"),
        (26, "京都府", "京都", "キョウトフ", "26"),
        (27, "大阪府", "大阪", "オオサカフ", "27"),
        (47, "沖縄県", "沖縄", "オキナワケン", "47"),
    ],
)
def test_known_prefectures(code: int, name: str, short: str, kana: str, code_str: str) -> None:
    p = prefecture(code)
    assert (p.name, p.short, p.kana, p.code_str) == (name, short, kana, code_str)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("東京", 13),
        ("東京都", 13),
        ("tokyo", 13),
        ("TOKYO", 13),
        ("Tōkyō", 13),
        ("Kōchi", 39),
        ("トウキョウ", 13),
        ("とうきょうと", 13),
        ("ﾄｳｷｮｳﾄ", 13),
        ("１３", 13),
        ("京都", 26),
        ("キョウト", 26),
        ("北海道", 1),
        ("ほっかいどう", 1),
        ("大阪", 27),
        ("神奈川", 14),
        ("カナガワ", 14),
        ("1", 1),
        ("01", 1),
    ],
)
def test_find_prefecture(text: str, code: int) -> None:
    found = find_prefecture(text)
    assert found is not None
    assert found.code == code


@pytest.mark.parametrize(
    "text", ["", "   ", "0", "00", "48", "100", "Tokio", "東", "東京県", "Tokyo-to", "x"]
)
def test_find_prefecture_returns_none_for_unknown_text(text: str) -> None:
    assert find_prefecture(text) is None


@pytest.mark.parametrize(
    "code", [0, 48, -1, 100, "0", "48", "", " ", "abc", "東京", "1.0", "013", True]
)
def test_prefecture_rejects_unknown_codes(code: int | str) -> None:
    with pytest.raises(UnknownPrefecture, match="prefecture code"):
        prefecture(code)


def test_unknown_prefecture_is_a_value_error() -> None:
    assert issubclass(UnknownPrefecture, ValueError)


def _all_kind_subsets() -> list[tuple[PrefectureKind, ...]]:
    kinds = list(PrefectureKind)
    return [combo for r in range(1, 5) for combo in itertools.combinations(kinds, r)]


def test_there_are_15_kind_combinations() -> None:
    assert len(_all_kind_subsets()) == 15


@pytest.mark.parametrize("kinds", _all_kind_subsets(), ids=lambda ks: "".join(k.value for k in ks))
def test_collective_word_for_every_combination(kinds: tuple[PrefectureKind, ...]) -> None:
    expected = "".join(c for c in KIND_ORDER if c in {k.value for k in kinds})
    codes = [REPRESENTATIVE[k] for k in kinds]
    assert collective_word(codes) == expected
    # The order the codes come in does not matter.
    assert collective_word(reversed(codes)) == expected
    # Neither do more members of the same kinds.
    members = [p.code for p in PREFECTURES if p.kind in kinds]
    assert collective_word(members) == expected


@pytest.mark.parametrize(
    ("codes", "word"),
    [
        ({13, 1, 27, 23}, "都道府県"),
        ({1, 27, 23}, "道府県"),
        ({13, 27, 23}, "都府県"),
        ({26, 27, 23}, "府県"),
        ({23}, "県"),
        ({13}, "都"),
        ({13, 26}, "都府"),
        ({1, 2}, "道県"),
        ({1}, "道"),
        ({26, 27}, "府"),
        (range(1, 48), "都道府県"),
    ],
)
def test_collective_word_examples(codes: set[int], word: str) -> None:
    assert collective_word(codes) == word


def test_collective_word_ignores_duplicates() -> None:
    assert collective_word([23, 23, 23]) == "県"
    assert describe_prefectures([23, 23, 13, 13]) == "2都県"


def test_empty_set_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        collective_word([])
    with pytest.raises(ValueError, match="at least one"):
        describe_prefectures(set())
    with pytest.raises(ValueError, match="at least one"):
        describe_prefectures_en([])


def test_unknown_code_in_a_set_is_an_error() -> None:
    with pytest.raises(UnknownPrefecture):
        collective_word([13, 48])


def test_describe_prefectures_like_the_report() -> None:
    # 「令和3年度は、12道府県から…」: Hokkaido, a 府 and ten 県, no Tokyo.
    codes = [1, 26, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert describe_prefectures(codes) == "12道府県"
    assert describe_prefectures_en(codes) == "12 prefectures"
    assert describe_prefectures(range(1, 34)) == "33都道府県"
    assert describe_prefectures([13, 27, *range(2, 23)]) == "22都府県"


def test_describe_accepts_a_one_shot_iterator() -> None:
    assert describe_prefectures(iter([13, 1])) == "2都道"


@pytest.mark.parametrize(
    ("codes", "text"),
    [([13], "1 prefecture"), ([13, 13], "1 prefecture"), ([13, 1], "2 prefectures")],
)
def test_describe_prefectures_en(codes: list[int], text: str) -> None:
    assert describe_prefectures_en(codes) == text


def test_prefecture_is_frozen() -> None:
    p = prefecture(13)
    with pytest.raises(AttributeError):
        p.name = "x"  # type: ignore[misc]
