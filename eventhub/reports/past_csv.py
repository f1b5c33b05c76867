"""Reading a CSV file of past figures: Japanese or English headers, UTF-8 with or without a
BOM, every problem reported by row and column, nothing returned unless every row is valid."""

from __future__ import annotations

import csv
import io
from typing import Any

import sqlalchemy as sa

from eventhub import control_characters
from eventhub.errors import DomainError
from eventhub.events.models import Series
from eventhub.extensions import db
from eventhub.messages import MESSAGES
from eventhub.reports import past_values as read

MAX_ROWS = 5000
MAX_ERRORS = 100

#: Field → the headers it may have (compared after read.key), Japanese and English.
HEADERS: dict[str, tuple[str, ...]] = {
    "series": ("シリーズ", "事業", "展示会", "series", "edition"),
    "fiscal_year": ("年度", "fiscal_year", "fiscalyear", "fy"),
    "edition_no": ("回", "回次", "edition_no", "no"),
    "held": ("開催月", "開催年月", "開催時期", "held", "held_month", "held_from", "month"),
    "held_until": ("終了月", "held_until"),
    "venue_ja": ("会場", "venue", "venue_ja"),
    "venue_en": ("会場(英語)", "venue_en"),
    "format": ("開催形式", "形式", "format"),
    "status": ("状況", "開催状況", "状態", "status"),
    "cancellation_reason_ja": ("中止理由", "理由", "reason", "cancellation_reason",
                               "cancellation_reason_ja"),
    "cancellation_reason_en": ("中止理由(英語)", "reason_en", "cancellation_reason_en"),
    "exhibitors": ("出展者数", "出展数", "exhibitors"),
    "prefectures": ("都道府県", "連携都道府県", "出展都道府県", "prefectures"),
    "municipalities_ja": ("市町村", "市", "municipalities"),
    "visitors": ("来場者数", "来場者", "visitors"),
    "visitors_approximate": ("来場者数概数", "visitors_approximate"),
    "online_participants": ("オンライン参加者数", "参加者数", "online_participants"),
    "online_participants_approximate": ("参加者数概数", "online_participants_approximate"),
    "business_meetings": ("商談数", "商談件数", "business_meetings", "meetings"),
    "note_ja": ("備考", "注記", "note", "note_ja"),
    "note_en": ("備考(英語)", "note_en"),
}  # fmt: skip
_BY_HEADER = {read.key(alias): field for field, aliases in HEADERS.items() for alias in aliases}
REQUIRED = ("series", "fiscal_year")


def series_lookup() -> dict[str, Series]:
    """Series by slug, names and common short names, as keys of read.key."""
    found: dict[str, Series] = {}
    for series in db.session.scalars(sa.select(Series)):
        names = (
            series.slug,
            series.name_ja,
            series.name_en,
            *read.SERIES_ALIASES.get(series.slug, ()),
        )
        for name in names:
            found.setdefault(read.key(name), series)
    return found


def _read_cell(field: str, text: str, out: dict[str, Any], series: dict[str, Series]) -> None:
    """Put the value of one non-empty cell into ``out``; ValueError says what is wrong."""
    if control_characters.has_control(text):
        raise ValueError(MESSAGES[control_characters.MESSAGE])
    if field == "series":
        found = series.get(read.key(text))
        if found is None:
            raise ValueError(f"Unknown series {text!r}; use national-zone, takumi or mokucolle.")
        out["series_id"] = found.id
    elif field == "fiscal_year":
        out["fiscal_year"] = read.read_fiscal_year(text)
    elif field == "edition_no":
        number, _ = read.read_count(text, False)
        if number < 1:
            raise ValueError("The edition number starts at 1.")
        out["edition_no"] = number
    elif field == "held":
        out["held_from"], until = read.read_months(text)
        if until is not None:
            out["held_until"] = until
    elif field == "held_until":
        out["held_until"] = read.read_month(text)
    elif field == "format":
        out["format"] = read.read_choice(text, read.FORMATS, "format")
    elif field == "status":
        out["status"] = read.read_choice(text, read.STATUSES, "status")
    elif field in ("exhibitors", "business_meetings"):
        out[field] = read.read_count(text, False)[0]
    elif field in ("visitors", "online_participants"):
        out[field], approximate = read.read_count(text, True)
        if approximate:
            out[f"{field}_approximate"] = True
    elif field.endswith("_approximate"):
        out[field] = out.get(field, False) or read.read_flag(text)
    elif field == "prefectures":
        out["prefecture_codes"], out["prefectures_printed"] = read.read_prefectures(text)
    elif field == "municipalities_ja":
        out["municipalities_ja"] = read.read_municipalities(text)
    else:
        # Free text keeps its full-width characters (～, （）): NFKC would turn them into ASCII
        # and change what the report prints. Only the whitespace is tidied.
        out[field] = " ".join(text.split())


