"""The published results report (実績報告) as a public page, with its files to download.

The page shows the report that a build wrote (its sentences, figures tables and charts, in
the reader's language) and offers the build's files; nothing is computed again here.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, render_template
from flask_babel import get_locale
from markupsafe import Markup

from eventhub.errors import not_found
from eventhub.reports import files, service
from eventhub.reports.models import ReportBuild
from eventhub.reports.outputs import ORGANISERS_ONLY

bp = Blueprint("report_pages", __name__, url_prefix="/reports")

_BODY = re.compile(r"<body>(.*)</body>", re.DOTALL)


def _published(fiscal_year: int) -> ReportBuild:
    build = service.published_build(fiscal_year)
    if build is None:
        raise not_found("report_build")
    return build


def report_body(html: bytes) -> Markup:
    """The body of a report file the build rendered (escaped there): sentences, tables and
    charts as data: images, with no script and no inline style, so the page's policy holds."""
    found = _BODY.search(html.decode("utf-8"))
    return Markup(found.group(1) if found else "")  # noqa: S704  (our own escaped output)


@bp.get("/")
def index() -> Any:
    return render_template("reports/index.html", years=service.published_years())


@bp.get("/<int:fiscal_year>")
def report(fiscal_year: int) -> Any:
    build = _published(fiscal_year)
    language = "en" if str(get_locale() or "ja") == "en" else "ja"
    body = report_body(service.get_output(build.id, f"report-{language}.html").content)
    return render_template(
        "reports/report.html",
        build=build,
        fiscal_year=fiscal_year,
        body=body,
        language=language,
        files=[f for f in service.list_outputs(build.id) if f.name not in ORGANISERS_ONLY],
    )


@bp.get("/<int:fiscal_year>/files/<name>")
def download(fiscal_year: int, name: str) -> Response:
    """One file of the published report, as the API serves a build's file."""
    build = _published(fiscal_year)
    response = files.file_response(fiscal_year, service.public_output(build, name, False))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
