"""Listing, downloading and deleting through HTTP, and who may do each."""

from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from werkzeug.http import parse_options_header

from eventhub.accounts.models import Role
from eventhub.documents.models import Document
from eventhub.extensions import db
from tests.documents.helpers import (
    PDF,
    documents_url,
    draft_application,
    png,
    problem,
    start_review,
    stored_files,
    submit,
    upload,
)


@pytest.fixture
def catalogue(exhibitor, application_id) -> dict:
    response = upload(exhibitor, application_id, PDF, "catalogue.pdf")
    assert response.status_code == 201, response.json
    return dict(response.json)


def _disposition(response) -> tuple[str, dict[str, str]]:
    return parse_options_header(response.headers["Content-Disposition"])


def test_members_list_the_documents_oldest_first(exhibitor, application_id, catalogue):
    photo = upload(exhibitor, application_id, png(), "photo.png", "photo").json

    response = exhibitor.get(documents_url(application_id))

    assert response.status_code == 200
    assert response.json["total"] == 2
    assert [d["id"] for d in response.json["items"]] == [catalogue["id"], photo["id"]]
    assert response.json["items"][0] == catalogue
    photos = exhibitor.get(documents_url(application_id), query_string={"kind": "photo"}).json
    assert [d["id"] for d in photos["items"]] == [photo["id"]]


def test_download_is_byte_identical_with_safe_headers(exhibitor, application_id, catalogue):
    response = exhibitor.get(catalogue["download_url"])

    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["ETag"] == f'"{hashlib.sha256(PDF).hexdigest()}"'
    assert "private" in response.headers["Cache-Control"]
    disposition, options = _disposition(response)
    assert disposition == "attachment"
    assert options["filename"] == "catalogue.pdf"


