"""Japan's 47 prefectures (都道府県) by their JIS X 0401 codes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from eventhub.japan.text import normalise, to_katakana

__all__ = [
    "PREFECTURES",
    "Prefecture",
    "PrefectureKind",
    "UnknownPrefecture",
    "collective_word",
    "describe_prefectures",
    "describe_prefectures_en",
    "find_prefecture",
    "prefecture",
]


class UnknownPrefecture(ValueError):  # noqa: N818 - public API name, reads as an error
    """Raised for a code or name that is not one of the 47 prefectures."""


class PrefectureKind(StrEnum):
    # Declared in the order the collective word lists them (都道府県), which
    # collective_word relies on.
    TO = "都"
    DO = "道"
    FU = "府"
    KEN = "県"


# The kana of each suffix, so a reading can be matched with or without it.
_KANA_SUFFIX = {
    PrefectureKind.TO: "ト",
    PrefectureKind.FU: "フ",
    PrefectureKind.KEN: "ケン",
}


@dataclass(frozen=True)
class Prefecture:
    code: int
    #: Full kanji name with its suffix, e.g. "東京都".
    name: str
    #: Reading of the full name in katakana, e.g. "トウキョウト".
    kana: str
    #: Hepburn without macrons, e.g. "Tokyo"; what English text prints.
    romaji: str
    kind: PrefectureKind

    @property
    def short(self) -> str:
        # 北海道 is the whole name, not 北海 + 道, so it keeps its last character.
        if self.kind is PrefectureKind.DO:
            return self.name
        return self.name[:-1]

    @property
    def kana_short(self) -> str:
        suffix = _KANA_SUFFIX.get(self.kind)
        if suffix is None:
            return self.kana
        return self.kana.removesuffix(suffix)

    @property
    def code_str(self) -> str:
        return f"{self.code:02d}"


# JIS X 0401 order: the code is the position in this list, counted from 1.
_DATA: tuple[tuple[str, str, str], ...] = (
    ("北海道", "ホッカイドウ", "Hokkaido"),
    ("青森県", "アオモリケン", "Aomori"),
    ("岩手県", "イワテケン", "Iwate"),
    ("宮城県", "ミヤギケン", "Miyagi"),
    ("秋田県", "アキタケン", "Akita"),
    ("山形県", "ヤマガタケン", "Yamagata"),
    ("福島県", "フクシマケン", "Fukushima"),
    ("茨城県", "イバラキケン", "Ibaraki"),
    ("栃木県", "トチギケン", "Tochigi"),
    ("群馬県", "グンマケン", "Gunma"),
    ("埼玉県", "サイタマケン", "Saitama"),
    ("千葉県", "チバケン", "Chiba"),
    ("東京都", "トウキョウト", "Tokyo"),
    ("神奈川県", "カナガワケン", "Kanagawa"),
    ("新潟県", "ニイガタケン", "Niigata"),
    ("富山県", "トヤマケン", "Toyama"),
    ("石川県", "イシカワケン", "Ishikawa"),
    ("福井県", "フクイケン", "Fukui"),
    ("山梨県", "ヤマナシケン", "Yamanashi"),
    ("長野県", "ナガノケン", "Nagano"),
    ("岐阜県", "ギフケン", "Gifu"),
    ("静岡県", "シズオカケン", "Shizuoka"),
    ("愛知県", "アイチケン", "Aichi"),
    ("三重県", "ミエケン", "Mie"),
    ("滋賀県", "シガケン", "Shiga"),
    ("京都府", "キョウトフ", "Kyoto"),
    ("大阪府", "オオサカフ", "Osaka"),
    ("兵庫県", "ヒョウゴケン", "Hyogo"),
    ("奈良県", "ナラケン", "Nara"),
    ("和歌山県", "ワカヤマケン", "Wakayama"),
    ("鳥取県", "トットリケン", "Tottori"),
    ("島根県", "シマネケン", "Shimane"),
    ("岡山県", "オカヤマケン", "Okayama"),
    ("広島県", "ヒロシマケン", "Hiroshima"),
    ("山口県", "ヤマグチケン", "Yamaguchi"),
    ("徳島県", "トクシマケン", "Tokushima"),
    ("香川県", "カガワケン", "Kagawa"),
    ("愛媛県", "エヒメケン", "Ehime"),
    ("高知県", "コウチケン", "Kochi"),
    ("福岡県", "フクオカケン", "Fukuoka"),
    ("佐賀県", "サガケン", "Saga"),
    ("長崎県", "ナガサキケン", "Nagasaki"),
    ("熊本県", "クマモトケン", "Kumamoto"),
    ("大分県", "オオイタケン", "Oita"),
    ("宮崎県", "ミヤザキケン", "Miyazaki"),
    ("鹿児島県", "カゴシマケン", "Kagoshima"),
    ("沖縄県", "オキナワケン", "Okinawa"),
)

PREFECTURES: tuple[Prefecture, ...] = tuple(
    Prefecture(
        code=i,
        name=name,
        kana=kana,
        romaji=romaji,
        kind=PrefectureKind(name[-1]),
    )
    for i, (name, kana, romaji) in enumerate(_DATA, start=1)
)

_CODE_RE = re.compile(r"[0-9]{1,2}")


def _build_index() -> dict[str, Prefecture]:
    index: dict[str, Prefecture] = {}
    for p in PREFECTURES:
        for key in (p.name, p.short, p.kana, p.kana_short, p.romaji.casefold()):
            # A collision would make a lookup silently pick one of two
            # prefectures; fail at import instead.
            if index.setdefault(key, p) is not p:
                raise AssertionError(f"ambiguous prefecture key {key!r}")
    return index


_INDEX = _build_index()


def prefecture(code: int | str) -> Prefecture:
    """Return the prefecture with JIS X 0401 ``code`` (13, "13", "１３", "01", "1")."""
    # bool is an int, but True meaning 北海道 would only ever be a bug.
    if isinstance(code, bool):
        raise UnknownPrefecture(f"not a prefecture code: {code!r}")
    number: int | None = None
    if isinstance(code, int):
        number = code
    else:
        text = normalise(code)
        if _CODE_RE.fullmatch(text):
            number = int(text)
    if number is None or not 1 <= number <= len(PREFECTURES):
        raise UnknownPrefecture(f"not a prefecture code: {code!r} (expected 01 to 47, JIS X 0401)")
    return PREFECTURES[number - 1]


def _strip_macrons(text: str) -> str:
    # Lets "Tōkyō" or "Kōchi" find the macron-less romaji we store.
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def find_prefecture(text: str) -> Prefecture | None:
    """Look up a prefecture by code, kanji name (with or without suffix),
    romaji (any case) or reading (katakana or hiragana); None if nothing matches.
    """
    key = normalise(text)
    if not key:
        return None
    if _CODE_RE.fullmatch(key):
        number = int(key)
        return PREFECTURES[number - 1] if 1 <= number <= len(PREFECTURES) else None
    for candidate in (key, to_katakana(key), _strip_macrons(key).casefold()):
        found = _INDEX.get(candidate)
        if found is not None:
            return found
    return None


def _distinct(codes: Iterable[int]) -> list[Prefecture]:
    found = {prefecture(code).code for code in codes}
    if not found:
        raise ValueError("a set of prefectures needs at least one prefecture")
    return [PREFECTURES[code - 1] for code in sorted(found)]


def _word(members: Iterable[Prefecture]) -> str:
    kinds = {p.kind for p in members}
    return "".join(kind.value for kind in PrefectureKind if kind in kinds)


def collective_word(codes: Iterable[int]) -> str:
    """The word for a set of prefectures: its kinds in the order 都, 道, 府, 県.

    All four give 都道府県; without Tokyo 道府県; without Hokkaido 都府県;
    prefectures only 県. Duplicates are ignored; an empty set is a ValueError.
    """
    return _word(_distinct(codes))


def describe_prefectures(codes: Iterable[int]) -> str:
    """E.g. "12道府県", as the results report writes it."""
    # Materialised once because codes may be a one-shot iterator.
    members = _distinct(codes)
    return f"{len(members)}{_word(members)}"


def describe_prefectures_en(codes: Iterable[int]) -> str:
    """E.g. "12 prefectures"; English has one word for all four kinds."""
    count = len(_distinct(codes))
    return f"{count} prefecture" if count == 1 else f"{count} prefectures"
