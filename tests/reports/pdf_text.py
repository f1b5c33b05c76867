"""Reading a report PDF back with poppler's tools, as someone who opens it would see it."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path


def pdf_text(pdf: bytes, folder: Path) -> str:
    path = folder / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_fonts(pdf: bytes, folder: Path) -> list[tuple[str, str]]:
    """(font name, emb) of every font pdffonts lists."""
    path = folder / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    # After the header and its ---- rule; columns end with emb sub uni object-number generation.
    return [(line.split()[0], line.split()[-5]) for line in out[2:] if line.strip()]


def squeeze(text: str) -> str:
    """Whitespace removed: lines wrap anywhere in Japanese, and between words in English."""
    return re.sub(r"\s+", "", text)


class _Sentences(HTMLParser):
    """The text of each sentence-bearing element of a report HTML: title, headings, lines,
    notes and footnotes, table cells."""

    TAGS = frozenset({"h1", "h2", "h3", "li", "p", "th", "td"})

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in self.TAGS:
            self._open.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.TAGS and self._open:
            text = self._open.pop().strip()
            if text:
                self.found.append(text)

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1] += data


def sentences(html: str) -> list[str]:
    parser = _Sentences()
    parser.feed(html)
    return parser.found
