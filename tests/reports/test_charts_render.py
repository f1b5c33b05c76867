"""Charts (SVG glyphs as paths with their words in <title>/<desc>, PNG with the bundled
Japanese font) and the HTML/Markdown renderers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from eventhub.reports import charts, render
from eventhub.reports.document import document
from eventhub.reports.facts import from_figures, merge
from tests.reports.figures_helpers import figures

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


def _words(svg: bytes) -> tuple[str, str]:
    """The chart's title and description, as a screen reader finds them."""
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    assert root.get("aria-label") == title.text
    return title.text or "", desc.text or ""


def test_three_charts_with_their_labels_and_values():
    f = figures(exhibitors_by_prefecture={"01": 3, "27": 5, "47": 24})
    found = {c.kind: c for c in charts.charts_of(f)}
    assert set(found) == {"visitors-per-day", "entries-per-hour", "exhibitors-by-prefecture"}
    assert found["visitors-per-day"].labels == ("10月28日(木)", "10月29日(金)", "10月30日(土)")
    assert found["exhibitors-by-prefecture"].labels == ("北海道", "大阪府", "沖縄県")

    svg, png = charts.render(found["exhibitors-by-prefecture"])
    assert _words(svg) == (
        "出展者数（都道府県別） Exhibitors by prefecture",
        "北海道: 3; 大阪府: 5; 沖縄県: 24",
    )
    assert png.startswith(PNG_SIGNATURE)

    svg, _ = charts.render(found["visitors-per-day"])
    assert _words(svg)[1] == "10月28日(木): 1,500; 10月29日(金): 1,400; 10月30日(土): 1,343"


def test_svg_glyphs_are_paths_so_no_font_is_needed_to_read_them():
    chart = charts.charts_of(figures(exhibitors_by_prefecture={"01": 3}))[-1]
    root = ET.fromstring(charts.render(chart)[0])  # noqa: S314 - our own output
    assert root.findall(f".//{SVG}text") == []
    # Each glyph of IPAexGothic drawn is defined once as a path and placed with <use>.
    glyphs = [p for p in root.iter(f"{SVG}path") if p.get("id", "").startswith("IPAexGothic-")]
    assert len(glyphs) >= len("出展者数（都道府県別）北海道")
    assert "font-family" not in ET.tostring(root, encoding="unicode")


def test_entries_per_hour_shows_every_opening_hour_of_each_day():
    # Open 10:00-17:00 each day (figures()); none at 11 and 12 on the first day, an early
    # entry at 9 on the second, none at all on the third.
    f = figures(entries_by_hour={"2027-10-28T10": 800, "2027-10-28T13": 900, "2027-10-29T09": 5})
    chart = next(c for c in charts.charts_of(f) if c.kind == "entries-per-hour")
    by_label = dict(zip(chart.labels, chart.values, strict=True))
    first_day = [label for label in chart.labels if label.startswith("10/28 ")]
    assert first_day == [f"10/28 {h}時" for h in range(10, 17)]
    assert [by_label[label] for label in first_day] == [800, 0, 0, 900, 0, 0, 0]
    assert next(label for label in chart.labels if label.startswith("10/29 ")) == "10/29 9時"
    assert by_label["10/29 9時"] == 5
    assert [label for label in chart.labels if label.startswith("10/30 ")] == [
        f"10/30 {h}時" for h in range(10, 17)
    ]
    assert len(chart.labels) == 7 + 8 + 7
    assert "10/28 12時: 0" in _words(charts.render(chart)[0])[1]


def test_a_closing_time_on_the_half_hour_shows_its_hour():
    f = figures(
        # 9:30 to 17:30 in Tokyo, one day.
        starts_at=datetime(2027, 10, 28, 0, 30, tzinfo=UTC),
        ends_at=datetime(2027, 10, 28, 8, 30, tzinfo=UTC),
        entries_by_hour={"2027-10-28T12": 3},
    )
    chart = next(c for c in charts.charts_of(f) if c.kind == "entries-per-hour")
    assert chart.labels == tuple(f"10/28 {h}時" for h in range(9, 18))


def test_charts_are_the_same_every_time():
    chart = charts.charts_of(figures())[0]
    assert charts.render(chart) == charts.render(chart)


def test_the_japanese_font_is_the_one_the_package_ships():
    path = charts.font_path()
    assert path.name == "ipaexg.ttf"
    assert path.is_file()


def test_an_edition_without_data_has_no_charts():
    empty = figures(visitors_by_day={}, entries_by_hour={}, exhibitors_by_prefecture={})
    assert charts.charts_of(empty) == []


def test_html_escapes_and_embeds_the_charts_markdown_links_them():
    f = figures(title_ja="<script>alert(1)</script>展", venue_ja="会場 & <b>")
    series = [merge("national-zone", [from_figures(f)], [])]
    doc = document("ja", 2027, series, {"national-zone": "全国ゾーン"})
    name = render.chart_name(1, "visitors-per-day", "png")
    html = render.to_html(doc, {name: b"PNG"}).decode()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;展" in html
    assert 'src="data:image/png;base64,UE5H"' in html
    assert '<li data-source="data">令和9年度は、3道府県から32企業・団体が出展</li>' in html
    assert '<tr><th>来場者数</th><td class="number">4,243</td></tr>' in html
    markdown = render.to_markdown(doc, {name: b"PNG"}).decode()
    assert "![来場者数（日別）](chart-1-visitors-per-day.png)" in markdown
    assert "### \\<script\\>alert(1)\\</script\\>展" in markdown
    assert "| 出展都道府県 | 3道府県 |" in markdown
