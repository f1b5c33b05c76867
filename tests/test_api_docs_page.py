"""/api/v1/docs: Swagger UI served from this site's own files, under a policy of its own."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask.testing import FlaskClient

from eventhub.web import CONTENT_SECURITY_POLICY as PAGES_POLICY


class Links(HTMLParser):
    """The URLs a page loads (scripts, styles, icons) and whether any script is inline."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            if attributes.get("src"):
                self.urls.append(str(attributes["src"]))
            else:
                self.inline_scripts += 1
        if tag == "link" and attributes.get("href"):
            self.urls.append(str(attributes["href"]))


def test_the_docs_page_loads_only_this_sites_files(client: FlaskClient):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    links = Links()
    links.feed(response.get_data(as_text=True))
    assert links.inline_scripts == 0
    assert links.urls, "the page loads Swagger UI"
    assert [url for url in links.urls if not re.match(r"/(?!/)", url)] == []
    for url in links.urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.data
    assert 'data-document-url="/api/v1/openapi.json"' in response.get_data(as_text=True)


def test_the_docs_page_has_a_strict_policy_of_its_own(client: FlaskClient):
    policy = client.get("/api/v1/docs").headers["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    # The other pages keep theirs.
    assert client.get("/login").headers["Content-Security-Policy"] == PAGES_POLICY


def test_swagger_ui_files_are_served_and_kept_a_day(client: FlaskClient):
    script = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    style = client.get("/api/v1/docs/assets/swagger-ui.css")

    assert script.status_code == 200
    assert script.mimetype == "text/javascript"
    assert b"SwaggerUIBundle" in script.data
    assert style.mimetype == "text/css"
    assert script.headers["Cache-Control"] == "public, max-age=86400"


def test_an_unknown_docs_file_is_a_not_found_problem(client: FlaskClient):
    for url in ("/api/v1/docs/assets/nothing.js", "/api/v1/docs/assets/..%2F__init__.py"):
        response = client.get(url)

        assert response.status_code == 404, url
        assert response.mimetype == "application/problem+json"
