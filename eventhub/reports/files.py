"""How a report file is served, by the API (a build's files) and the public report page."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response

from eventhub.reports.models import ReportOutput

#: Shown in the browser (and so kept from running anything); the rest download.
INLINE = ("text/html", "image/")


def file_response(fiscal_year: int, output: ReportOutput) -> Response:
    filename = f"eventhub-report-FY{fiscal_year}-{output.name}"
    disposition = "inline" if output.content_type.startswith(INLINE) else "attachment"
    response = Response(output.content, content_type=output.content_type)
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    )
    # Report files are data: nothing in them may run scripts or load anything from elsewhere.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["ETag"] = f'"{output.sha256}"'
    return response
