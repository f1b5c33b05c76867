"""Interactive API documentation at /api/v1/docs: Swagger UI reading /api/v1/openapi.json.

Swagger UI's files come from the flask-swagger-ui package, never from a CDN; its script is
started by a static file of ours rather than an inline script, so the page keeps a policy that
runs only this site's scripts. The policy is this page's own: the other pages keep theirs.
"""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Flask, Response, render_template, send_from_directory, url_for

#: Swagger UI's distribution files, as the package ships them.
SWAGGER_UI = Path(flask_swagger_ui.__file__).parent / "dist"

#: Swagger UI sets element styles from its script and shows its logo as a data: URL; it talks
#: only to this site (the document, and "try it out" requests).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

bp = Blueprint("api_reference", __name__, url_prefix="/api/v1/docs")


@bp.get("")
def page() -> Response:
    html = render_template(
        "api_docs.html",
        document_url=url_for("api-docs.openapi_json"),
        assets=lambda name: url_for("api_reference.asset", name=name),
    )
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    return response


@bp.get("/assets/<name>")
def asset(name: str) -> Response:
    """One of Swagger UI's files; a release of eventhub may bring another Swagger UI, so they
    are kept a day, not for ever."""
    response = send_from_directory(SWAGGER_UI, name, max_age=86400)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
