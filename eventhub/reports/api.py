"""Results reports for organisers: entered past figures, builds with progress, their files."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for
from flask_smorest import Blueprint

from eventhub import japan
from eventhub.accounts.auth import (
    current_user,
    is_organiser,
    login_required,
    optional_login,
    require_user,
)
from eventhub.accounts.models import Role
from eventhub.errors import DomainError, FieldError
from eventhub.extensions import db
from eventhub.openapi import operation_id
from eventhub.pagination import page_of, paginate
from eventhub.problems import PROBLEM_JSON, ProblemSchema
from eventhub.reports import files, past, schemas, service
from eventhub.reports.models import PastEditionFigures, ReportBuild

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/v1/reports",
    description="Results reports: past figures, report builds and their files",
)

MAX_CSV_BYTES = 2 * 1024 * 1024
_CSV_BODY = {
    "description": "A CSV file (UTF-8, with or without BOM), as the body or as the `file` "
    "part of a form. Headers in Japanese or English: シリーズ/series, 年度/fiscal_year, "
    "回/edition_no, 開催月/held, 終了月/held_until, 会場/venue, 会場（英語）/venue_en, "
    "開催形式/format, 状況/status, 中止理由/reason, 中止理由（英語）/reason_en, "
    "出展者数/exhibitors, 都道府県/prefectures, 市町村/municipalities, 来場者数/visitors, "
    "来場者数概数/visitors_approximate, オンライン参加者数/online_participants, "
    "参加者数概数/online_participants_approximate, 商談数/business_meetings, 備考/note, "
    "備考（英語）/note_en (the English report prints the Japanese note when it is empty). "
    "README's results report section describes each column.",
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
    },
}
_FILE_DOC = {
    "description": "The file: HTML, PDF, Markdown, CSV, Excel, PNG or SVG",
    "content": {
        # No schema: the body is the file's bytes, not a JSON string (OpenAPI 3.1).
        t: {}
        for t in (
            "text/html",
            "application/pdf",
            "text/markdown",
            "text/csv",
            "image/png",
            "image/svg+xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    },
}


# Past figures ---------------------------------------------------------------------------------


@blp.get("/past-figures")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.PastFiguresListArgs, location="query")
@blp.response(200, page_of(schemas.PastFiguresOutSchema))
def list_past_figures(args: dict[str, Any]) -> dict[str, Any]:
    """Entered figures of editions held before eventhub, by series and fiscal year."""
    return paginate(past.entries_query(args), args)


@blp.post("/past-figures")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.PastFiguresSchema)
@blp.response(201, schemas.PastFiguresOutSchema)
@blp.alt_response(
    409, schema=ProblemSchema, content_type=PROBLEM_JSON, description="past_figures_exist"
)
def create_past_figures(data: dict[str, Any]) -> PastEditionFigures:
    """Enter the figures of an edition held before eventhub (organisers).

    409 ``past_figures_exist`` if the series already has figures for that fiscal year.
    """
    entry = past.create_entry(data)
    db.session.commit()
    return entry


@blp.get("/past-figures/<int:entry_id>")
@login_required(Role.ORGANISER)
@blp.response(200, schemas.PastFiguresOutSchema)
def get_past_figures(entry_id: int) -> PastEditionFigures:
    """One entry of past figures (organisers)."""
    return past.get_entry(entry_id)


@blp.delete("/past-figures/<int:entry_id>")
@login_required(Role.ORGANISER)
@blp.response(204)
def delete_past_figures(entry_id: int) -> None:
    """Delete an entry of past figures entered by mistake (organisers)."""
    db.session.delete(past.get_entry(entry_id))
    db.session.commit()


def _uploaded_csv() -> bytes:
    if request.content_length is not None and request.content_length > MAX_CSV_BYTES:
        raise DomainError("payload_too_large", "csv_too_large")
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise DomainError(
                "validation_failed",
                "csv_file_missing",
                errors=[FieldError("file", "missing", location="files")],
            )
        return upload.read(MAX_CSV_BYTES + 1)
    if request.mimetype not in ("text/csv", "text/plain", "application/octet-stream"):
        raise DomainError("unsupported_media_type", "csv_media_type")
    return request.get_data()


@blp.post("/past-figures/import")
@login_required(Role.ORGANISER)
@blp.doc(requestBody=_CSV_BODY)
@blp.response(200, schemas.ImportResultSchema)
@blp.alt_response(
    422,
    schema=ProblemSchema,
    content_type=PROBLEM_JSON,
    description="invalid_csv: errors lists each problem with its row and column; nothing imported",
)
def import_past_figures() -> past.ImportResult:
    """Import past figures from CSV: all rows or none; importing the same file again is a no-op.

    Rows are keyed by series, fiscal year and edition number (回, 1 by default): a row with a
    known key replaces that entry, so a corrected file updates what it names.
    """
    data = _uploaded_csv()
    if len(data) > MAX_CSV_BYTES:
        raise DomainError("payload_too_large", "csv_too_large")
    result = past.import_csv(data)
    db.session.commit()
    return result


# Builds ---------------------------------------------------------------------------------------


def _build_view(build: ReportBuild) -> dict[str, Any]:
    files = []
    if build.status == "done":
        files = [
            {
                "name": o.name,
                "content_type": o.content_type,
                "size": o.size,
                "sha256": o.sha256,
                "url": url_for("reports.get_file", build_id=build.id, name=o.name),
            }
            for o in service.list_outputs(build.id)
        ]
    return {
        "id": build.id,
        "fiscal_year": build.fiscal_year,
        "fiscal_year_label": japan.fiscal_year_label(build.fiscal_year),
        "status": build.status,
        "progress": {"done": build.progress_done, "total": build.progress_total},
        "error": build.error,
        "url": url_for("reports.get_build", build_id=build.id),
        "created_at": build.created_at,
        "started_at": build.started_at,
        "finished_at": build.finished_at,
        "files": files,
        "published": build.published_at is not None,
        "published_at": build.published_at,
        "public_url": (
            url_for("report_pages.report", fiscal_year=build.fiscal_year)
            if build.published_at is not None
            else None
        ),
        "omitted": build.omitted or [],
    }


@blp.post("/builds")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.BuildRequestSchema)
@blp.response(202, schemas.BuildSchema)
def start_build(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Start building the fiscal year's report; poll the returned url (also in Location).

    While a build of that year is queued or running, this returns that build.
    """
    build, _ = service.request_build(data["fiscal_year"], require_user().id)
    view = _build_view(build)
    return view, {"Location": view["url"]}


