"""Bar charts of an edition's figures, as SVG and PNG, with Japanese labels.

Fonts: no CJK font can be assumed on a server, so the charts use IPAexGothic as shipped by
the matplotlib-fontja package (IPA Font License), registered from the package's folder without
importing it, because its import changes matplotlib's global settings. SVG draws the glyphs as
paths (svg.fonttype path): a viewer without a Japanese font shows the labels, not boxes. The
words stay readable to screen readers, search and tests in the SVG's <title> and <desc>.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from eventhub import fonts, japan
from eventhub.tallies.figures import EditionFigures

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

FONT_FAMILY = fonts.JAPANESE_FAMILY
_font_lock = threading.Lock()
_font_ready = False
_WEEKDAYS = "月火水木金土日"
#: The zone of the tallies' day and hour keys.
_TOKYO = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class Chart:
    #: "visitors-per-day", "entries-per-hour" or "exhibitors-by-prefecture".
    kind: str
    title: str
    labels: tuple[str, ...]
    values: tuple[int, ...]


def font_path() -> Path:
    return fonts.japanese_font()


def _ensure_font() -> None:
    global _font_ready
    with _font_lock:
        if not _font_ready:
            font_manager.fontManager.addfont(str(font_path()))
            _font_ready = True


def _day_label(key: str) -> str:
    day = date.fromisoformat(key)
    return f"{day.month}月{day.day}日({_WEEKDAYS[day.weekday()]})"


def _hour_label(key: str) -> str:
    day, hour = key.split("T")
    parsed = date.fromisoformat(day)
    return f"{parsed.month}/{parsed.day} {int(hour)}時"


def _sorted(mapping: Mapping[str, int]) -> list[tuple[str, int]]:
    return sorted(mapping.items())


def _opening_hours(figures: EditionFigures) -> list[tuple[str, int]]:
    """Every hour of every day from opening to closing, with its entries (0 where none).

    A day runs from the first day's opening hour to the last day's closing time, as the
    edition itself says; entries outside those hours (an early opening, a late scan) widen
    their day rather than being dropped.
    """
    opens = figures.starts_at.astimezone(_TOKYO)
    closes = figures.ends_at.astimezone(_TOKYO)
    # An hour is shown when the doors are open during any of it: closing at 17:30 shows 17時.
    end = closes.hour + (1 if (closes.minute, closes.second) != (0, 0) else 0)
    start = opens.hour if end > opens.hour else end
    hours: dict[date, set[int]] = {}
    day = opens.date()
    while day <= closes.date():
        hours[day] = set(range(start, end))
        day += timedelta(days=1)
    for key in figures.entries_by_hour:
        day_key, hour = key.split("T")
        hours.setdefault(date.fromisoformat(day_key), set()).add(int(hour))
    return [
        (key, figures.entries_by_hour.get(key, 0))
        for day, seen in sorted(hours.items())
        if seen
        for key in (f"{day.isoformat()}T{h:02d}" for h in range(min(seen), max(seen) + 1))
    ]


def charts_of(figures: EditionFigures) -> list[Chart]:
    """The three charts of an edition, from its tallies; one with no data is left out."""
    charts: list[Chart] = []
    days = _sorted(figures.visitors_by_day)
    if days:
        charts.append(
            Chart(
                "visitors-per-day",
                "来場者数（日別） Visitors per day",
                tuple(_day_label(k) for k, _ in days),
                tuple(v for _, v in days),
            )
        )
    hours = _opening_hours(figures) if figures.entries_by_hour else []
    if hours:
        charts.append(
            Chart(
                "entries-per-hour",
                "入場数（時間別） Entries per hour",
                tuple(_hour_label(k) for k, _ in hours),
                tuple(v for _, v in hours),
            )
        )
    prefectures = [
        (int(code), count)
        for code, count in figures.exhibitors_by_prefecture.items()
        if code.isdigit() and count
    ]
    if prefectures:
        # JIS order runs north to south: the bars read like a map laid out in a line.
        prefectures.sort()
        charts.append(
            Chart(
                "exhibitors-by-prefecture",
                "出展者数（都道府県別） Exhibitors by prefecture",
                tuple(japan.prefecture(code).name for code, _ in prefectures),
                tuple(count for _, count in prefectures),
            )
        )
    return charts


def _figure(chart: Chart) -> Figure:
    width = max(6.0, min(16.0, 0.45 * len(chart.labels) + 2))
    figure = Figure(figsize=(width, 4.2), dpi=100)
    axes = figure.add_subplot()
    positions = list(range(len(chart.labels)))
    bars = axes.bar(positions, chart.values, color="#2f6f9f")
    axes.bar_label(bars, labels=[japan.format_count(v) for v in chart.values], fontsize=8)
    axes.set_xticks(positions, chart.labels, rotation=90 if len(chart.labels) > 6 else 0)
    axes.set_title(chart.title)
    # Counts are whole: no tick at 2.5 visitors.
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    axes.margins(y=0.15)
    figure.tight_layout()
    return figure


_RC: dict[RcKeyType, Any] = {
    "font.family": [FONT_FAMILY],
    "svg.fonttype": "path",
    # A fixed salt gives the same element ids on every run.
    "svg.hashsalt": "eventhub-report",
    "axes.unicode_minus": False,
}


def description(chart: Chart) -> str:
    """The chart in words: each bar's label and value."""
    return "; ".join(
        f"{label}: {japan.format_count(v)}"
        for label, v in zip(chart.labels, chart.values, strict=True)
    )


def _accessible(svg: bytes, chart: Chart) -> bytes:
    # The glyphs are paths now: the title and the bars' words go where assistive technology
    # and text search look, the svg element's role, label, <title> and <desc>.
    text = svg.decode("utf-8")
    head = text.index("<svg ")
    title = escape(chart.title)
    opening = text.index(">", head) + 1
    attributes = f' role="img" aria-label="{title}"'
    words = f"\n <title>{title}</title>\n <desc>{escape(description(chart))}</desc>"
    return (text[: opening - 1] + attributes + ">" + words + text[opening:]).encode("utf-8")


def render(chart: Chart) -> tuple[bytes, bytes]:
    """The chart as (SVG, PNG)."""
    _ensure_font()
    with mpl.rc_context(_RC):
        figure = _figure(chart)
        svg, png = io.BytesIO(), io.BytesIO()
        figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        figure.savefig(png, format="png", metadata={"Software": None})
    return _accessible(svg.getvalue(), chart), png.getvalue()
