"""The applications export carries every field, the series' own included, in people's words:
labelled headers and values, sized columns, a frozen header row and real date cells."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from eventhub.spreadsheets import display_width
from tests.applications.helpers import make_organisation, open_edition, submitted_application
from tests.conftest import Api

LONG_SUMMARY = "伝統の技を生かした家具と内装材を展示します。" * 2


@pytest.fixture
def mokucolle(organiser: Api, exhibitor: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    """A mokucolle edition with one submitted application (timber, a standard booth)."""
    edition = open_edition(organiser, "mokucolle")
    org = make_organisation(exhibitor, name="株式会社木工房")
    application = submitted_application(exhibitor, edition, org["id"], summary_ja=LONG_SUMMARY)
    return edition, application


def _export(client: Api, edition: dict[str, Any], **query: str) -> Any:
    response = client.get(
        f"/api/v1/editions/{edition['id']}/applications/export", query_string=query
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def _sheet(body: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(body)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def _by_header(sheet: Worksheet) -> dict[str, Any]:
    headers = [c.value for c in sheet[1]]
    return dict(zip(headers, sheet[2], strict=True))


def test_xlsx_has_every_field_with_japanese_labels(organiser, mokucolle):
    edition, application = mokucolle

    sheet = _sheet(_export(organiser, edition, format="xlsx").data)

    cells = _by_header(sheet)
    assert list(cells)[:3] == ["申込ID", "状況", "出展者名"]
    # The series' own fields, by the names the application page gives them.
    assert cells["樹種"].value == "スギ, ヒノキ"
    assert cells["木材の産地"].value == "山梨県、長野県"
    assert cells["製品"].value == "家具, 内装材"
    assert cells["商談会"].value == "はい"
    assert cells["商談したいバイヤー"].value == "工務店, 設計事務所"
    # Enumerated values in words, never the raw keys.
    assert cells["業種"].value == "木材"
    assert cells["小間の種類"].value == "通常小間"
    assert cells["団体種別"].value == "企業"
    values = {c.value for row in sheet.iter_rows() for c in row}
    assert not values & {"timber", "standard", "furniture", "interior", "company"}
    assert not [c for row in sheet.iter_rows() for c in row if isinstance(c.value, bool)]
    assert "工芸の種類" not in cells, "a takumi field has no place in a mokucolle export"
    assert cells["申込ID"].value == application["id"]


def test_xlsx_freezes_the_header_sizes_columns_and_writes_dates(organiser, mokucolle):
    edition, application = mokucolle

    sheet = _sheet(_export(organiser, edition, format="xlsx").data)

    assert sheet.freeze_panes == "A2"
    cells = _by_header(sheet)
    summary = cells["出展概要（日本語）"]
    width = sheet.column_dimensions[summary.column_letter].width
    # Wider than the 24 characters of the text, as its CJK characters count double.
    assert width == min(display_width(LONG_SUMMARY) + 2, 60) == 60
    name = cells["出展者名"]
    assert sheet.column_dimensions[name.column_letter].width == display_width("株式会社木工房") + 2
    submitted = cells["提出日時"]
    assert submitted.data_type == "d"
    assert isinstance(submitted.value, datetime)
    assert submitted.number_format == "yyyy-mm-dd hh:mm"
    expected = datetime.fromisoformat(application["submitted_at"])
    assert expected.utcoffset().total_seconds() == 9 * 3600  # the API's Tokyo time
    assert submitted.value.replace(second=0, microsecond=0) == expected.replace(
        tzinfo=None, second=0, microsecond=0
    )
    assert sheet.column_dimensions[submitted.column_letter].width == 18
    assert cells["決定日時"].value is None


def test_english_labels_on_request(organiser, mokucolle):
    edition, _ = mokucolle

    sheet = _sheet(_export(organiser, edition, format="xlsx", lang="en").data)

    cells = _by_header(sheet)
    assert sheet.title == "Applications"
    assert cells["Timber species"].value == "スギ, ヒノキ"
    assert cells["Origin of the timber"].value == "Yamanashi, Nagano"
    assert cells["Products"].value == "Furniture, Interior materials"
    assert cells["Booth type"].value == "Standard booth"
    assert cells["Status"].value == "Received, awaiting review"


def test_csv_with_chosen_fields_in_their_order(organiser, mokucolle):
    edition, application = mokucolle

    response = _export(
        organiser, edition, fields="product_categories,id,booth_type,submitted_at,will_sell"
    )

    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["製品", "申込ID", "小間の種類", "提出日時", "ブースでの販売"]
    submitted = datetime.fromisoformat(application["submitted_at"]).strftime("%Y-%m-%d %H:%M")
    assert rows[1] == ["家具, 内装材", str(application["id"]), "通常小間", submitted, "いいえ"]


def test_csv_by_default_has_every_field(organiser, mokucolle):
    edition, _ = mokucolle

    response = _export(organiser, edition)

    header = next(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(header) == 33
    assert {"樹種", "木材の産地", "認証", "担当者名（フリガナ）", "審査結果の理由"} <= set(header)


def test_a_field_of_another_series_is_refused(organiser, mokucolle):
    edition, _ = mokucolle
    url = f"/api/v1/editions/{edition['id']}/applications/export"

    response = organiser.get(url, query_string={"fields": "id,craft"})

    assert response.status_code == 422
    (error,) = response.json["errors"]
    assert error["field"] == "fields"
    assert "craft" in error["message"]
