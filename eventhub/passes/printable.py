"""What the holder sees: the private links, the printable page (and PDF) and the pass mail.

The private link's key is an HMAC of the pass id and serial under SECRET_KEY: nothing is
stored, and re-issuing (a new serial) retires every old link at once. Links made under a
secret in SECRET_KEY_FALLBACKS keep working until it leaves the list.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from flask import render_template
from markupsafe import Markup

from eventhub import fonts, secret_keys
from eventhub.events.models import Edition
from eventhub.links import base_url
from eventhub.notifications.templates import RULE, SIGNATURE
from eventhub.passes.models import AttendeeType, Pass

#: 16 bytes (128 bits) is beyond guessing and keeps the link short.
KEY_BYTES = 16

#: How a pass kind reads on the pass and in the mail, in Japanese and English.
KIND_LABELS: dict[str, tuple[str, str]] = {
    AttendeeType.GENERAL: ("一般来場者", "Visitor"),
    AttendeeType.BUYER: ("バイヤー", "Buyer"),
    AttendeeType.PRESS: ("報道関係者", "Press"),
    AttendeeType.EXHIBITOR_STAFF: ("出展者スタッフ", "Exhibitor staff"),
    AttendeeType.VIP: ("VIP", "VIP"),
}


@dataclass(frozen=True)
class Layout:
    """One printed size of the pass: the sheet, its margins, the type and the QR code's width."""

    name: str
    width: str
    height: str
    margin: str
    font_size: str
    #: Printed width of the QR code with its quiet zone; at A6 a module is about 1.1 mm, which
    #: phone cameras and gate scanners read at arm's length.
    qr_width: str


SIZES = {
    "a6": Layout("A6", "105mm", "148mm", "6mm", "9pt", "55mm"),
    "a4": Layout("A4", "210mm", "297mm", "15mm", "14pt", "100mm"),
}


def _key_under(secret: str, pass_id: int, serial: int) -> str:
    digest = hmac.new(
        secret.encode("utf-8"), f"pass:{pass_id}:{serial}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:KEY_BYTES]).rstrip(b"=").decode("ascii")


def pass_key(pass_id: int, serial: int) -> str:
    return _key_under(secret_keys.current(), pass_id, serial)


def key_matches(pass_: Pass, key: str) -> bool:
    # Constant time: the key is the only thing guarding an anonymous link.
    given = key.encode()
    return any(
        hmac.compare_digest(_key_under(secret, pass_.id, pass_.serial).encode(), given)
        for secret in secret_keys.readable()
    )


def links(pass_: Pass) -> dict[str, str]:
    base = f"{base_url()}/api/v1/passes/{pass_.id}"
    key = pass_key(pass_.id, pass_.serial)
    return {
        "png": f"{base}/qr.png?key={key}",
        "svg": f"{base}/qr.svg?key={key}",
        "print_a6": f"{base}/print?key={key}&size=a6",
        "print_a4": f"{base}/print?key={key}&size=a4",
        "pdf_a6": f"{base}/pass.pdf?key={key}&size=a6",
        "pdf_a4": f"{base}/pass.pdf?key={key}&size=a4",
    }


def page_link(pass_: Pass) -> str:
    """The holder's pass page (QR, print layouts, bookings): the link the pass mail carries."""
    base = base_url()
    return f"{base}/passes/{pass_.id}?key={pass_key(pass_.id, pass_.serial)}"


def _days(edition: Edition) -> tuple[date, date]:
    zone = ZoneInfo(edition.timezone)
    return edition.starts_at.astimezone(zone).date(), edition.ends_at.astimezone(zone).date()


def dates_ja(edition: Edition, valid_days: list[str] | None) -> str:
    if valid_days:
        return "、".join(f"{d.month}月{d.day}日" for d in map(date.fromisoformat, valid_days))
    first, last = _days(edition)
    return f"{first.year}年{first.month}月{first.day}日〜{last.month}月{last.day}日"


def dates_en(edition: Edition, valid_days: list[str] | None) -> str:
    if valid_days:
        return ", ".join(f"{d:%d %b %Y}" for d in map(date.fromisoformat, valid_days))
    first, last = _days(edition)
    return f"{first:%d %b %Y} – {last:%d %b %Y}"


def _qr_inline(pass_: Pass) -> Markup:
    svg = pass_.qr_svg or ""
    # The SVG is ours (rendered from the token), but drop its XML declaration to inline it.
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2 :].lstrip()
    return Markup(svg)  # noqa: S704 - our own rendering of the token, no user text in it


def print_page(pass_: Pass, edition: Edition, size: str, *, font_url: str | None = None) -> str:
    """A self-contained HTML page to print the pass on one sheet, from the printable template
    (autoescaped: every value from a user is escaped). With ``font_url`` it is the source of
    the pass PDF: the font is embedded from there, and the links to the PDFs are left out."""
    kind_ja, kind_en = KIND_LABELS.get(pass_.kind, (pass_.kind, pass_.kind))
    all_links = links(pass_)
    pdf_links = [(layout.name, all_links[f"pdf_{key}"]) for key, layout in SIZES.items()]
    return render_template(
        "passes/printable.html",
        pass_=pass_,
        edition=edition,
        layout=SIZES[size],
        kind_ja=kind_ja,
        kind_en=kind_en,
        dates_ja=dates_ja(edition, pass_.valid_days),
        dates_en=dates_en(edition, pass_.valid_days),
        venue=" / ".join(v for v in (edition.venue_ja, edition.venue_en) if v),
        qr_svg=_qr_inline(pass_),
        font_family=fonts.JAPANESE_FAMILY,
        font_url=font_url,
        pdf_links=None if font_url else pdf_links,
    )


def pass_mail(pass_: Pass, edition: Edition) -> tuple[str, str]:
    """Subject and body of the mail that hands the holder the pass, Japanese then English."""
    kind_ja, kind_en = KIND_LABELS.get(pass_.kind, (pass_.kind, pass_.kind))
    page = page_link(pass_)
    venue_ja = edition.venue_ja or "オンライン"
    venue_en = edition.venue_en or edition.venue_ja or "Online"
    ja = [
        f"{pass_.holder_name} 様",
        "",
        f"「{edition.title_ja}」の入場パスを発行しました。",
        "当日は次のページのQRコードを、印刷するかスマートフォンに表示して受付でご提示ください。",
        "",
        f"  区分：{kind_ja}",
        f"  会期：{dates_ja(edition, pass_.valid_days)}",
        f"  会場：{venue_ja}",
        "",
        "入場パス（QRコード・印刷・体験/商談の予約）：",
        page,
        "",
        "このリンクはあなた専用です。他の方と共有しないでください。",
    ]
    en = [
        f"Dear {pass_.holder_name},",
        "",
        f"Your pass for {edition.title_en} is ready. Show its QR code at the entrance,",
        "printed or on your phone.",
        "",
        f"  Type: {kind_en}",
        f"  Dates: {dates_en(edition, pass_.valid_days)}",
        f"  Venue: {venue_en}",
        "",
        "Your pass (QR code, printing, booking hands-on slots and meetings):",
        page,
        "",
        "This link is yours alone; please do not share it.",
    ]
    subject = f"【{edition.title_ja}】入場パスのご案内 / Your pass"
    body = "\n".join(ja) + "\n\n" + RULE + "\n" + "\n".join(en) + "\n\n" + SIGNATURE
    return subject, body
