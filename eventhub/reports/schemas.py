from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import marshmallow as ma

from eventhub import fields, japan
from eventhub.events.models import EditionFormat
from eventhub.pagination import PageArgs
from eventhub.reports import past_values
from eventhub.reports.facts import check_printed_prefectures
from eventhub.reports.models import BuildStatus, PastStatus

FISCAL_YEARS = ma.validate.Range(min=1989, max=2200)


class _Read(ma.fields.Field):
    """A value given as people write it (2021 or 令和3年度), read by a past_values reader."""

    reader: Callable[[str], Any]

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ma.ValidationError("Give a number or a string.")
        try:
            return type(self).reader(str(value))
        except ValueError as exc:
            raise ma.ValidationError(str(exc)) from exc


class FiscalYear(_Read):
    reader = staticmethod(past_values.read_fiscal_year)
    #: What the OpenAPI document states of it (eventhub.openapi): a number, or a string as
    #: people write the year, which no pattern short of the reader itself could follow.
    openapi: ClassVar[dict[str, Any]] = {
        "type": ["integer", "string"],
        "minimum": FISCAL_YEARS.min,
        "maximum": FISCAL_YEARS.max,
        "description": "A fiscal year from 1989 to 2200: a number, or a string such as 2021, "
        "2021年度, FY2021, 令和3年度, 令和元年度, 平成29年度, R3 or H29 (full-width too).",
        "example": 2021,
    }


class Month(_Read):
    reader = staticmethod(past_values.read_month)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else f"{value:%Y-%m}"


class Municipalities(_Read):
    reader = staticmethod(past_values.read_municipalities)


class PrefectureName(_Read):
    """A prefecture by code, name or reading: 13, "13", "東京都", "東京", "Tokyo"."""

    @staticmethod
    def reader(text: str) -> int:
        found = japan.find_prefecture(text)
        if found is None:
            raise ValueError(f"Not a prefecture: {text!r}.")
        return found.code


class PrintedPrefectures(ma.fields.String):
    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        text = japan.normalise(super()._deserialize(value, attr, data, **kwargs))
        problem = check_printed_prefectures(text)
        if problem:
            raise ma.ValidationError(problem)
        return text


class PlainText(ma.fields.String):
    """Text printed in the report as given: whitespace tidied, full-width characters kept
    (NFKC would turn （） and ～ into ASCII); blank is null."""

    # Returning None for blank (so the column is NULL) narrows String's str return type.
    def _deserialize(  # type: ignore[override]
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str | None:
        return " ".join(super()._deserialize(value, attr, data, **kwargs).split()) or None

    def _validate(self, value: Any) -> None:
        # Blank became None above: there is no length to check (and len(None) was a 500).
        if value is not None:
            super()._validate(value)


def _count() -> ma.fields.Integer:
    return ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=0))


