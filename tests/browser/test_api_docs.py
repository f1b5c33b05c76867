"""The interactive API documentation at /api/v1/docs, in a real browser, under its policy."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect


def test_the_api_docs_render_the_operations_from_this_site_alone(
    page: Page, live_server: Any, screenshot: Any
) -> None:
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    origins: set[str] = set()
    page.on("request", lambda request: origins.add(_origin(request.url)))

    # Swagger UI renders what is in view: the link to a tag scrolls to it.
    page.goto(f"{live_server.url}/api/v1/docs#/events")

    operation = page.locator("#operations-events-list_editions")
    expect(operation).to_contain_text(
        "Published editions, newest first; organisers also see drafts.", timeout=20_000
    )
    expect(operation).to_contain_text("list_editions")  # its operationId
    screenshot(page, "api-docs")

    create = page.locator("#operations-events-create_edition")
    create.locator(".opblock-summary-control").click()
    expect(create).to_contain_text("産業交流展2027 全国ゾーン")  # the body's example
    expect(create).to_contain_text("2027-11-10T10:00:00+09:00")
    screenshot(page, "api-docs-create-edition")

    assert origins <= {_origin(live_server.url), "data:"}, origins
    problems = [line for line in console if line.startswith(("error", "pageerror"))]
    assert problems == [], problems


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"{parts.scheme}:"
