"""Applications as CSV or Excel for organisers: chosen columns, Japanese headers."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from eventhub import japan, spreadsheets
from eventhub.applications.models import Application

STATUS_JA = {
    "draft": "下書き",
    "submitted": "申込済",
    "under_review": "審査中",
    "approved": "出展決定",
    "rejected": "不採択",
    "waitlisted": "キャンセル待ち",
    "offered": "繰り上げ案内中",
    "withdrawn": "取下げ",
    "offer_expired": "繰り上げ期限切れ",
}
KIND_JA = {"company": "企業", "association": "団体", "municipality": "自治体", "other": "その他"}


def _prefecture(code: int | None) -> str:
    return japan.prefecture(code).name if code else ""


def _time(value: Any) -> str:
    return value.astimezone(japan.TOKYO).strftime("%Y-%m-%d %H:%M") if value else ""


#: Column key → (Japanese header, value of an application).
COLUMNS: dict[str, tuple[str, Callable[[Application], Any]]] = {
    "id": ("申込ID", lambda a: a.id),
    "status": ("状態", lambda a: STATUS_JA.get(a.status, a.status)),
    "organisation": ("出展者名", lambda a: a.organisation.name),
    "organisation_kana": ("出展者名（フリガナ）", lambda a: a.organisation.name_kana),
    "kind": ("団体種別", lambda a: KIND_JA.get(a.organisation.kind, a.organisation.kind)),
    "corporate_number": ("法人番号", lambda a: a.organisation.corporate_number or ""),
    "prefecture": ("都道府県", lambda a: _prefecture(a.organisation.prefecture_code)),
    "recommending_prefecture": (
        "推薦都道府県",
        lambda a: _prefecture(a.recommending_prefecture_code),
    ),
    "endorsed": ("推薦済", lambda a: "○" if a.endorsed_at else ""),
    "contact_name": ("担当者名", lambda a: a.contact_name or ""),
    "contact_name_kana": ("担当者名（フリガナ）", lambda a: a.contact_name_kana or ""),
    "contact_email": ("メールアドレス", lambda a: a.contact_email or ""),
    "contact_phone": ("電話番号", lambda a: a.contact_phone or ""),
    "industry_category": ("業種", lambda a: a.industry_category or ""),
    "booth_type": ("小間タイプ", lambda a: a.booth_type or ""),
    "booth_units": ("小間数", lambda a: a.booth_units or ""),
    "summary_ja": ("出展概要", lambda a: a.summary_ja or ""),
    "will_sell": ("販売", lambda a: "有" if a.will_sell else "無"),
    "needs_electricity": ("電源", lambda a: "要" if a.needs_electricity else "不要"),
    "submitted_at": ("申込日時", lambda a: _time(a.submitted_at)),
    "decided_at": ("決定日時", lambda a: _time(a.decided_at)),
}
DEFAULT_COLUMNS: tuple[str, ...] = (
    "id",
    "status",
    "organisation",
    "prefecture",
    "contact_name",
    "contact_email",
    "booth_units",
    "submitted_at",
)


def _rows(applications: Iterable[Application], columns: Sequence[str]) -> Iterable[list[Any]]:
    yield [COLUMNS[c][0] for c in columns]
    for application in applications:
        yield [COLUMNS[c][1](application) for c in columns]


def to_csv(applications: Iterable[Application], columns: Sequence[str]) -> bytes:
    return spreadsheets.to_csv(_rows(applications, columns))


def to_xlsx(applications: Iterable[Application], columns: Sequence[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "出展申込"
    for row in _rows(applications, columns):
        spreadsheets.append_row(sheet, row)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        width = max(len(COLUMNS[column][0]) * 2, 10)
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 40)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
