"""Two uploads at once for the last place: exactly one gets it, on either database."""

from __future__ import annotations

import threading
import time
from typing import IO, Any

from eventhub.documents import service, storage
from tests.conftest import Api
from tests.documents.helpers import PDF, documents_url, stored_files, upload


def test_two_uploads_for_the_last_place_take_turns(
    app, exhibitor, application_id, upload_dir, monkeypatch
):
    for n in range(service.MAX_DOCUMENTS - 1):
        assert upload(exhibitor, application_id, PDF, f"{n}.pdf").status_code == 201
    original_save = storage.save

    def slow_save(stream: IO[bytes], max_bytes: int, head: bytes = b"") -> storage.StoredFile:
        # Without the lock both uploads would have counted nine documents by now.
        time.sleep(0.3)
        return original_save(stream, max_bytes, head)

    monkeypatch.setattr(storage, "save", slow_save)
    start = threading.Barrier(2)
    statuses: list[int] = []

    def send(name: str) -> None:
        # A client of its own: each thread's request has its own session and connection.
        client = Api(app.test_client(), exhibitor.token, exhibitor.user_id)
        start.wait()
        response: Any = upload(client, application_id, PDF, name)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=(f"last-{n}.pdf",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [201, 409]
    assert exhibitor.get(documents_url(application_id)).json["total"] == service.MAX_DOCUMENTS
    assert len(stored_files(upload_dir)) == service.MAX_DOCUMENTS
