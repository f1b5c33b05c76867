"""The pass PDFs, A6 and A4: one page at its paper size, the Japanese font embedded, and a QR
code that an independent decoder (zxing-cpp) reads from the rendered page, at full and half
resolution, at least 25 mm wide on paper."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from tests.passes.helpers import get_pass, pass_url, path_of, problem, register

MM_PER_PT = 25.4 / 72
#: The rendering resolution of the decoding test; half of it is about a cheap phone photo.
DPI = 200
NAME = "髙橋 太郎"


def _fonts(reader: PdfReader) -> list[DictionaryObject]:
    """Every font the pages use, the descendant fonts of composite (Type0) fonts included."""
    found: list[DictionaryObject] = []
    for page in reader.pages:
        resources: Any = page["/Resources"].get_object()
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            found.append(font)
            found.extend(d.get_object() for d in font.get("/DescendantFonts", []))
    return found


def _embedded(font: DictionaryObject) -> bool:
    descriptor: Any = font.get("/FontDescriptor")
    if descriptor is None:  # a Type0 font: its descendant carries the descriptor
        return font.get("/Subtype") == "/Type0"
    descriptor = descriptor.get_object()
    return any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _qr_codes(pdf: bytes, dpi: int) -> list[Any]:
    document = pypdfium2.PdfDocument(pdf)
    image: Image.Image = document[0].render(scale=dpi / 72).to_pil()
    return list(zxingcpp.read_barcodes(image))


@pytest.mark.parametrize(("size", "width_mm", "height_mm"), [("a6", 105, 148), ("a4", 210, 297)])
def test_each_pdf_is_one_page_at_its_size_with_a_readable_qr_code(
    anonymous, organiser, edition, size, width_mm, height_mm
):
    pass_id = register(anonymous, edition["id"], name=NAME)["pass"]["id"]
    pass_ = get_pass(organiser, pass_id)

    response = anonymous.get(path_of(pass_["links"][f"pdf_{size}"]))

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert f'filename="pass-{pass_id}-{size}.pdf"' in response.headers["Content-Disposition"]
    pdf = response.get_data()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width) * MM_PER_PT) == width_mm
    assert round(float(box.height) * MM_PER_PT) == height_mm
    # The name is set in the embedded Japanese font, and reads back as text.
    fonts = _fonts(reader)
    assert fonts
    assert all(_embedded(font) for font in fonts), [f.get("/BaseFont") for f in fonts]
    assert any("IPAexGothic" in str(font.get("/BaseFont")) for font in fonts)
    assert NAME in reader.pages[0].extract_text()

    for dpi in (DPI, DPI // 2):
        found = _qr_codes(pdf, dpi)
        assert [code.text for code in found] == [pass_["token"]], dpi
        corners = found[0].position
        width_px = abs(corners.top_right.x - corners.top_left.x)
        assert width_px / dpi * 25.4 >= 25, (dpi, width_px)


def test_the_key_may_come_in_a_header_and_organisers_need_none(anonymous, organiser, edition):
    pass_id = register(anonymous, edition["id"])["pass"]["id"]
    key = path_of(get_pass(organiser, pass_id)["links"]["pdf_a4"]).split("key=")[1].split("&")[0]

    by_header = anonymous.get(pass_url(pass_id, "pass.pdf"), headers={"X-Pass-Key": key})
    assert by_header.status_code == 200
    assert by_header.get_data().startswith(b"%PDF-")
    assert organiser.get(pass_url(pass_id, "pass.pdf") + "?size=a4").status_code == 200


def test_wrong_or_missing_keys_roles_and_sizes(anonymous, organiser, exhibitor, edition):
    pass_id = register(anonymous, edition["id"])["pass"]["id"]
    url = pass_url(pass_id, "pass.pdf")

    problem(anonymous.get(url + "?key=AAAA"), 404, "not_found")
    problem(anonymous.get(url), 401, "unauthenticated")
    problem(exhibitor.get(url), 403, "forbidden")
    problem(anonymous.get(pass_url(pass_id + 1, "pass.pdf") + "?key=AAAA"), 404, "not_found")
    problem(organiser.get(url + "?size=a3"), 422, "validation_failed")


def test_a_pending_pass_has_no_pdf_yet(anonymous, organiser, edition, lost_tasks):
    pass_id = register(anonymous, edition["id"])["pass"]["id"]
    pending = get_pass(organiser, pass_id)

    problem(anonymous.get(path_of(pending["links"]["pdf_a6"])), 409, "pass_not_issued")


def test_the_print_page_links_to_both_pdfs_and_sets_its_sheet_in_millimetres(
    anonymous, organiser, edition
):
    pass_id = register(anonymous, edition["id"])["pass"]["id"]
    links = get_pass(organiser, pass_id)["links"]

    html = anonymous.get(path_of(links["print_a6"])).get_data(as_text=True)

    # Chromium knows no "A6" keyword: a named size would print on Letter.
    assert "@page { size: 105mm 148mm;" in html
    for size in ("a6", "a4"):
        assert f'href="{links[f"pdf_{size}"].replace("&", "&amp;")}"' in html
