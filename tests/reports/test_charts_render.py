"""Charts (SVG text, PNG with the bundled Japanese font) and the HTML/Markdown renderers."""

from __future__ import annotations

import re

from eventhub.reports import charts, render
from eventhub.reports.document import document
from eventhub.reports.facts import from_figures, merge
from tests.reports.figures_helpers import figures

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _texts(svg: bytes) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())


def test_three_charts_with_their_labels_and_values():
    f = figures(exhibitors_by_prefecture={"01": 3, "27": 5, "47": 24})
    found = {c.kind: c for c in charts.charts_of(f)}
    assert set(found) == {"visitors-per-day", "entries-per-hour", "exhibitors-by-prefecture"}
    assert found["visitors-per-day"].labels == ("10月28日(木)", "10月29日(金)", "10月30日(土)")
    assert found["exhibitors-by-prefecture"].labels == ("北海道", "大阪府", "沖縄県")

    svg, png = charts.render(found["exhibitors-by-prefecture"])
    texts = _texts(svg)
    assert {"北海道", "大阪府", "沖縄県", "3", "5", "24"} <= set(texts)
    assert "出展者数（都道府県別） Exhibitors by prefecture" in texts
    assert "IPAexGothic" in svg.decode()
    assert png.startswith(PNG_SIGNATURE)

    svg, _ = charts.render(found["visitors-per-day"])
    assert {"10月28日(木)", "1,500", "1,400", "1,343"} <= set(_texts(svg))


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
