"""The report as a language-neutral structure that the HTML and Markdown renderers print."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from types import ModuleType

from eventhub.reports import sentences_en, sentences_ja
from eventhub.reports.facts import EditionFacts, SeriesFacts, Source
from eventhub.tallies.figures import EditionFigures

LANGUAGES: dict[str, ModuleType] = {"ja": sentences_ja, "en": sentences_en}


@dataclass(frozen=True)
class Line:
    text: str
    fiscal_year: int
    source: Source


@dataclass(frozen=True)
class Group:
    """Years listed under a ※ note they share, as the published report lists them."""

    note: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Section:
    slug: str
    heading: str
    lines: tuple[Line, ...]
    groups: tuple[Group, ...]
    #: Which years come from entered figures, and which entered years data replaced.
    footnotes: tuple[str, ...]
    #: eventhub editions of the report's fiscal year, for the figures tables and charts.
    editions: tuple[EditionFigures, ...]


@dataclass(frozen=True)
class Document:
    language: str
    fiscal_year: int
    title: str
    sections: tuple[Section, ...]


def _note_key(facts: EditionFacts) -> str | None:
    return facts.note_ja or facts.note_en


def _with_twins(editions: Sequence[EditionFacts]) -> list[EditionFacts]:
    """Editions with ``twin`` set where the series held more than one in the fiscal year."""
    per_year = Counter(e.fiscal_year for e in editions if not e.cancelled)
    return [replace(e, twin=per_year[e.fiscal_year] > 1) for e in editions]


def _name(edition: EditionFacts, language: str) -> str:
    if edition.figures is not None:
        return edition.figures.title_ja if language == "ja" else edition.figures.title_en
    return f"第{edition.order}回" if language == "ja" else f"edition {edition.order}"


def _texts(language: str, editions: Sequence[EditionFacts]) -> list[str]:
    """Each edition's line; twins that month and venue do not tell apart get their title."""
    forms = LANGUAGES[language]
    texts = [forms.line(e, grouped=_note_key(e) is not None) for e in editions]
    seen = Counter((e.fiscal_year, t) for e, t in zip(editions, texts, strict=True))
    return [
        t + (f"（{_name(e, language)}）" if language == "ja" else f" ({_name(e, language)})")
        if seen[(e.fiscal_year, t)] > 1
        else t
        for e, t in zip(editions, texts, strict=True)
    ]


def section(language: str, facts: SeriesFacts, heading: str, fiscal_year: int) -> Section:
    forms = LANGUAGES[language]
    lines: list[Line] = []
    groups: dict[str, list[Line]] = {}
    notes: dict[str, str] = {}
    told = _with_twins(facts.editions)
    for edition, text in zip(told, _texts(language, told), strict=True):
        key = _note_key(edition)
        entry = Line(text, edition.fiscal_year, edition.source)
        if key is None:
            lines.append(entry)
            continue
        groups.setdefault(key, []).append(entry)
        # Years share a note by its Japanese text; the English one may be entered on any of
        # them, and a note nobody translated is printed in Japanese rather than dropped.
        if language == "en" and edition.note_en and key not in notes:
            notes[key] = forms.note(edition.note_en)
    footnotes: list[str] = []
    entered = facts.years_from(Source.ENTERED)
    if entered:
        footnotes.append(forms.entered_footnote(entered))
    if facts.superseded_years:
        footnotes.append(forms.superseded_footnote(facts.superseded_years))
    editions = tuple(
        e.figures
        for e in facts.editions
        if e.figures is not None and e.fiscal_year == fiscal_year and not e.cancelled
    )
    return Section(
        slug=facts.slug,
        heading=heading,
        lines=tuple(lines),
        groups=tuple(Group(notes.get(k) or forms.note(k), tuple(v)) for k, v in groups.items()),
        footnotes=tuple(footnotes),
        editions=editions,
    )


def document(
    language: str,
    fiscal_year: int,
    series: Sequence[SeriesFacts],
    headings: dict[str, str],
) -> Document:
    forms = LANGUAGES[language]
    return Document(
        language=language,
        fiscal_year=fiscal_year,
        title=forms.title(fiscal_year),
        sections=tuple(section(language, s, headings[s.slug], fiscal_year) for s in series),
    )