def test_download_answers_not_modified_for_the_same_etag(exhibitor, catalogue):
    etag = f'"{catalogue["sha256"]}"'

    response = exhibitor.get(catalogue["download_url"], headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.data == b""


@pytest.mark.parametrize(
    "name",
    ["会社案内カタログ2027.pdf", "ﾓｸｺﾚ 出展のご案内.pdf", "木工 “特選” 目録; v2 (最新).pdf"],
    ids=["kanji-kana", "half-width-kana", "quotes-and-semicolon"],
)
def test_japanese_filename_round_trips(exhibitor, application_id, name):
    document = upload(exhibitor, application_id, PDF, name).json
    assert document["filename"] == name

    response = exhibitor.get(document["download_url"])

    header = response.headers["Content-Disposition"]
    assert header.isascii()
    # RFC 5987: filename*=UTF-8''<percent-encoded UTF-8>, with an ASCII fallback beside it.
    encoded = header.split("filename*=", 1)[1]
    assert encoded.startswith("UTF-8''")
    assert unquote(encoded.removeprefix("UTF-8''"), encoding="utf-8") == document["filename"]
    assert _disposition(response)[1]["filename"].endswith(".pdf")


def test_decomposed_kana_from_macos_are_stored_composed(exhibitor, application_id):
    name = unicodedata.normalize("NFD", "パンフレット.pdf")

    document = upload(exhibitor, application_id, PDF, name).json

    assert document["filename"] == "パンフレット.pdf"


def test_hidden_characters_and_wrong_extensions_are_cleaned(exhibitor, application_id):
    # A right-to-left override would show "photo\u202egnp.exe" as "photoexe.png".
    document = upload(exhibitor, application_id, png(), "photo\u202egnp.exe", "photo").json

    assert document["filename"] == "photognp.exe.png"


def test_other_organisations_exhibitor_sees_nothing(
    make_user, exhibitor, application_id, edition_id, catalogue
):
    stranger = make_user()
    draft_application(stranger, edition_id, name="株式会社よその会社")
    submit(exhibitor, application_id)

    problem(stranger.get(documents_url(application_id)), 404, "not_found")
    problem(stranger.get(catalogue["download_url"]), 404, "not_found")
    problem(upload(stranger, application_id), 404, "not_found")
    problem(stranger.delete(catalogue["download_url"]), 404, "not_found")


def test_organiser_downloads_a_submitted_applications_document(
    organiser, exhibitor, application_id, catalogue
):
    problem(organiser.get(catalogue["download_url"]), 404, "not_found")  # a draft is private

    submit(exhibitor, application_id)

    response = organiser.get(catalogue["download_url"])
    assert response.status_code == 200
    assert response.data == PDF
    assert organiser.get(documents_url(application_id)).json["total"] == 1


def test_reviewer_reads_but_does_not_delete(make_user, exhibitor, application_id, catalogue):
    reviewer = make_user(Role.REVIEWER)
    submit(exhibitor, application_id)

    assert reviewer.get(catalogue["download_url"]).status_code == 200
    problem(reviewer.delete(catalogue["download_url"]), 403, "forbidden")


def test_anonymous_is_asked_to_authenticate(anonymous, application_id, catalogue):
    for response in (
        anonymous.get(documents_url(application_id)),
        anonymous.get(catalogue["download_url"]),
        upload(anonymous, application_id),
        anonymous.delete(catalogue["download_url"]),
    ):
        problem(response, 401, "unauthenticated")


def test_unknown_document_is_not_found(exhibitor, application_id, make_user, edition_id):
    other_exhibitor = make_user()
    other_application = draft_application(other_exhibitor, edition_id, name="株式会社べつ")
    other = upload(other_exhibitor, other_application).json

    problem(exhibitor.get(documents_url(application_id, 999_999)), 404, "not_found")
    # A document id of another application is not reachable through this one.
    problem(exhibitor.get(documents_url(application_id, other["id"])), 404, "not_found")


def test_delete_removes_the_file_and_keeps_the_record(
    app, exhibitor, application_id, catalogue, upload_dir
):
    assert len(stored_files(upload_dir)) == 1

    response = exhibitor.delete(catalogue["download_url"])

    assert response.status_code == 204
    assert stored_files(upload_dir) == []
    assert exhibitor.get(documents_url(application_id)).json["total"] == 0
    problem(exhibitor.get(catalogue["download_url"]), 404, "not_found")
    problem(exhibitor.delete(catalogue["download_url"]), 404, "not_found")
    with app.app_context():
        row = db.session.scalars(sa.select(Document)).one()
        assert row.deleted_at is not None
        assert row.sha256 == catalogue["sha256"]


def test_members_delete_only_while_editable_but_organisers_always(
    organiser, exhibitor, application_id, catalogue, upload_dir
):
    submit(exhibitor, application_id)
    start_review(organiser, application_id)

    problem(exhibitor.delete(catalogue["download_url"]), 409, "not_editable")
    assert organiser.delete(catalogue["download_url"]).status_code == 204
    assert stored_files(upload_dir) == []


def test_missing_file_is_a_server_error_not_a_crash(exhibitor, catalogue, upload_dir):
    for path in stored_files(upload_dir):
        path.unlink()

    problem(exhibitor.get(catalogue["download_url"]), 500, "document_file_missing")


def test_openapi_describes_the_upload_as_one_multipart_body(anonymous):
    spec = anonymous.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/applications/{application_id}/documents"]["post"]

    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    schema = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert schema["properties"]["file"] == {
        "type": "string",
        "format": "binary",
        "description": schema["properties"]["file"]["description"],
    }
    assert schema["properties"]["kind"]["enum"] == ["catalogue", "photo", "other"]
    assert set(schema["required"]) == {"file", "kind"}
    assert all(p["in"] != "formData" for p in operation.get("parameters", []))
    download = spec["paths"]["/api/v1/applications/{application_id}/documents/{document_id}"]
    assert "application/pdf" in download["get"]["responses"]["200"]["content"]
