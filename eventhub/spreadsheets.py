"""Every CSV and Excel file eventhub writes goes through here, so that no cell is a formula.

Spreadsheet programs take a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or with a tab
or carriage return before one) as a formula: text that a visitor, an exhibitor or anyone else
typed could then compute, link out (``=HYPERLINK(…)``) or run a command (DDE) on the machine of
the organiser who opens the file. Following OWASP's advice on CSV injection, such text gets a
leading apostrophe, which the programs read as "this is text"; numbers stay numbers, a negative
one included. Excel strings are also written with the string type, never as a formula.

Text stored before control characters were refused at the door may still hold some; an XLSX
cannot (openpyxl refuses them, and the whole export would fail) and a CSV should not, so each is
written as U+FFFD, the replacement character, in both.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from flask import Response
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

#: A text cell starting with one of these would be read as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: What a cell cannot hold: openpyxl's illegal characters (C0 controls but tab, line feed and
#: carriage return), DEL, the C1 controls and unpaired surrogates.
_UNWRITABLE_RE = re.compile(ILLEGAL_CHARACTERS_RE.pattern + r"|[\x7f-\x9f\ud800-\udfff]")
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet may show it: text that would be a formula is escaped, and
    characters no cell can hold are replaced."""
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
        cell = Cell(sheet, value=safe_cell(value))
        if isinstance(cell.value, str):
            # openpyxl makes any string starting with "=" a formula: say it is a string.
            cell.data_type = "s"
        cells.append(cell)
    sheet.append(cells)


def download(body: bytes, content_type: str, filename: str) -> Response:
    """A file to save, not to show. ``content_type`` is set as given: werkzeug would add a
    second ``charset`` to a ``mimetype`` that already names one."""
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
