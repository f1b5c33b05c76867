"""The report as a language-neutral structure that the HTML and Markdown renderers print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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


def section(language: str, facts: SeriesFacts, heading: str, fiscal_year: int) -> Section:
    forms = LANGUAGES[language]
    lines: list[Line] = []
    groups: dict[str, list[Line]] = {}
    notes: dict[str, str] = {}
    for edition in facts.editions:
        key = _note_key(edition)
        text = forms.line(edition, grouped=key is not None)
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
