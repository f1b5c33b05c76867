"""Headers on every response: never content-sniffed, and not stored unless the view says so.

Most answers carry personal data, a key or a token, or depend on who asks; no cache, shared
or in a browser, may keep one. An answer that may be kept (a public calendar feed with its
validators, a pass's QR image, a document with its ETag) sets its own ``Cache-Control``,
which is left as it is.
"""

from __future__ import annotations

from flask import Response


def private_by_default(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response
