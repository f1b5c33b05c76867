"""The pass's print pages and PDFs in Chromium: printed with the page's own CSS sheet size,
each is one sheet of A6 or A4 with the QR code readable; the PDF links serve one page each."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from eventhub.passes import signing
from tests.browser.test_attendee_journey import _organiser_api
from tests.calendars.helpers import edition
from tests.conftest import Api
from tests.passes.helpers import get_pass, register

MM_PER_PT = 25.4 / 72
SHEETS = {"a6": (105, 148), "a4": (210, 297)}
NAME = "佐藤 花子"


@pytest.fixture(autouse=True)
def _fresh_key_rings() -> None:
    signing.forget()


def _sheets(pdf: bytes) -> list[tuple[int, int]]:
    """Each page's size in whole millimetres."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return [
        (round(float(p.mediabox.width) * MM_PER_PT), round(float(p.mediabox.height) * MM_PER_PT))
        for p in pages
    ]


def _qr_text(pdf: bytes) -> str:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=150 / 72).to_pil()
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code could be read from the printed page"
    return str(found[0].text)


@pytest.fixture
def holder_pass(live_server: Any) -> dict[str, Any]:
    organiser = _organiser_api(live_server)
    eid = edition(organiser, title_en="Mokucolle 2027")["id"]
    anonymous = Api(live_server.app.test_client())
    pass_id = register(anonymous, eid, name=NAME)["pass"]["id"]
    return get_pass(organiser, pass_id)


@pytest.mark.parametrize("size", ["a6", "a4"])
def test_the_print_page_prints_on_one_sheet_of_its_size(
    page: Page, holder_pass: dict[str, Any], axe_check: Any, size: str
) -> None:
    page.goto(holder_pass["links"][f"print_{size}"])
    expect(page.locator(".name")).to_have_text(NAME)
    axe_check(page, name=f"printable {size}")
    pdf_link = page.get_by_role("link", name=f"{size.upper()} (PDF)")
    expect(pdf_link).to_have_attribute("href", holder_pass["links"][f"pdf_{size}"])

    page.emulate_media(media="print")
    expect(page.locator(".tools")).to_be_hidden()
    printed = page.pdf(prefer_css_page_size=True, print_background=True)

    assert _sheets(printed) == [SHEETS[size]]
    assert _qr_text(printed) == holder_pass["token"]


def test_the_pass_pages_print_layout_links_to_the_pdfs(
    page: Page, live_server: Any, holder_pass: dict[str, Any]
) -> None:
    # The pass page's own A6 layout, as its "Print on A6" link opens it.
    key = holder_pass["links"]["print_a6"].split("key=")[1].split("&")[0]
    page.goto(f"{live_server.url}/passes/{holder_pass['id']}/print/a6?key={key}")
    for size in ("a6", "a4"):
        href = page.get_by_role("link", name=f"{size.upper()}（PDF）").get_attribute("href")
        response = page.request.get(f"{live_server.url}{href}")
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["cache-control"] == "no-store"
        pdf = response.body()
        assert _sheets(pdf) == [SHEETS[size]]
        assert _qr_text(pdf) == holder_pass["token"]
