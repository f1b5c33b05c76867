"""A real worker process sends the mail: from PostgreSQL, over Redis, to a real SMTP server.

The session's worker (``service_stack``) takes its SMTP settings from the environment it was
started with, before this module's SMTP server existed. So this module starts a stack of its
own with tests/services.py: a sibling PostgreSQL database, a sibling Redis database, and a
worker whose environment names this module's SMTP server.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy.engine import make_url

from eventhub import create_app
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.notifications import service
from eventhub.notifications.models import MailStatus, OutgoingMail
from eventhub.tasks import enqueue
from tests import services
from tests.notifications.conftest import Sink, free_port

pytestmark = pytest.mark.service


def _sibling_database(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_mail").render_as_string(hide_password=False)


def _sibling_redis(url: str) -> str:
    base, _, number = url.rpartition("/")
    db_number = int(number) if number.isdigit() else 0
    # Its own database, so that each worker only ever sees its own stack's tasks.
    return f"{base}/{db_number - 1 if db_number else 1}"


@pytest.fixture(scope="module")
def worker_sink() -> Iterator[tuple[Sink, int]]:
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def mail_app(
    tmp_path_factory: pytest.TempPathFactory, worker_sink: tuple[Sink, int]
) -> Iterator[Flask]:
    workdir: Path = tmp_path_factory.mktemp("mail-service")
    database = os.environ.get("EVENTHUB_SERVICE_DATABASE_URL", services.DEFAULT_POSTGRES)
    redis_url = os.environ.get("EVENTHUB_SERVICE_REDIS_URL", services.DEFAULT_REDIS)
    with contextlib.ExitStack() as resources:
        # The worker inherits the environment when it starts; put back ours right after.
        with pytest.MonkeyPatch.context() as env:
            env.setenv("SMTP_HOST", "127.0.0.1")
            env.setenv("SMTP_PORT", str(worker_sink[1]))
            env.setenv("SMTP_FROM", "eventhub <noreply@eventhub.test>")
            env.setenv("EVENTHUB_SERVICE_DATABASE_URL", _sibling_database(database))
            env.setenv("EVENTHUB_SERVICE_REDIS_URL", _sibling_redis(redis_url))
            env.setenv("EVENTHUB_INSTANCE_PATH", str(workdir))
            stack = resources.enter_context(services.running_stack(workdir))
            app = create_app(
                {
                    "TESTING": True,
                    "SQLALCHEMY_DATABASE_URI": stack.database_url,
                    "REDIS_URL": stack.redis_url,
                    "CELERY": {"broker_url": stack.redis_url, "task_always_eager": False},
                }
            )
        yield app
        with app.app_context():
            db.engine.dispose()


def _wait_for_status(app: Flask, mail_id: int, status: str, seconds: float = 30) -> OutgoingMail:
    deadline = time.monotonic() + seconds
    with app.app_context():
        while True:
            mail = db.session.get_one(OutgoingMail, mail_id)
            if mail.status == status or time.monotonic() > deadline:
                db.session.expunge(mail)
                return mail
            db.session.rollback()
            time.sleep(0.1)


def test_worker_sends_a_refused_mail_once_on_its_retry(mail_app, worker_sink):
    sink, _ = worker_sink
    to = "refused-once@example.jp"
    sink.refuse_next(1)
    with mail_app.app_context():
        mail = service.queue_mail("service:refused-once", to, "審査結果のお知らせ", "出展決定\n")
        assert mail is not None
        mail_id = mail.id
        db.session.commit()

    sent = _wait_for_status(mail_app, mail_id, MailStatus.SENT)
    assert sent.status == MailStatus.SENT, sent.last_error
    assert sent.attempts == 1
    assert "451" in (sent.last_error or "")
    # Once the worker has run every task (retries included), no stray second copy can come.
    services.wait_for_idle_worker(mail_app.config["REDIS_URL"])
    (message,) = sink.to(to)
    assert message["Subject"] == "審査結果のお知らせ"
    assert sink.refused >= 1


def test_beat_task_redrives_a_mail_whose_worker_died(mail_app, worker_sink):
    sink, _ = worker_sink
    to = "lost-worker@example.jp"
    with mail_app.app_context():
        db.session.add(
            OutgoingMail(
                dedupe_key="service:lost-worker",
                to_address=to,
                subject="Lost",
                body_text="Lost\n",
                status=MailStatus.SENDING,
                claimed_at=utcnow() - timedelta(minutes=15),
            )
        )
        db.session.commit()
        mail_id = db.session.scalar(
            sa.select(OutgoingMail.id).where(OutgoingMail.dedupe_key == "service:lost-worker")
        )
        # What beat does every minute.
        enqueue(service.REDRIVE_TASK)
        db.session.commit()

    sent = _wait_for_status(mail_app, mail_id, MailStatus.SENT)
    assert sent.status == MailStatus.SENT, sent.last_error
    assert len(sink.wait_for(to, 1)) == 1
