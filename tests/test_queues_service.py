"""Work is routed to queues by kind: a worker started with ``-Q passes`` issues passes and
leaves the other queues' tasks (the pass's mail) waiting for their own workers.

The session's worker consumes every queue, so this module starts a stack of its own with
tests/services.py: a sibling PostgreSQL database and a sibling Redis database. The mail tests'
stack uses the same Redis database; both are module-scoped, and pytest tears a module's
fixtures down before the next module's tests start, so the two never run at the same time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from sqlalchemy.engine import make_url

from eventhub import create_app
from eventhub.accounts import service as accounts
from eventhub.extensions import db
from tests import services
from tests.conftest import PASSWORD, Api
from tests.passes.helpers import get_pass, open_edition, register
from tests.waiting import wait_until

pytestmark = pytest.mark.service


@pytest.fixture(scope="module")
def passes_only_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    workdir: Path = tmp_path_factory.mktemp("queues-service")
    database = make_url(os.environ.get("EVENTHUB_SERVICE_DATABASE_URL", services.DEFAULT_POSTGRES))
    base, _, number = os.environ.get(
        "EVENTHUB_SERVICE_REDIS_URL", services.DEFAULT_REDIS
    ).rpartition("/")
    redis_number = int(number) if number.isdigit() else 0
    with pytest.MonkeyPatch.context() as env:
        env.setenv(
            "EVENTHUB_SERVICE_DATABASE_URL",
            database.set(database=f"{database.database}_queues").render_as_string(False),
        )
        env.setenv(
            "EVENTHUB_SERVICE_REDIS_URL", f"{base}/{redis_number - 1 if redis_number else 1}"
        )
        with services.running_stack(workdir, queues=["passes"]) as stack:
            app = create_app(
                {
                    "TESTING": True,
                    "SQLALCHEMY_DATABASE_URI": stack.database_url,
                    "REDIS_URL": stack.redis_url,
                    "RATELIMIT_STORAGE_URI": stack.redis_url,
                    "CELERY": {"broker_url": stack.redis_url, "task_always_eager": False},
                }
            )
            yield app
            with app.app_context():
                db.engine.dispose()


def _organiser(app: Flask) -> Api:
    client = app.test_client()
    email = f"organiser-{os.urandom(4).hex()}@example.jp"
    with app.app_context():
        accounts.create_organiser(email, PASSWORD, "キュー 主催者")
        db.session.commit()
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.json
    return Api(client, response.json["token"])


def test_a_worker_of_the_passes_queue_alone_issues_passes_and_leaves_the_mail(passes_only_app):
    organiser = _organiser(passes_only_app)
    edition = open_edition(organiser)
    pass_id = register(Api(passes_only_app.test_client()), edition["id"])["pass"]["id"]

    issued = wait_until(
        lambda: get_pass(organiser, pass_id)["state"] == "issued",
        message=f"pass {pass_id} issued by the worker of the passes queue",
    )
    assert issued

    # The pass's mail went to the mail queue, which this worker does not consume: it waits.
    client = redis.Redis.from_url(passes_only_app.config["REDIS_URL"])
    try:
        # (Sent right after the commit that issued the pass: it may arrive a moment later.)
        wait_until(lambda: client.llen("mail") >= 1, message="the pass's mail in the mail queue")
        assert client.llen("passes") == 0
    finally:
        client.close()
