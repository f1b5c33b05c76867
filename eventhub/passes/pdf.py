"""The pass as a PDF of one A6 or A4 page, made by WeasyPrint from the printable page.

The PDF embeds a subset of the Japanese font (names print as written on any printer, with no
font installed) and draws the QR code as vector paths, sharp at any printer resolution.
Nothing is fetched while rendering but that font: the page holds the holder's own text.

WeasyPrint is imported on the first PDF, not with the app: loading it and Pango takes about
two seconds, which every web, worker and CLI process would otherwise pay at start.
"""

from __future__ import annotations

from typing import Any

from eventhub import fonts
from eventhub.events.models import Edition
from eventhub.passes import printable
from eventhub.passes.models import Pass


def _font_only(font_url: str) -> Any:
    """A URL fetcher that fetches the bundled font and refuses every other address."""
    from weasyprint.urls import URLFetcher  # late: see the docstring

    class FontOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url != font_url:
                raise ValueError(f"the pass PDF loads nothing but its font, not {url}")
            return super().fetch(url, headers)

    return FontOnly(allowed_protocols=("file",))


def pass_pdf(pass_: Pass, edition: Edition, size: str) -> bytes:
    """The PDF of an issued pass on one page of ``size`` ("a6" or "a4")."""
    from weasyprint import HTML  # late: see the docstring

    font_url = fonts.japanese_font().as_uri()
    html = printable.print_page(pass_, edition, size, font_url=font_url)
    document = HTML(string=html, url_fetcher=_font_only(font_url)).render()
    return bytes(document.write_pdf())
