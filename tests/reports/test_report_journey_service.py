"""The issue's acceptance test, on PostgreSQL, Redis and a real worker process.

Three editions of fiscal year 2030 (令和12年度), one per series and the takumi one online, are
built through the API with exhibitors from known prefectures; visitors register, their passes
are issued by the worker and scanned at the gate endpoint; the worker tallies them and builds
the report, whose sentences and tables are checked word for word. The published report's
years are imported as entered figures, one national-zone row of 2030 is replaced by data, and
a mokucolle edition of 2029 is cancelled through the API.

Other service tests share the database, so a series' list is checked as the entered years
first and this test's years last, whatever editions of other years lie between.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.reports import reference
from tests.reports.helpers import BUILDS, import_csv
from tests.reports.journey import (
    Gate,
    edition,
    exhibit,
    finish,
    sign_up,
    tallied,
    visitors,
    wait_for,
)

pytestmark = pytest.mark.service

FY = 2030
STALE_ROW = "全国ゾーン,令和12年度,,,,,,,,,99,5道府県,,,,,\n"
REASON = "会場の改修工事"


def _items(html: str, section: str, group: str | None = None) -> list[str]:
    """The main list of one series' section, or the years listed under the note ``group``."""
    body = html.split(f'<section id="{section}">', 1)[1].split("</section>", 1)[0]
    if group is None:
        body = body.split('<ul class="years">', 1)[1].split("</ul>", 1)[0]
    else:
        body = body.split(f'<p class="note">{group}</p>', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<li data-source=\"\w+\">([^<]*)</li>", body)


def _check_list(items: list[str], first: list[str], last: list[str]) -> None:
    assert items[: len(first)] == first
    assert items[-len(last) :] == last


