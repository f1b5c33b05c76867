"""Files built in memory, and applications made through the API, for the documents tests."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

from tests.accounts.helpers import organisation_payload
from tests.conftest import Api
from tests.events.helpers import EDITIONS, edition_body

PROBLEM_JSON = "application/problem+json"

#: A one-page PDF; without a cross-reference table, which PDF readers rebuild.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
#: Starts with JPEG's and WebP's magic bytes; only the magic bytes are checked.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
WEBP = (
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00"
    b"\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
)


def png(width: int = 1, height: int = 1, padding: int = 0) -> bytes:
    """A valid RGB PNG; ``padding`` adds a private chunk to make it as big as a test needs."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x80\x00" * width for _ in range(height))
    extra = chunk(b"teSt", b"\x00" * padding) if padding else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + extra
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def documents_url(application_id: int, document_id: int | None = None) -> str:
    url = f"/api/v1/applications/{application_id}/documents"
    return url if document_id is None else f"{url}/{document_id}"


def upload(
    api: Api,
    application_id: int,
    content: bytes = PDF,
    filename: str = "catalogue.pdf",
    kind: str | None = "catalogue",
    content_type: str = "application/octet-stream",
) -> Any:
    """POST a multipart form with the file part ``file`` and the text field ``kind``."""
    data: dict[str, Any] = {"file": (io.BytesIO(content), filename, content_type)}
    if kind is not None:
        data["kind"] = kind
    return api.post(documents_url(application_id), data=data, content_type="multipart/form-data")


def open_edition(organiser: Api) -> int:
    """An open takumi edition in August 2027, taking applications now."""
    body = edition_body(starts_at="2027-08-06T10:00:00+09:00", ends_at="2027-08-08T17:00:00+09:00")
    response = organiser.post(EDITIONS, json=body)
    assert response.status_code == 201, response.json
    edition_id = int(response.json["id"])
    response = organiser.post(f"{EDITIONS}/{edition_id}/status", json={"status": "open"})
    assert response.status_code == 200, response.json
    return edition_id


def draft_application(exhibitor: Api, edition_id: int, name: str = "株式会社テスト工芸") -> int:
    """A new organisation of ``exhibitor`` and its draft application, with every field the
    takumi form needs to be submitted."""
    response = exhibitor.post("/api/v1/organisations", json=organisation_payload(name=name))
    assert response.status_code == 201, response.json
    body = {
        "organisation_id": response.json["id"],
        "contact_name": "山田 太郎",
        "contact_name_kana": "ヤマダ タロウ",
        "contact_email": "yamada@example.jp",
        "contact_phone": "03-1234-5678",
        "summary_ja": "江戸切子の実演と販売",
        "industry_category": "crafts",
        "booth_type": "standard",
        "booth_units": 1,
        "accept_terms": True,
        "series_fields": {"craft": "江戸切子"},
    }
    response = exhibitor.post(f"{EDITIONS}/{edition_id}/applications", json=body)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def submit(exhibitor: Api, application_id: int) -> None:
    response = exhibitor.post(f"/api/v1/applications/{application_id}/submit", json={})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "submitted"


def start_review(organiser: Api, application_id: int) -> None:
    response = organiser.post(f"/api/v1/applications/{application_id}/review", json={})
    assert response.status_code == 200, response.json


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    body: dict[str, Any] = response.get_json(force=True)
    assert body["code"] == code, body
    return body


def invalid_fields(response: Any) -> set[str]:
    """The fields a 422 problem names."""
    body = problem(response, 422, "validation_failed")
    return {e["field"] for e in body["errors"] if "field" in e}


def stored_files(folder: Path) -> list[Path]:
    """Every file under the upload folder, temporary ones included."""
    return sorted(p for p in folder.rglob("*") if p.is_file())
