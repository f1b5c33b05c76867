import io
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from eventhub.passes.qr import qr_code, render_both, render_png, render_svg
from eventhub.passes.tokens import PassKind, TokenClaims, sign

SVG = "{http://www.w3.org/2000/svg}"
TOKEN = sign(
    TokenClaims(123_456, 12, PassKind.ATTENDEE, date(2025, 10, 29), date(2025, 10, 31), None, 0),
    Ed25519PrivateKey.from_private_bytes(bytes(32)),
    b"kid0",
)


def test_typical_token_fits_a_low_version() -> None:
    code = qr_code(TOKEN)
    # Version 6 (41x41) holds 106 bytes at level M; a version 7 would also scan well.
    assert code.version <= 6
    assert code.modules_count == 17 + 4 * code.version


@pytest.mark.parametrize(("box_size", "border"), [(8, 4), (3, 1), (1, 0)])
def test_png_pixels_are_the_modules(box_size: int, border: int) -> None:
    png = render_png(TOKEN, box_size=box_size, border=border)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    code = qr_code(TOKEN, box_size=box_size, border=border)
    side = (code.modules_count + 2 * border) * box_size
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (side, side)
        pixels = image.convert("L")
        # Sampling each module's centre is a decoder's first step; it must give
        # back exactly the matrix qrcode laid out, quiet zone included.
        seen = [
            [
                pixels.getpixel((x * box_size + box_size // 2, y * box_size + box_size // 2)) == 0
                for x in range(side // box_size)
            ]
            for y in range(side // box_size)
        ]
    assert seen == code.get_matrix()


def test_png_is_deterministic() -> None:
    assert render_png(TOKEN) == render_png(TOKEN)
    assert render_png(TOKEN) != render_png(TOKEN[:-1] + "A")


def test_svg_is_a_single_path_on_white() -> None:
    svg = render_svg(TOKEN)
    assert svg == render_svg(TOKEN)
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    paths = root.findall(f"{SVG}path")
    assert len(paths) == 1
    assert paths[0].get("d", "").startswith("M")
    rect = root.find(f"{SVG}rect")
    assert rect is not None
    assert rect.get("fill") == "#ffffff"
    assert root.get("viewBox") is not None


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="box_size"):
        render_png(TOKEN, box_size=0)
    with pytest.raises(ValueError, match="border"):
        render_png(TOKEN, border=-1)


def test_both_images_of_one_layout_are_the_separate_renderings() -> None:
    token = "AQ" + "x" * 100
    png, svg = render_both(token)
    assert png == render_png(token)
    assert svg == render_svg(token).decode("utf-8")
