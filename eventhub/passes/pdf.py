"""The pass as a PDF of one A6 or A4 page, made by WeasyPrint from the printable page.

The PDF embeds a subset of the Japanese font (names print as written on any printer, with no
font installed) and draws the QR code as vector paths, sharp at any printer resolution.
Nothing is fetched while rendering but that font: the page holds the holder's own text.
"""

from __future__ import annotations

from typing import Any

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from eventhub import fonts
from eventhub.events.models import Edition
from eventhub.passes import printable
from eventhub.passes.models import Pass


class _FontOnly(URLFetcher):
    """Fetches the bundled font and refuses every other address."""

    def __init__(self, font_url: str) -> None:
        super().__init__(allowed_protocols=("file",))
        self._font_url = font_url

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url != self._font_url:
            raise ValueError(f"the pass PDF loads nothing but its font, not {url}")
        return super().fetch(url, headers)


def pass_pdf(pass_: Pass, edition: Edition, size: str) -> bytes:
    """The PDF of an issued pass on one page of ``size`` ("a6" or "a4")."""
    font_url = fonts.japanese_font().as_uri()
    html = printable.print_page(pass_, edition, size, font_url=font_url)
    document = HTML(string=html, url_fetcher=_FontOnly(font_url)).render()
    return bytes(document.write_pdf())
