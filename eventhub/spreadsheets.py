"""Every CSV and Excel file eventhub writes goes through here, so that no cell is a formula.

Spreadsheet programs take a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or with a tab
or carriage return before one) as a formula: text that a visitor, an exhibitor or anyone else
typed could then compute, link out (``=HYPERLINK(…)``) or run a command (DDE) on the machine of
the organiser who opens the file. Following OWASP's advice on CSV injection, such text gets a
leading apostrophe, which the programs read as "this is text"; numbers stay numbers, a negative
one included. Excel strings are also written with the string type, never as a formula.

Times are written in Tokyo time: as text in a CSV, as date cells with a number format in a
workbook (Excel has no time zones, so the cell holds the hall's clock).

Text stored before control characters were refused at the door may still hold some; an XLSX
cannot (openpyxl refuses them, and the whole export would fail) and a CSV should not, so each is
written as U+FFFD, the replacement character, in both.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import Response
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from eventhub.japan.calendar import TOKYO

#: A text cell starting with one of these would be read as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: What a cell cannot hold: openpyxl's illegal characters (C0 controls but tab, line feed and
#: carriage return), DEL, the C1 controls and unpaired surrogates.
_UNWRITABLE_RE = re.compile(ILLEGAL_CHARACTERS_RE.pattern + r"|[\x7f-\x9f\ud800-\udfff]")
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: How a time reads, in a CSV and in a workbook's date cell.
TIME_TEXT = "%Y-%m-%d %H:%M"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
#: Column widths in characters of the default font: a header or a short value fits whole, a long
#: text stops at the maximum rather than making one column a screen wide.
MIN_WIDTH, MAX_WIDTH = 6, 60


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet may show it: text that would be a formula is escaped, and
    characters no cell can hold are replaced."""
    if isinstance(value, datetime):
        return value.astimezone(TOKYO).strftime(TIME_TEXT)
    if not isinstance(value, str):
        return value
    value = _UNWRITABLE_RE.sub("\ufffd", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: Iterable[Iterable[Any]]) -> bytes:
    """CSV for Excel: every cell made safe, CRLF line ends, UTF-8 with a BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    # The BOM makes Excel for Japanese Windows read the file as UTF-8, not Shift_JIS.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append a row of safe cells; text is stored as text even where it looks like a formula."""
    cells = []
    for value in values:
        if isinstance(value, datetime):
            cell = Cell(sheet, value=value.astimezone(TOKYO).replace(tzinfo=None))
            cell.number_format = TIME_FORMAT
            cells.append(cell)
            continue
        cell = Cell(sheet, value=safe_cell(value))
        if isinstance(cell.value, str):
            # openpyxl makes any string starting with "=" a formula: say it is a string.
            cell.data_type = "s"
        cells.append(cell)
    sheet.append(cells)


def display_width(text: str) -> int:
    """How many columns ``text`` takes in a fixed-width view: CJK characters (East Asian wide
    and full-width) take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell_width(cell: Cell) -> int:
    if isinstance(cell.value, datetime):
        return len(TIME_FORMAT)
    if cell.value is None:
        return 0
    return max(display_width(line) for line in str(cell.value).split("\n"))


def fit_columns(sheet: Worksheet) -> None:
    """Size every column to its widest cell (header included), within MIN_WIDTH..MAX_WIDTH."""
    for index, column in enumerate(sheet.iter_cols(), start=1):
        widest = max((_cell_width(cell) for cell in column), default=0)
        width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width


def download(body: bytes, content_type: str, filename: str) -> Response:
    """A file to save, not to show. ``content_type`` is set as given: werkzeug would add a
    second ``charset`` to a ``mimetype`` that already names one."""
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
