"""One neutral description of an edition, whether its figures come from eventhub's tallies or
were entered by hand, and the rule that decides which of the two the report uses for a year.

The sentences only ever see :class:`EditionFacts`, so one sentence form serves both sources.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from eventhub import japan
from eventhub.tallies.figures import EditionFigures

SERIES_ORDER = ("national-zone", "takumi", "mokucolle")


class Source(enum.StrEnum):
    #: Computed by eventhub's tallies from its own records.
    DATA = "data"
    #: Entered by hand from the records of a year before eventhub.
    ENTERED = "entered"


#: A printed prefecture figure: a count, then the collective word (its kinds in 都道府県 order).
PRINTED_PREFECTURES_RE = re.compile(r"([0-9]+)(都?道?府?県?)")
_MUNICIPALITY_PART_RE = re.compile(r"([0-9]+)(市|町|村|区)")
MUNICIPALITIES_RE = re.compile(r"(?:[0-9]+(?:市|町|村|区))+")
# At most this many prefectures of each kind exist: 1 都, 1 道, 2 府, 43 県.
_KIND_MAX = {"都": 1, "道": 1, "府": 2, "県": 43}


def check_printed_prefectures(text: str) -> str | None:
    """Why ``text`` cannot be a printed prefecture figure such as "33都道府県"; None if it can."""
    match = PRINTED_PREFECTURES_RE.fullmatch(text)
    if match is None or not match[2]:
        return "Write a count and its word, e.g. 33都道府県, 12道府県 or 4県."
    count, word = int(match[1]), match[2]
    most = sum(_KIND_MAX[k] for k in word)
    if not len(word) <= count <= most:
        # Each kind in the word stands for at least one member: 1都道府県 cannot be.
        return f"{count}{word} is impossible: {word} means {len(word)} to {most} prefectures."
    return None


def printed_prefecture_count(text: str) -> int:
    match = PRINTED_PREFECTURES_RE.fullmatch(text)
    assert match is not None  # stored values were checked on the way in
    return int(match[1])


def municipality_count(text: str) -> int:
    """The number of municipalities in a printed figure: "2市1町" → 3."""
    return sum(int(n) for n, _ in _MUNICIPALITY_PART_RE.findall(text))


@dataclass(frozen=True)
class EditionFacts:
    """What the report may say of one edition (held or cancelled), from either source."""

    source: Source
    series_slug: str
    fiscal_year: int
    #: Orders two editions of one fiscal year; the edition id for data.
    order: int
    #: First and last month held (first day of the month, Tokyo); None when unknown.
    held_from: date | None
    held_until: date | None
    venue_ja: str | None
    venue_en: str | None
    format: str
    cancelled: bool
    reason_ja: str | None
    reason_en: str | None
    exhibitors: int | None
    prefecture_codes: tuple[int, ...] | None
    prefectures_printed: str | None
    municipalities_ja: str | None
    visitors: int | None
    #: Printed with 約; data counts are rounded as the report rounds, entered ones as given.
    visitors_approximate: bool
    online_participants: int | None
    online_participants_approximate: bool
    business_meetings: int | None
    note_ja: str | None = None
    note_en: str | None = None
    figures: EditionFigures | None = None
    #: Another edition of the series shares the fiscal year: the line says its month and
    #: venue, as the published report tells such editions apart.
    twin: bool = False

    def says_nothing(self) -> bool:
        """True when nothing is known that the series' line could say of a held edition.

        The national zone and in-person takumi lines are about who exhibited: with neither a
        count nor the prefectures, the only sentence would be a false 「0企業・団体が出展」.
        The mokucolle line says when and where it was held, and an online takumi what it
        showed, so they always have something true to say.
        """
        if self.cancelled:
            return False
        if self.series_slug == "mokucolle" or (
            self.series_slug == "takumi" and self.format == "online"
        ):
            return False
        return not self.exhibitors and self.prefecture_count is None

    @property
    def sort_key(self) -> tuple[int, date, int]:
        return (self.fiscal_year, self.held_from or date(self.fiscal_year, 4, 1), self.order)

    @property
    def prefecture_count(self) -> int | None:
        if self.prefecture_codes:
            return len(self.prefecture_codes)
        if self.prefectures_printed:
            return printed_prefecture_count(self.prefectures_printed)
        return None

    def prefectures_ja(self) -> str | None:
        """E.g. "12道府県": derived from the codes, or as printed when only that is known."""
        if self.prefecture_codes:
            return japan.describe_prefectures(self.prefecture_codes)
        return self.prefectures_printed

    def prefectures_en(self) -> str | None:
        count = self.prefecture_count
        if count is None:
            return None
        return f"{count} prefecture" if count == 1 else f"{count} prefectures"


def _month(d: date) -> date:
    return d.replace(day=1)


def from_figures(figures: EditionFigures) -> EditionFacts:
    """The facts of an edition in eventhub, from its tallies."""
    first = figures.starts_at.astimezone(japan.TOKYO).date()
    last = figures.ends_at.astimezone(japan.TOKYO).date()
    return EditionFacts(
        source=Source.DATA,
        series_slug=figures.series_slug,
        fiscal_year=figures.fiscal_year,
        order=figures.edition_id,
        held_from=_month(first),
        held_until=_month(last) if _month(last) != _month(first) else None,
        venue_ja=figures.venue_ja,
        venue_en=figures.venue_en,
        format=figures.format,
        cancelled=figures.status == "cancelled",
        reason_ja=figures.cancellation_reason,
        reason_en=figures.cancellation_reason,
        exhibitors=figures.exhibitors,
        prefecture_codes=tuple(figures.exhibitor_prefectures) or None,
        prefectures_printed=None,
        municipalities_ja=f"{figures.municipalities}市" if figures.municipalities else None,
        visitors=figures.visitors,
        visitors_approximate=True,
        online_participants=figures.online_participants,
        online_participants_approximate=True,
        business_meetings=figures.business_meetings or None,
        figures=figures,
    )


@dataclass(frozen=True)
class SeriesFacts:
    slug: str
    #: Every edition the report speaks of, in the order of the published lists.
    editions: tuple[EditionFacts, ...]
    #: Fiscal years with entered figures that eventhub's own data replaced.
    superseded_years: tuple[int, ...]

    def years_from(self, source: Source) -> list[int]:
        return sorted({e.fiscal_year for e in self.editions if e.source is source})


def merge(slug: str, data: Iterable[EditionFacts], entered: Iterable[EditionFacts]) -> SeriesFacts:
    """Data wins: a fiscal year with an edition in eventhub drops that year's entered figures.

    The whole year is replaced, not single editions: entered rows carry no id to match an
    edition by, and a year told half from each source would add up to nothing anyone recorded.
    """
    data = list(data)
    data_years = {e.fiscal_year for e in data}
    kept: list[EditionFacts] = []
    superseded: set[int] = set()
    for facts in entered:
        if facts.fiscal_year in data_years:
            superseded.add(facts.fiscal_year)
        else:
            kept.append(facts)
    editions = sorted([*data, *kept], key=lambda e: e.sort_key)
    return SeriesFacts(slug, tuple(editions), tuple(sorted(superseded)))


def year_ranges(years: Sequence[int]) -> list[tuple[int, int]]:
    """Runs of consecutive fiscal years: [2017, 2018, 2019, 2021] → [(2017, 2019), (2021, 2021)]."""
    runs: list[tuple[int, int]] = []
    for year in sorted(set(years)):
        if runs and runs[-1][1] == year - 1:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    return runs
