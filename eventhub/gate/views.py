"""Serves the gate scanner: its page, service worker and manifest (scripts are static files).

The service worker caches the page and every static file under a version named by their
content, so a new release replaces the cached copy on the next visit with a network, and an
offline visit gets the copy it has.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, render_template, url_for

from eventhub.gate.texts import all_strings, strings

HERE = Path(__file__).parent
STATIC = HERE / "static"

bp = Blueprint(
    "gate",
    __name__,
    url_prefix="/gate",
    static_folder="static",
    static_url_path="/static",
    template_folder="templates",
)


@cache
def _static_files() -> tuple[str, ...]:
    """Static files the service worker caches (relative to static/), licences left out."""
    return tuple(
        sorted(
            str(path.relative_to(STATIC))
            for path in STATIC.rglob("*")
            if path.is_file() and path.suffix in {".js", ".css", ".svg", ".png"}
        )
    )


@cache
def version() -> str:
    """Names the release of the scanner: a digest of its files and texts."""
    digest = hashlib.sha256()
    for name in _static_files():
        digest.update(name.encode())
        digest.update((STATIC / name).read_bytes())
    for template in sorted((HERE / "templates").rglob("*.html")):
        digest.update(template.read_bytes())
    digest.update(json.dumps(all_strings(), sort_keys=True).encode())
    return digest.hexdigest()[:16]


def _no_cache(response: Response) -> Response:
    # May be stored, but asked for again each time: a new release shows at the next visit.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.after_request
def _isolated(response: Response) -> Response:
    """The scanner loads only its own files: isolating it from other origins costs nothing,
    keeps other sites' windows away from it and gives it a precise clock."""
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Embedder-Policy", "require-corp")
    response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    return response


@bp.get("/")
def index() -> Response:
    page = render_template(
        "gate/index.html",
        strings=all_strings(),
        # The page opens in Japanese; staff switch and the scanner remembers.
        texts=strings("ja")["texts"],
        version=version(),
    )
    return _no_cache(Response(page, mimetype="text/html"))


@bp.get("/sw.js")
def service_worker() -> Response:
    assets = [url_for("gate.index")]
    assets += [url_for("gate.static", filename=name) for name in _static_files()]
    assets.append(url_for("gate.manifest"))
    script = render_template("gate/sw.js", version=version(), assets=assets)
    response = Response(script, mimetype="text/javascript")
    return _no_cache(response)


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    texts = strings("ja")["texts"]
    body = {
        "name": texts["title"] + " — eventhub",
        "short_name": texts["title"],
        "lang": "ja",
        "start_url": url_for("gate.index"),
        "scope": url_for("gate.index"),
        "display": "standalone",
        "orientation": "any",
        "background_color": "#14213d",
        "theme_color": "#14213d",
        "icons": [
            {
                "src": url_for("gate.static", filename="icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": url_for("gate.static", filename="icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
            },
            {
                "src": url_for("gate.static", filename="icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            },
        ],
    }
    response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    return _no_cache(response)