@blp.get("/builds")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.BuildListArgs, location="query")
@blp.response(200, page_of(schemas.BuildSchema))
def list_builds(args: dict[str, Any]) -> dict[str, Any]:
    """Report builds, newest first, optionally of one fiscal year (organisers)."""
    page = paginate(service.builds_query(args.get("fiscal_year")), args)
    return {**page, "items": [_build_view(b) for b in page["items"]]}


@blp.get("/builds/<int:build_id>")
@login_required(Role.ORGANISER)
@blp.response(200, schemas.BuildSchema)
def get_build(build_id: int) -> dict[str, Any]:
    """Status and progress; once done, the files with their urls."""
    return _build_view(service.get_build(build_id))


@blp.post("/builds/<int:build_id>/publish")
@login_required(Role.ORGANISER)
@blp.response(200, schemas.BuildSchema)
@blp.alt_response(
    409, schema=ProblemSchema, content_type=PROBLEM_JSON, description="report_not_ready"
)
def publish_build(build_id: int) -> dict[str, Any]:
    """Publish a finished report build (organisers).

    Its report and files become public, and it becomes the fiscal year's public report (at
    /reports/{fiscal_year}) until another is published.
    """
    build = service.publish(service.get_build(build_id), require_user().id)
    db.session.commit()
    return _build_view(build)


@blp.delete("/builds/<int:build_id>/publish")
@login_required(Role.ORGANISER)
@blp.response(200, schemas.BuildSchema)
def unpublish_build(build_id: int) -> dict[str, Any]:
    """Take a build back: private again; the year's public report is the one published before."""
    build = service.unpublish(service.get_build(build_id))
    db.session.commit()
    return _build_view(build)


@blp.get("/builds/<int:build_id>/files/<name>")
@operation_id("get_build_file")
@optional_login
@blp.response(200, content_type="text/html")
@blp.doc(responses={"200": _FILE_DOC})
def get_file(build_id: int, name: str) -> Response:
    """One file of a finished build: report-ja.html, report-ja.pdf, report.xlsx, charts…

    Anyone reads the files of a published build; those of other builds are the organisers'
    (404 to anyone else, so that unpublished builds cannot be found by trying ids).
    """
    organiser = is_organiser(current_user())
    build = service.readable_build(build_id, organiser)
    return files.file_response(build.fiscal_year, service.public_output(build, name, organiser))