def test_the_report_of_three_editions_built_through_the_api(service_app, service_organiser):
    organiser = service_organiser
    exhibitor = sign_up(organiser)
    assert import_csv(organiser, reference.CSV_JA + STALE_ROW).status_code == 200

    close = {"applications_close_at": "2030-06-30T17:00:00+09:00"}
    national = edition(organiser, "national-zone", "2030-10-23T10:00:00+09:00",
                       "2030-10-25T17:00:00+09:00", venue_ja="東京ビッグサイト",
                       venue_en="Tokyo Big Sight", **close)  # fmt: skip
    takumi = edition(organiser, "takumi", "2030-12-14T10:00:00+09:00",
                     "2030-12-15T17:00:00+09:00", format="online", **close)  # fmt: skip
    moku = edition(organiser, "mokucolle", "2031-01-22T10:00:00+09:00",
                   "2031-01-24T17:00:00+09:00", venue_ja="東京ビッグサイト",
                   venue_en="Tokyo Big Sight", **close)  # fmt: skip
    called_off = edition(organiser, "mokucolle", "2030-02-13T10:00:00+09:00",
                         "2030-02-15T17:00:00+09:00",
                         applications_close_at="2030-01-31T17:00:00+09:00")  # fmt: skip
    cancel = organiser.post(
        f"/api/v1/editions/{called_off['id']}/status",
        json={"status": "cancelled", "reason": REASON},
    )
    assert cancel.status_code == 200, cancel.json
    for ed in (national, takumi, moku):
        assert (
            organiser.post(f"/api/v1/editions/{ed['id']}/status", json={"status": "open"}).json[
                "status"
            ]
            == "open"
        )

    # Without Tokyo (道府県), with a city; with Tokyo but no Hokkaido (都府県); all four kinds.
    exhibit(
        organiser,
        exhibitor,
        national,
        [(1, "company"), (27, "company"), (47, "association"), (22, "municipality")],
    )
    exhibit(organiser, exhibitor, takumi, [(13, "company"), (26, "association"), (17, "company")])
    exhibit(organiser, exhibitor, moku,
            [(1, "company"), (13, "company"), (27, "company"), (47, "association")])  # fmt: skip

    # 15 visitors on day one, three of them out for lunch and back; five come back on day two.
    gate = Gate(organiser, moku["id"])
    tokens = visitors(organiser, moku["id"], 15)
    for i, token in enumerate(tokens):
        assert gate.scan(token, f"2031-01-22T10:{i:02d}:00+09:00") == "admitted"
    for token in tokens[:3]:
        assert gate.scan(token, "2031-01-22T12:00:00+09:00", "exit") == "exited"
        assert gate.scan(token, "2031-01-22T13:10:00+09:00") == "reentry_admitted"
    for token in tokens:
        assert gate.scan(token, "2031-01-22T16:30:00+09:00", "exit") == "exited"
    for token in tokens[5:10]:
        assert gate.scan(token, "2031-01-23T10:30:00+09:00") in {"admitted", "reentry_admitted"}
    for ed in (national, takumi, moku):
        finish(organiser, ed)

    live = tallied(organiser, moku["id"], visitors=15)["figures"]
    assert (live["exhibitors"], live["entries"]) == (4, 23)

    started = organiser.post(BUILDS, json={"fiscal_year": "令和12年度"})
    assert started.status_code == 202, started.json
    seen: list[tuple[int, int]] = []

    def finished() -> dict | None:
        build = organiser.get(started.headers["Location"]).json
        seen.append((build["progress"]["done"], build["progress"]["total"]))
        return build if build["status"] in {"done", "failed"} else None

    build = wait_for("the report build", finished)
    assert build["status"] == "done", build
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    files = {f["name"]: f["url"] for f in build["files"]}

    def text(name: str) -> str:
        response = organiser.get(files[name])
        assert response.status_code == 200
        return response.get_data(as_text=True)

    html = text("report-ja.html")
    assert "<h1>令和12年度 事業実績</h1>" in html
    _check_list(
        _items(html, "national-zone"),
        reference.NATIONAL_ZONE_JA,
        ["令和12年度は、4道府県及び1市から4企業・団体が出展"],
    )
    grouped = _items(html, "national-zone", f"※ {reference.FOOD_FAIR}")
    assert grouped == reference.NATIONAL_ZONE_GROUP_JA
    _check_list(
        _items(html, "takumi"),
        reference.TAKUMI_JA,
        ["令和12年度は、オンラインで開催し、3都府県のものづくりや伝統工芸等の動画や施策をHPで紹介（12月）"],
    )  # fmt: skip
    _check_list(
        _items(html, "mokucolle"),
        reference.MOKUCOLLE_JA,
        [
            f"令和12年2月、{REASON}のため、実施せず",
            "令和13年1月、東京ビッグサイトで、4都道府県で連携して開催（4者出展、約20人来場）",
        ],
    )
    assert "※ 平成29年度～令和3年度は、過去の記録から入力された数値による。" in html
    assert "※ 令和12年度は、入力された数値に代えて、eventhubの集計値による。" in html
    assert '<tr><th>来場者数</th><td class="number">15</td></tr>' in html
    assert '<tr><th>延べ入場数</th><td class="number">23</td></tr>' in html

    english = text("report-en.md")
    assert "# FY2030 results report" in english
    assert (
        "- In FY2030, 4 companies and organisations from 4 prefectures and 1 municipality"
        " exhibited\n"
    ) in english
    assert (
        "- January 2031, Tokyo Big Sight: held together with 4 prefectures"
        " (4 exhibitors; about 20 visitors)\n"
    ) in english
    assert (
        "- In FY2030, the festival was held online, presenting videos and initiatives on crafts"
        " and manufacturing from 3 prefectures on its website (December)\n"
    ) in english
    assert f"- February 2030: not held, because {REASON}\n" in english

    rows = list(csv.reader(io.StringIO(text("figures.csv").lstrip("\ufeff"))))
    moku_rows = [r[4:] for r in rows[1:] if r[0] == str(moku["id"])]
    for expected in (
        ["来場者数", "", "15"],
        ["延べ入場数", "", "23"],
        ["出展都道府県", "", "4都道府県"],
        ["日別来場者数", "2031-01-22", "15"],
        ["日別来場者数", "2031-01-23", "5"],
        ["時間別入場数", "2031-01-22 10時", "15"],
        ["時間別入場数", "2031-01-22 13時", "3"],
        ["時間別入場数", "2031-01-23 10時", "5"],
        ["入口別来場者数", "西展示棟入口", "15"],
        ["都道府県別出展者数", "北海道", "1"],
        ["都道府県別出展者数", "東京都", "1"],
    ):
        assert expected in moku_rows, (expected, moku_rows)
    editions = list(csv.reader(io.StringIO(text("editions.csv").lstrip("\ufeff"))))
    assert [
        "WOODコレクション（モクコレ）", "令和12年度", "", "2031-01", "東京ビッグサイト", "会場",
        "開催", "", "4", "4都道府県", "4", "", "15", "", "", "", "eventhub集計", "",
    ] in editions  # fmt: skip

    # The glyphs are paths; the words are in each chart's <desc>.
    svg = text(f"chart-{moku['id']}-exhibitors-by-prefecture.svg")
    assert all(f"{name}: 1" in svg for name in ("北海道", "東京都", "大阪府", "沖縄県"))
    per_day = text(f"chart-{moku['id']}-visitors-per-day.svg")
    assert "1月22日(水): 15" in per_day
    png = organiser.get(files[f"chart-{moku['id']}-visitors-per-day.png"])
    assert png.mimetype == "image/png"
    assert png.get_data().startswith(b"\x89PNG")
    assert f"chart-{takumi['id']}-visitors-per-day.png" not in files  # online: no gate
