"""The report's tables as CSV (UTF-8 with a BOM, for Excel) and Excel workbooks.

Two tables: every edition the report lists, across years, with the source of its figures;
and the figures of the report year's editions from the tallies, one value per row.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from eventhub import japan, spreadsheets
from eventhub.reports.facts import EditionFacts, SeriesFacts, Source
from eventhub.tallies.figures import EditionFigures

FORMAT_JA = {"in_person": "会場", "online": "オンライン", "hybrid": "ハイブリッド"}
SOURCE_JA = {Source.DATA: "eventhub集計", Source.ENTERED: "入力値"}
KIND_JA = {"company": "企業", "association": "団体", "municipality": "自治体", "other": "その他"}
TYPE_JA = {
    "general": "一般",
    "buyer": "バイヤー",
    "press": "報道",
    "exhibitor_staff": "出展者スタッフ",
    "vip": "招待者",
}

LIST_HEADER = (
    "シリーズ", "年度", "回", "開催月", "会場", "開催形式", "状況", "中止理由", "出展者数",
    "都道府県", "都道府県数", "市町村", "来場者数", "来場者数概数", "オンライン参加者数",
    "商談数", "出典", "備考",
)  # fmt: skip
FIGURES_HEADER = ("エディションID", "シリーズ", "年度", "名称", "項目", "区分", "値")


def _month(facts: EditionFacts) -> str:
    if facts.held_from is None:
        return ""
    first = f"{facts.held_from:%Y-%m}"
    return f"{first}～{facts.held_until:%Y-%m}" if facts.held_until else first


def _blank(value: Any) -> Any:
    return "" if value is None else value


def list_rows(series: Sequence[SeriesFacts], names: dict[str, str]) -> list[list[Any]]:
    rows: list[list[Any]] = [list(LIST_HEADER)]
    for section in series:
        for e in section.editions:
            rows.append(
                [
                    names[e.series_slug],
                    japan.fiscal_year_label(e.fiscal_year),
                    e.order if e.source is Source.ENTERED else "",
                    _month(e),
                    _blank(e.venue_ja),
                    FORMAT_JA.get(e.format, e.format),
                    "中止" if e.cancelled else "開催",
                    _blank(e.reason_ja if e.cancelled else None),
                    _blank(e.exhibitors),
                    _blank(e.prefectures_ja()),
                    _blank(e.prefecture_count),
                    _blank(e.municipalities_ja),
                    _blank(e.visitors),
                    # Data rows hold the exact count; only entered ones may be approximate.
                    "約" if e.source is Source.ENTERED and e.visitors_approximate else "",
                    _blank(e.online_participants),
                    _blank(e.business_meetings),
                    SOURCE_JA[e.source],
                    _blank(e.note_ja),
                ]
            )
    return rows


def _prefecture_name(code: str) -> str:
    return japan.prefecture(int(code)).name if code.isdigit() else "不明"


def _figure_items(f: EditionFigures) -> Iterable[tuple[str, str, Any]]:
    yield "出展者数", "", f.exhibitors
    yield "出展者数（来場確認済）", "", f.exhibitors_present
    yield (
        "出展都道府県",
        "",
        japan.describe_prefectures(f.exhibitor_prefectures) if (f.exhibitor_prefectures) else "",
    )
    yield "自治体出展数", "", f.municipalities
    yield "小間数", "", f.booth_units
    yield "事前登録数", "", f.registrations
    yield "来場者数", "", f.visitors
    yield "延べ入場数", "", f.entries
    yield "オンライン参加者数", "", _blank(f.online_participants)
    yield "商談数", "", f.business_meetings
    yield "成約数", "", _blank(f.deals)
    yield "体験席利用数", "", f.hands_on_seats_used
    for code, n in sorted(f.exhibitors_by_prefecture.items()):
        yield "都道府県別出展者数", _prefecture_name(code), n
    for kind, n in sorted(f.organisations_by_kind.items()):
        yield "種別出展者数", KIND_JA.get(kind, kind), n
    for kind, n in sorted(f.registrations_by_type.items()):
        yield "種別事前登録数", TYPE_JA.get(kind, kind), n
    for day, n in sorted(f.visitors_by_day.items()):
        yield "日別来場者数", day, n
    for hour, n in sorted(f.entries_by_hour.items()):
        yield "時間別入場数", f"{hour.replace('T', ' ')}時", n
    for gate, n in sorted(f.visitors_by_gate.items()):
        yield "入口別来場者数", "不明" if gate == "unknown" else gate, n
    for kind, n in sorted(f.visitors_by_type.items()):
        yield "種別来場者数", TYPE_JA.get(kind, kind), n
    for code, n in sorted(f.visitors_by_prefecture.items()):
        yield "居住都道府県別来場者数", _prefecture_name(code), n


def figures_rows(editions: Sequence[EditionFigures], names: dict[str, str]) -> list[list[Any]]:
    rows: list[list[Any]] = [list(FIGURES_HEADER)]
    for f in editions:
        head = [
            f.edition_id,
            names[f.series_slug],
            japan.fiscal_year_label(f.fiscal_year),
            f.title_ja,
        ]
        rows.extend([*head, item, key, value] for item, key, value in _figure_items(f))
    return rows


def to_csv(rows: Iterable[Sequence[Any]]) -> bytes:
    return spreadsheets.to_csv(rows)


def to_xlsx(sheets: Sequence[tuple[str, list[list[Any]]]]) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            spreadsheets.append_row(sheet, row)
        sheet.freeze_panes = "A2"
        for index, header in enumerate(rows[0], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(len(str(header)) * 2, 10)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
