"""Uploading through HTTP: what is stored where, which files are refused, and the limits."""

from __future__ import annotations

import hashlib

import pytest

from eventhub.documents import service
from eventhub.extensions import db
from tests.documents.helpers import (
    JPEG,
    PDF,
    WEBP,
    documents_url,
    invalid_fields,
    png,
    problem,
    start_review,
    stored_files,
    submit,
    upload,
)


def test_member_uploads_a_catalogue_pdf(exhibitor, application_id, upload_dir):
    response = upload(exhibitor, application_id, PDF, "catalogue.pdf")

    assert response.status_code == 201, response.json
    document = response.json
    assert document["kind"] == "catalogue"
    assert document["filename"] == "catalogue.pdf"
    assert document["content_type"] == "application/pdf"
    assert document["size_bytes"] == len(PDF)
    assert document["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert document["uploaded_by"]["id"] == exhibitor.user_id
    assert document["download_url"] == documents_url(application_id, document["id"])
    assert "storage_key" not in document
    [stored] = stored_files(upload_dir)
    assert stored.read_bytes() == PDF
    # Sharded by the key's first characters: ab/cd/abcd…
    assert stored.parent.parent.parent == upload_dir
    assert stored.name.startswith(stored.parent.parent.name + stored.parent.name)


@pytest.mark.parametrize(
    ("content", "filename", "content_type"),
    [
        (png(), "製品写真.png", "image/png"),
        (JPEG, "photo.jpeg", "image/jpeg"),
        (WEBP, "photo.webp", "image/webp"),
    ],
    ids=["png", "jpeg", "webp"],
)
def test_photos_are_typed_by_their_content(
    exhibitor, application_id, content, filename, content_type
):
    # The client's claim is ignored either way: what counts is the magic bytes.
    response = upload(exhibitor, application_id, content, filename, "photo", "text/plain")

    assert response.status_code == 201, response.json
    assert response.json["content_type"] == content_type
    assert response.json["filename"] == filename


def test_text_named_pdf_is_refused_naming_the_file_and_the_allowed_types(
    exhibitor, application_id, upload_dir
):
    text = b"just some text, not a PDF"

    response = upload(
        exhibitor, application_id, text, "catalogue.pdf", "catalogue", "application/pdf"
    )

    assert invalid_fields(response) == {"file"}
    assert response.json["allowed_types"] == ["application/pdf"]
    assert "PDF" in response.json["errors"][0]["message"]
    assert stored_files(upload_dir) == []


@pytest.mark.parametrize(
    ("kind", "content", "allowed"),
    [
        ("catalogue", png(), ["application/pdf"]),
        ("photo", PDF, ["image/jpeg", "image/png", "image/webp"]),
    ],
    ids=["png-as-catalogue", "pdf-as-photo"],
)
def test_kind_decides_the_allowed_types(exhibitor, application_id, kind, content, allowed):
    response = upload(exhibitor, application_id, content, "file.bin", kind)

    assert invalid_fields(response) == {"file"}
    assert response.json["allowed_types"] == allowed


def test_other_takes_any_accepted_type(exhibitor, application_id):
    for content in (PDF, png(), JPEG, WEBP):
        assert upload(exhibitor, application_id, content, "x", "other").status_code == 201


def test_missing_file_is_refused_naming_file(exhibitor, application_id):
    response = exhibitor.post(
        documents_url(application_id),
        data={"kind": "catalogue"},
        content_type="multipart/form-data",
    )

    assert invalid_fields(response) == {"file"}


def test_file_sent_as_a_text_field_is_refused_naming_file(exhibitor, application_id):
    response = exhibitor.post(
        documents_url(application_id),
        data={"kind": "catalogue", "file": "%PDF-1.4 not a file part"},
        content_type="multipart/form-data",
    )

    assert invalid_fields(response) == {"file"}


def test_empty_file_is_refused(exhibitor, application_id):
    response = upload(exhibitor, application_id, b"", "empty.pdf")

    assert invalid_fields(response) == {"file"}


@pytest.mark.parametrize("kind", ["brochure", "", None])
def test_unknown_or_missing_kind_is_refused_naming_kind(exhibitor, application_id, kind):
    response = upload(exhibitor, application_id, PDF, "catalogue.pdf", kind)

    assert invalid_fields(response) == {"kind"}
    assert response.json["errors"][0]["location"] == "multipart"


def test_file_over_the_limit_is_refused_and_nothing_is_kept(
    exhibitor, application_id, upload_dir, small_upload_limit
):
    big = png(padding=small_upload_limit)

    response = upload(exhibitor, application_id, big, "big.png", "photo")

    body = problem(response, 413, "payload_too_large")
    assert body["errors"][0]["field"] == "file"
    assert body["max_bytes"] == small_upload_limit
    assert stored_files(upload_dir) == []
    assert exhibitor.get(documents_url(application_id)).json["total"] == 0


def test_file_of_exactly_the_limit_is_taken(exhibitor, application_id, small_upload_limit):
    content = png(padding=1)
    content = png(padding=small_upload_limit - len(content) + 1)
    assert len(content) == small_upload_limit

    assert upload(exhibitor, application_id, content, "max.png", "photo").status_code == 201


def test_body_far_over_the_limit_is_refused_before_it_is_read(
    exhibitor, application_id, upload_dir, small_upload_limit
):
    # Bigger than the file limit plus the multipart allowance: Flask refuses the whole body.
    huge = png(padding=200 * 1024)

    response = upload(exhibitor, application_id, huge, "huge.png", "photo")

    problem(response, 413, "payload_too_large")
    assert stored_files(upload_dir) == []


def test_eleventh_document_is_refused_until_one_is_deleted(exhibitor, application_id):
    ids = [
        upload(exhibitor, application_id, PDF, f"{n}.pdf").json["id"]
        for n in range(service.MAX_DOCUMENTS)
    ]

    response = upload(exhibitor, application_id, PDF, "eleventh.pdf")

    body = problem(response, 409, "too_many_documents")
    assert body["limit"] == 10
    assert exhibitor.delete(documents_url(application_id, ids[0])).status_code == 204
    assert upload(exhibitor, application_id, PDF, "eleventh.pdf").status_code == 201


def test_path_in_the_filename_never_leaves_the_upload_folder(
    exhibitor, application_id, upload_dir, tmp_path
):
    for name in (
        "../../etc/passwd",
        "..\\..\\boot.ini",
        "/etc/shadow",
        "..",
        "C:\\fakepath\\a.pdf",
    ):
        response = upload(exhibitor, application_id, PDF, name)
        assert response.status_code == 201, response.json
        assert "/" not in response.json["filename"]
        assert "\\" not in response.json["filename"]

    assert upload(exhibitor, application_id, PDF, "../../etc/passwd").json["filename"] == (
        "passwd.pdf"
    )
    files = stored_files(upload_dir)
    assert len(files) == 6
    assert all(f.resolve().is_relative_to(upload_dir.resolve()) for f in files)
    # Nothing was written beside the upload folder either.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uploads"]


def test_submitted_application_takes_documents(exhibitor, application_id):
    submit(exhibitor, application_id)

    assert upload(exhibitor, application_id).status_code == 201


def test_no_uploads_once_the_review_started(exhibitor, organiser, application_id):
    submit(exhibitor, application_id)
    start_review(organiser, application_id)

    problem(upload(exhibitor, application_id), 409, "not_editable")


def test_organiser_cannot_upload_for_an_exhibitor(exhibitor, organiser, application_id):
    submit(exhibitor, application_id)

    problem(upload(organiser, application_id), 403, "forbidden")


def test_failed_commit_removes_the_stored_file(exhibitor, application_id, upload_dir, monkeypatch):
    def fail() -> None:
        raise RuntimeError("database went away")

    with monkeypatch.context() as patch:
        patch.setattr(db.session, "commit", fail)
        with pytest.raises(RuntimeError, match="database went away"):
            upload(exhibitor, application_id)

    assert stored_files(upload_dir) == []
    assert exhibitor.get(documents_url(application_id)).json["total"] == 0
