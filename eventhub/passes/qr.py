"""QR images of pass tokens, PNG for e-mail and print, SVG for the web.

Error correction M (15% of the code may be damaged or covered) is the usual
trade-off for printed badges and phone screens. Output depends only on the
token and the options, so a re-issued image is byte-identical and can be cached.
"""

from __future__ import annotations

import io

import qrcode
from qrcode.image.pil import PilImage
from qrcode.image.svg import SvgPathImage

__all__ = ["qr_code", "render_both", "render_png", "render_svg"]


class _OpaqueSvgPathImage(SvgPathImage):
    # A transparent quiet zone vanishes on a dark page or in dark mode, and
    # scanners need it light to find the code.
    background = "#ffffff"


def qr_code(token: str, *, box_size: int = 8, border: int = 4) -> qrcode.QRCode:
    """The laid-out QR code of ``token``, at the smallest version it fits."""
    if box_size < 1 or border < 0:
        raise ValueError(f"box_size must be >= 1 and border >= 0, not {box_size}, {border}")
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=box_size,
        border=border,
    )
    # optimize=0 keeps one byte-mode segment: base64url is mostly lower/upper case,
    # so mixed-mode splitting saves nothing and makes the version harder to predict.
    code.add_data(token, optimize=0)
    code.make(fit=True)
    return code


def _png(code: qrcode.QRCode) -> bytes:
    out = io.BytesIO()
    code.make_image(image_factory=PilImage).save(out, format="PNG")
    return out.getvalue()


def _svg(code: qrcode.QRCode) -> bytes:
    out = io.BytesIO()
    code.make_image(image_factory=_OpaqueSvgPathImage).save(out)
    return out.getvalue()


def render_png(token: str, *, box_size: int = 8, border: int = 4) -> bytes:
    return _png(qr_code(token, box_size=box_size, border=border))


def render_svg(token: str) -> bytes:
    """A standalone SVG document with a single path; it scales, so no box size."""
    return _svg(qr_code(token))


def render_both(token: str) -> tuple[bytes, str]:
    """PNG and SVG (as text) of one layout: choosing the mask, most of the work, is done once."""
    code = qr_code(token)
    return _png(code), _svg(code).decode("utf-8")
