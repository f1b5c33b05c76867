"""The holder's private links: QR images and a printable page, without an account."""

from __future__ import annotations

from tests.passes.helpers import get_pass, pass_url, path_of, problem, register


def test_svg_and_both_print_sizes_through_the_private_links(anonymous, organiser, edition):
    pass_id = register(anonymous, edition["id"], name="高橋 <b>太郎</b>")["pass"]["id"]
    links = get_pass(organiser, pass_id)["links"]

    svg = anonymous.get(path_of(links["svg"]))
    assert svg.status_code == 200
    assert svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data
    # In millimetres: Chromium knows no "A6" keyword and would print on Letter.
    for size, page in (("a6", "105mm 148mm"), ("a4", "210mm 297mm")):
        printed = anonymous.get(path_of(links[f"print_{size}"]))
        assert printed.status_code == 200
        assert printed.mimetype == "text/html"
        html = printed.get_data(as_text=True)
        assert f"size: {page}" in html
        assert "<svg" in html
        assert "<?xml" not in html
        assert "バイヤー / Buyer" in html
        assert "2027年10月28日〜10月30日" in html


def test_the_print_page_escapes_the_holders_name(anonymous, organiser, edition):
    name = '<script>alert("x")</script>'
    pass_id = register(anonymous, edition["id"], name=name)["pass"]["id"]
    link = get_pass(organiser, pass_id)["links"]["print_a6"]

    printed = anonymous.get(path_of(link))

    html = printed.get_data(as_text=True)
    assert "<script>" not in html
    # Jinja escapes as markupsafe does (&#34; for a double quote).
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "default-src 'none'" in printed.headers["Content-Security-Policy"]


def test_wrong_or_missing_keys_and_roles(anonymous, organiser, exhibitor, edition):
    pass_id = register(anonymous, edition["id"])["pass"]["id"]

    for action in ("qr.png", "qr.svg", "print"):
        problem(anonymous.get(pass_url(pass_id, action) + "?key=AAAA"), 404, "not_found")
        problem(anonymous.get(pass_url(pass_id, action)), 401, "unauthenticated")
        problem(exhibitor.get(pass_url(pass_id, action)), 403, "forbidden")
    # Organisers need no key; an unknown pass is not found, key or not.
    assert organiser.get(pass_url(pass_id, "qr.png")).status_code == 200
    problem(anonymous.get(pass_url(pass_id + 1, "qr.png") + "?key=AAAA"), 404, "not_found")
    problem(anonymous.get(pass_url(pass_id, "print") + "?size=a3"), 422, "validation_failed")


def test_a_pending_pass_has_no_qr_code_yet(anonymous, organiser, edition, lost_tasks):
    pass_id = register(anonymous, edition["id"])["pass"]["id"]
    pending = get_pass(organiser, pass_id)
    assert pending["state"] == "pending"
    assert pending["token"] is None

    for link in ("png", "svg", "print_a4"):
        problem(anonymous.get(path_of(pending["links"][link])), 409, "pass_not_issued")
