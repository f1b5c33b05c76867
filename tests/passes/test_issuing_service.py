"""A real worker issues the pass: registered through the API, over Redis, from PostgreSQL."""

from __future__ import annotations

import time

import pytest

from tests.conftest import Api
from tests.passes.helpers import get_pass, open_edition, path_of, register

pytestmark = pytest.mark.service


def test_the_worker_issues_a_registered_visitors_pass(service_app, service_organiser):
    anonymous = Api(service_app.test_client())
    edition = open_edition(service_organiser)
    registration = register(anonymous, edition["id"])
    pass_id = registration["pass"]["id"]

    deadline = time.monotonic() + 30
    current = get_pass(service_organiser, pass_id)
    while current["state"] != "issued" and time.monotonic() < deadline:
        time.sleep(0.2)
        current = get_pass(service_organiser, pass_id)

    assert current["state"] == "issued", current
    assert current["token"]
    assert current["key_id"]
    png = anonymous.get(path_of(current["links"]["png"]))
    assert png.status_code == 200
    assert png.data.startswith(b"\x89PNG")
