"""The one helper every CSV and Excel writer uses: no cell a spreadsheet would run."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import Workbook, load_workbook

import eventhub
from eventhub import spreadsheets
from eventhub.spreadsheets import safe_cell
from tests.spreadsheet_checks import FORMULAS, assert_csv_safe, csv_cells


@pytest.mark.parametrize("text", FORMULAS.values(), ids=repr)
def test_text_that_would_be_a_formula_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


def test_characters_no_cell_can_hold_are_replaced_and_the_rest_kept():
    controls = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)])
    cleaned = safe_cell(f"名{controls}前")

    assert (
        cleaned == "名" + "\ufffd" * 9 + "\t\n" + "\ufffd" * 2 + "\r" + "\ufffd" * (18 + 33) + "前"
    )
    book = Workbook()
    spreadsheets.append_row(book.active, [f"名{controls}前", f"={controls}"])
    book.save(io.BytesIO())  # openpyxl would refuse the raw text
    assert b"\x00" not in spreadsheets.to_csv([[f"名{controls}"]])


@pytest.mark.parametrize(
    "value", ["株式会社木の家", "", "a=b", " =1+1", "'quoted", "東京-大阪", "1-2-3 番地"]
)
def test_other_text_is_kept(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-5, -1.5, 0, 42, Decimal("-3.2"), True, None, date(2027, 8, 7)])
def test_numbers_and_other_values_are_kept_as_they_are(value):
    assert safe_cell(value) is value


def test_csv_has_a_bom_crlf_and_only_safe_cells():
    body = spreadsheets.to_csv([["名前", "値"], *([text, -5] for text in FORMULAS.values())])

    assert body.startswith("\ufeff".encode())
    assert b"\r\n" in body
    cells = assert_csv_safe(body)
    assert cells[:2] == ["名前", "値"]
    assert cells[2::2] == ["'" + text for text in FORMULAS.values()]
    # A genuine negative number stays a number, unquoted.
    assert cells[3::2] == ["-5"] * len(FORMULAS)
    assert csv_cells(body) == cells


def test_xlsx_rows_write_text_as_text_and_numbers_as_numbers():
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    spreadsheets.append_row(sheet, ["=1+1", -5, 2.5, "text", None, "last"])
    out = io.BytesIO()
    book.save(out)

    row = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())

    assert [(c.value, c.data_type) for c in row[:4]] == [
        ("'=1+1", "s"),
        (-5, "n"),
        (2.5, "n"),
        ("text", "s"),
    ]
    assert (row[4].value, row[5].value) == (None, "last")


def test_a_download_names_its_charset_once(app: Flask):
    with app.test_request_context():
        response = spreadsheets.download(b"a,b\r\n", spreadsheets.CSV, "x.csv")

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_every_csv_and_excel_writer_goes_through_the_helper():
    """A new export cannot forget: only the helper writes CSV rows or Excel cells."""
    package = Path(eventhub.__file__).parent
    helper = package / "spreadsheets.py"
    offenders = []
    for path in package.rglob("*.py"):
        if path == helper:
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(r"csv\.(writer|DictWriter)\(", source):
            offenders.append(f"{path.relative_to(package)}: csv writer")
        if "openpyxl" in source and re.search(r"sheet\w*\.(append|cell)\(", source):
            offenders.append(f"{path.relative_to(package)}: sheet written directly")

    assert offenders == []
