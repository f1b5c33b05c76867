"""Cleaning uploaders' file names: what is kept for display and what is never trusted."""

from __future__ import annotations

import pytest

from eventhub.documents.service import clean_filename, sniff


@pytest.mark.parametrize(
    ("raw", "content_type", "expected"),
    [
        ("カタログ.pdf", "application/pdf", "カタログ.pdf"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("C:\\fakepath\\写真.JPG", "image/jpeg", "写真.JPG"),
        ('say "cheese"?.png', "image/png", "say _cheese__.png"),
        ("photo\u202egnp.exe", "image/png", "photognp.exe.png"),
        ("tab\tand\nnewline.pdf", "application/pdf", "tabandnewline.pdf"),
        ("  spaced   out  .pdf ", "application/pdf", "spaced out.pdf"),
        ("photo.png", "image/webp", "photo.png.webp"),
        ("", "application/pdf", "catalogue.pdf"),
        (None, "application/pdf", "catalogue.pdf"),
        ("...", "application/pdf", "catalogue.pdf"),
        (".pdf", "application/pdf", "pdf.pdf"),
    ],
)
def test_names_are_cleaned_for_display(raw, content_type, expected):
    assert clean_filename(raw, content_type, "catalogue") == expected


def test_long_names_keep_their_extension_within_255_characters():
    name = clean_filename("展" * 400 + ".pdf", "application/pdf", "catalogue")

    assert len(name) == 255
    assert name.endswith("展.pdf")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xff\xd8\xff\xdb", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"RIFF\x00\x00\x00\x00WEBP", "image/webp"),
        (b"RIFF\x00\x00\x00\x00WAVE", None),  # RIFF, but audio
        (b"%PDF", None),  # too short to be sure
        (b"<svg xmlns=", None),
        (b"", None),
    ],
    ids=["pdf", "jpeg", "png", "webp", "wave", "truncated-pdf", "svg", "empty"],
)
def test_types_are_recognised_by_their_magic_bytes(head, expected):
    assert sniff(head) == expected