class PastFiguresSchema(ma.Schema):
    """Figures of one past edition, entered by hand."""

    id = ma.fields.Integer(dump_only=True)
    # Any fields: the output schema dumps these three another way than they are read.
    series: ma.fields.Field[Any] = ma.fields.String(
        required=True,
        metadata={"description": "Series slug (national-zone, takumi, mokucolle) or its name"},
    )
    fiscal_year: ma.fields.Field[Any] = FiscalYear(
        required=True, metadata={"description": "2021, or as written: 令和3年度, 平成29年度"}
    )
    fiscal_year_label: ma.fields.Field[Any] = ma.fields.String(dump_only=True)
    edition_no = ma.fields.Integer(
        load_default=1,
        validate=ma.validate.Range(min=1),
        metadata={"description": "1 unless the series held (or planned) two that year"},
    )
    held_from = Month(allow_none=True, metadata={"description": "First month held, 2018-01"})
    held_until = Month(allow_none=True, metadata={"description": "Last month, if another"})
    venue_ja = PlainText(allow_none=True, validate=ma.validate.Length(max=200))
    venue_en = PlainText(allow_none=True, validate=ma.validate.Length(max=200))
    format = ma.fields.String(
        load_default=EditionFormat.IN_PERSON.value, validate=fields.one_of(EditionFormat)
    )
    status = ma.fields.String(
        load_default=PastStatus.HELD.value, validate=fields.one_of(PastStatus)
    )
    cancellation_reason_ja = PlainText(
        allow_none=True,
        validate=ma.validate.Length(max=1000),
        metadata={"description": "Required when cancelled; printed before 「ため」"},
    )
    cancellation_reason_en = PlainText(allow_none=True, validate=ma.validate.Length(max=1000))
    exhibitors = _count()
    prefectures = ma.fields.List(
        PrefectureName(),
        load_only=True,
        allow_none=True,
        metadata={
            "description": "The prefectures one by one (codes or names)",
            "rule": "Either prefectures or prefectures_printed, not both.",
        },
    )
    prefecture_codes = ma.fields.List(ma.fields.Integer(), dump_only=True, allow_none=True)
    prefectures_printed = PrintedPrefectures(
        allow_none=True,
        metadata={"description": "Only the printed figure, e.g. 33都道府県, when no list exists"},
    )
    municipalities_ja = Municipalities(
        allow_none=True, metadata={"description": "As printed: 6市, 2市1町"}
    )
    visitors = _count()
    visitors_approximate = ma.fields.Boolean(load_default=False)
    online_participants = _count()
    online_participants_approximate = ma.fields.Boolean(load_default=False)
    business_meetings = _count()
    note_ja = PlainText(allow_none=True, validate=ma.validate.Length(max=2000))
    note_en = PlainText(allow_none=True, validate=ma.validate.Length(max=2000))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    @ma.validates_schema
    def _one_prefecture_form(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("prefectures") and data.get("prefectures_printed"):
            raise ma.ValidationError(
                "Give the list or the printed figure, not both.", "prefectures"
            )


class PastFiguresOutSchema(PastFiguresSchema):
    series = ma.fields.Function(lambda e: e.series.slug)
    fiscal_year = ma.fields.Integer()
    fiscal_year_label = ma.fields.Function(lambda e: japan.fiscal_year_label(e.fiscal_year))


class PastFiguresListArgs(PageArgs):
    series = ma.fields.String(metadata={"description": "Series slug"})
    fiscal_year = ma.fields.Integer(validate=FISCAL_YEARS)
    per_page = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=500))


class ImportResultSchema(ma.Schema):
    created = ma.fields.Integer()
    updated = ma.fields.Integer()
    unchanged = ma.fields.Integer()


class BuildRequestSchema(ma.Schema):
    fiscal_year = FiscalYear(
        required=True, metadata={"description": "The report's 年度: 2021 or 令和3年度"}
    )


class BuildProgressSchema(ma.Schema):
    done = ma.fields.Integer()
    total = ma.fields.Integer()


class ReportFileSchema(ma.Schema):
    name = ma.fields.String()
    content_type = ma.fields.String()
    size = ma.fields.Integer()
    sha256 = ma.fields.String()
    url = ma.fields.String()


class OmittedEditionSchema(ma.Schema):
    edition_id = ma.fields.Integer()
    series = ma.fields.String()
    title_ja = ma.fields.String()
    title_en = ma.fields.String()
    status = ma.fields.String()
    reason = ma.fields.String(
        metadata={
            "description": "not_held (draft, open or closed: only held and cancelled editions"
            " are reported) or no_figures (held, with nothing recorded to report)"
        }
    )


class BuildSchema(ma.Schema):
    id = ma.fields.Integer()
    fiscal_year = ma.fields.Integer()
    fiscal_year_label = ma.fields.String()
    status = ma.fields.String(metadata={"enum": [s.value for s in BuildStatus]})
    progress = ma.fields.Nested(BuildProgressSchema)
    error = ma.fields.String(allow_none=True)
    url = ma.fields.String(metadata={"description": "Poll this for progress"})
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    files = ma.fields.List(ma.fields.Nested(ReportFileSchema))
    published = ma.fields.Boolean(
        metadata={"description": "Published builds are public: their files and report page"}
    )
    published_at = fields.DateTime(allow_none=True)
    public_url = ma.fields.String(
        allow_none=True, metadata={"description": "The fiscal year's public report page"}
    )
    omitted = ma.fields.List(
        ma.fields.Nested(OmittedEditionSchema),
        metadata={"description": "Editions of the fiscal year the report leaves out, and why"},
    )


class BuildListArgs(PageArgs):
    fiscal_year = ma.fields.Integer(validate=FISCAL_YEARS)
