"""The report as an A4 PDF, printed by WeasyPrint from the report's own HTML.

The HTML carries the print rules (``@page`` A4, margins, page numbers; see ``render``); this
adds only the font: IPAexGothic from the matplotlib-fontja package, the one the charts use, so
that a server without any Japanese font still prints Japanese, and the PDF embeds the subset of
the glyphs it uses. Nothing else is fetched: the charts are data: images in the HTML.
"""

from __future__ import annotations

from typing import Any

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from eventhub.reports.charts import font_path


def _font_css() -> str:
    return f'@font-face {{ font-family: "IPAexGothic"; src: url("{font_path().as_uri()}"); }}'


class _OnlyOurs(URLFetcher):  # WeasyPrint ships no types
    """The font file and data: images; a report never loads anything else."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:") or url == font_path().as_uri():
            return super().fetch(url, headers)
        raise ValueError(f"The report PDF loads nothing from {url!r}.")


def to_pdf(html: bytes) -> bytes:
    fetcher = _OnlyOurs()
    # The @font-face is registered in this configuration, which the layout must then use.
    fonts = FontConfiguration()
    font_face = CSS(string=_font_css(), url_fetcher=fetcher, font_config=fonts)
    document = HTML(string=html.decode("utf-8"), url_fetcher=fetcher)
    pdf = document.write_pdf(stylesheets=[font_face], font_config=fonts)
    assert pdf is not None  # no target given: the bytes are returned
    return pdf