def _header_fields(header: list[str]) -> tuple[list[str | None], list[dict[str, Any]]]:
    fields: list[str | None] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for name in header:
        field = _BY_HEADER.get(read.key(name)) if name.strip() else None
        if name.strip() and field is None:
            errors.append({"row": 1, "column": name, "message": "Unknown column."})
        elif field is not None and field in seen:
            errors.append({"row": 1, "column": name, "message": "Column given twice."})
        if field is not None:
            seen.add(field)
        fields.append(field)
    for field in REQUIRED:
        if field not in seen:
            errors.append(
                {"row": 1, "column": HEADERS[field][0], "message": f"Missing column ({field})."}
            )
    return fields, errors


def _decode(data: bytes) -> str:
    try:
        # utf-8-sig drops the BOM that Excel writes, and reads files without one alike.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _invalid(
            [{"row": None, "column": None, "message": "Save the file as UTF-8 (CSV UTF-8)."}]
        ) from exc


def _invalid(errors: list[dict[str, Any]]) -> DomainError:
    # Rows and columns of a spreadsheet, with the reader's (English) messages, passed on as is.
    return DomainError(
        "invalid_csv",
        errors=errors[:MAX_ERRORS],
        error_count=len(errors),
    )


def read_csv(data: bytes) -> list[dict[str, Any]]:
    """Every row's values, or a DomainError naming each row and column that is wrong.

    Rows are numbered as a spreadsheet shows them: the header is row 1.
    """
    rows = list(csv.reader(io.StringIO(_decode(data))))
    if not rows:
        raise _invalid([{"row": None, "column": None, "message": "The file is empty."}])
    header = rows[0]
    fields, errors = _header_fields(header)
    if len(rows) - 1 > MAX_ROWS:
        errors.append({"row": None, "column": None, "message": f"At most {MAX_ROWS} rows."})
    if errors:
        raise _invalid(errors)
    series = series_lookup()
    column_of = {f: header[i] for i, f in enumerate(fields) if f}
    out_rows: list[dict[str, Any]] = []
    keys: dict[tuple[Any, ...], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            errors.append({"row": number, "column": None, "message": "More cells than columns."})
            continue
        values: dict[str, Any] = {"edition_no": 1}
        for field, cell in zip(fields, row, strict=False):
            if field is None or not cell.strip():
                continue
            try:
                _read_cell(field, cell, values, series)
            except ValueError as exc:
                errors.append(
                    {"row": number, "column": column_of[field], "field": field, "message": str(exc)}
                )
        for field in REQUIRED:
            present = "series_id" if field == "series" else field
            reported = any(e["row"] == number and e.get("field") == field for e in errors)
            if present not in values and not reported:
                errors.append(
                    {
                        "row": number,
                        "column": column_of[field],
                        "field": field,
                        "message": "Required.",
                    }
                )
        for field, message in read.problems(values):
            column = (
                column_of.get(field)
                or column_of.get(field.removesuffix("_approximate"))
                or HEADERS.get(field, (field,))[0]
            )
            errors.append({"row": number, "column": column, "field": field, "message": message})
        row_key = (values.get("series_id"), values.get("fiscal_year"), values["edition_no"])
        if None not in row_key:
            if row_key in keys:
                errors.append(
                    {
                        "row": number,
                        "column": None,
                        "message": f"Same series, fiscal year and edition as row {keys[row_key]}.",
                    }
                )
            keys.setdefault(row_key, number)
        out_rows.append(values)
    if errors:
        raise _invalid(errors)
    return out_rows
