"""A client generated from the served OpenAPI document works against a live server.

Partners write their clients this way: openapi-python-client turns the document into typed
Python, whose models parse every answer strictly (a field documented as a date-time that comes
back null crashes them). The generated client logs in, lists editions and applications,
creates a draft and reads a pass over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from eventhub.passes import signing
from tests.applications.helpers import make_organisation
from tests.booths.helpers import open_edition
from tests.conftest import PASSWORD, Api
from tests.passes.helpers import register

PACKAGE = "eventhub_client"


@pytest.fixture
def live_url(app: Flask) -> Iterator[str]:
    """The suite's app served over HTTP on 127.0.0.1, on a free port."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="client-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def generate_client(document: dict[str, Any], into: Path) -> None:
    path = into / "openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    config = into / "config.json"
    # No formatting hooks: the generated code is imported, never read by people.
    config.write_text(json.dumps({"post_hooks": []}), encoding="utf-8")
    result = subprocess.run(
        [
            *(sys.executable, "-m", "openapi_python_client", "generate"),
            *("--path", str(path), "--config", str(config), "--meta", "none"),
            *("--output-path", str(into / PACKAGE)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_generated_client_logs_in_lists_drafts_and_reads_a_pass(
    app: Flask,
    organiser: Api,
    exhibitor: Api,
    anonymous: Api,
    live_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    signing.forget()  # key rings cached by earlier tests may name reused edition ids
    organisation = make_organisation(exhibitor)  # an exhibitor applies; organisers decide
    edition = open_edition(organiser)
    registration = register(anonymous, edition["id"])

    def email_of(api: Api) -> str:
        with app.app_context():
            me = api.client.get(
                "/api/v1/users/me", headers={"Authorization": f"Bearer {api.token}"}
            )
        return str(me.json["email"])

    generate_client(anonymous.get("/api/v1/openapi.json").json, tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    client_module = importlib.import_module(PACKAGE)
    models = importlib.import_module(f"{PACKAGE}.models")

    def operation(tag: str, name: str) -> Any:
        # Modules are named after the operationId, grouped by tag.
        return importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")

    anonymous_client = client_module.Client(base_url=live_url, raise_on_unexpected_status=True)

    def logged_in(api: Api) -> Any:
        login = operation("accounts", "login").sync(
            client=anonymous_client, body=models.Login(email=email_of(api), password=PASSWORD)
        )
        assert isinstance(login, models.NewToken), login
        assert login.revoked_at is None
        return client_module.AuthenticatedClient(
            base_url=live_url, token=login.token, raise_on_unexpected_status=True
        )

    client = logged_in(exhibitor)

    editions = operation("events", "list_editions").sync(client=client)
    assert isinstance(editions, models.EditionOutPage), editions
    assert [e.id for e in editions.items] == [edition["id"]]

    draft = operation("applications", "create_application").sync(
        edition["id"],
        client=client,
        body=models.Application.from_dict({"organisation_id": organisation["id"]}),
    )
    assert isinstance(draft, models.Application), draft
    assert draft.status == "draft"
    assert draft.submitted_at is None

    applications = operation("applications", "list_applications").sync(client=client)
    assert isinstance(applications, models.ApplicationPage), applications
    assert [a.id for a in applications.items] == [draft.id]

    issued = operation("passes", "get_pass").sync(
        registration["pass"]["id"], client=logged_in(organiser)
    )
    assert isinstance(issued, models.Pass), issued
    assert issued.holder_name == "佐藤 花子"
    assert issued.id == registration["pass"]["id"]
