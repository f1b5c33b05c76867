"""Answering with a feed: the stored bytes, their validators, and 304 when the client has them.

The identity and the gzip body are two representations, so each has its own strong ETag
(``"<hash>"`` and ``"<hash>-gz"``); If-None-Match uses the weak comparison (RFC 9110 §13.1.2),
so either one answers 304. If-Modified-Since counts only without If-None-Match.
"""

from __future__ import annotations

from datetime import datetime

from flask import Response, request
from werkzeug.http import http_date

from eventhub.calendars.cache import Stored
from eventhub.calendars.service import etag_of

#: Clients and shared caches may keep a feed this long before asking again.
MAX_AGE = 300
CALENDAR = "text/calendar"
CONTENT_TYPE = f"{CALENDAR}; charset=utf-8"


def _not_modified(etags: tuple[str, str], last_modified: datetime) -> bool:
    # Checked on the raw environ first: most requests carry neither header, and parsing
    # them is a measurable part of a request this small.
    environ = request.environ
    if "HTTP_IF_NONE_MATCH" in environ:
        return any(request.if_none_match.contains_weak(tag) for tag in etags)
    if "HTTP_IF_MODIFIED_SINCE" not in environ:
        return False
    since = request.if_modified_since
    return since is not None and last_modified.replace(microsecond=0) <= since


def accepts_gzip(header: str) -> bool:
    """Whether Accept-Encoding admits gzip: named (or ``*``, when gzip is not) without q=0.

    By hand, because werkzeug's full parse costs a third of serving a stored feed.
    """
    star = None
    for item in header.split(","):
        coding, _, params = item.partition(";")
        coding = coding.strip().lower()
        if coding in {"gzip", "x-gzip", "*"}:
            quality = params.replace(" ", "").lower()
            allowed = not (quality.startswith("q=0") and quality.strip("q=0.") == "")
            if coding != "*":
                return allowed
            star = allowed
    return bool(star)


def calendar_response(
    body: bytes,
    body_gzip: bytes | None,
    etag: str,
    last_modified: datetime,
    filename: str,
    *,
    private: bool = False,
    download: bool = False,
    http_last_modified: str | None = None,
) -> Response:
    gz = body_gzip is not None and accepts_gzip(request.environ.get("HTTP_ACCEPT_ENCODING", ""))
    etags = (etag, f"{etag}-gz")
    headers = {
        "ETag": f'"{etags[1] if gz else etags[0]}"',
        "Last-Modified": http_last_modified or http_date(last_modified),
        "Cache-Control": f"{'private' if private else 'public'}, max-age={MAX_AGE}",
        "Vary": "Accept-Encoding",
    }
    if private:
        # The URL is the secret: keep it out of Referer headers and search engines.
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Robots-Tag"] = "noindex"
    if _not_modified(etags, last_modified):
        return Response(status=304, headers=headers)
    disposition = "attachment" if download else "inline"
    headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    if gz:
        headers["Content-Encoding"] = "gzip"
    return Response(body_gzip if gz else body, headers=headers, content_type=CONTENT_TYPE)


def stored_response(stored: Stored, filename: str, *, private: bool = False) -> Response:
    return calendar_response(
        stored.body,
        stored.body_gzip,
        stored.etag,
        stored.last_modified,
        filename,
        private=private,
        http_last_modified=stored.http_last_modified,
    )


def built_response(body: bytes, last_modified: datetime, filename: str) -> Response:
    """A body built for this request (one session's .ics): not compressed, validators too."""
    return calendar_response(body, None, etag_of(body), last_modified, filename, download=True)
