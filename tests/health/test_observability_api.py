"""What an operator watches, through HTTP: /metrics, readiness, request ids and the log format."""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from eventhub import logs
from eventhub.extensions import db
from eventhub.notifications.models import MailStatus, OutgoingMail
from eventhub.notifications.service import queue_mail
from tests import services
from tests.checkin.gate_helpers import (
    edition,
    fresh_caches,  # noqa: F401  (autouse fixture)
    issue_pass,
    make_device,
    make_gate,
    scan,
)
from tests.conftest import Api

PING = "/api/v1/health/ping"
READY = "/api/v1/health/ready"


def _samples(client: FlaskClient, headers: dict[str, str] | None = None) -> dict[str, float]:
    """Every sample of one scrape, by name and labels: ``name{a="1",b="2"}`` → value."""
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/plain"
    out = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            out[f"{sample.name}{{{labels}}}"] = sample.value
    return out


def test_a_request_is_counted_by_its_route_and_status_with_its_latency(client):
    count = 'eventhub_http_requests_total{method="GET",route="/api/v1/health/ping",status="200"}'
    timed = 'eventhub_http_request_duration_seconds_count{method="GET",route="/api/v1/health/ping"}'
    before = _samples(client)

    assert client.get(PING).status_code == 200
    assert client.get(PING).status_code == 200

    after = _samples(client)
    assert after[count] == before.get(count, 0) + 2
    assert after[timed] == before.get(timed, 0) + 2


def test_requests_are_counted_by_url_rule_not_by_path(client):
    client.get("/api/v1/editions/123456")
    client.get("/no/such/page/7f3a")

    samples = _samples(client)
    assert (
        'eventhub_http_requests_total{method="GET",route="/api/v1/editions/<int:edition_id>",status="404"}'
        in samples
    )
    assert 'eventhub_http_requests_total{method="GET",route="(unmatched)",status="404"}' in samples
    assert not any("123456" in name or "7f3a" in name for name in samples)


def test_a_scan_is_counted_by_its_result(app, organiser, client):
    ed = edition(organiser)
    device = make_device(organiser, ed["id"], make_gate(organiser, ed["id"])["id"])
    issued = issue_pass(app, ed["id"])
    admitted = 'eventhub_scans_total{result="admitted"}'
    inside = 'eventhub_scans_total{result="already_inside"}'
    before = _samples(client)

    assert scan(device, issued.token).json["result"] == "admitted"
    assert scan(device, issued.token).json["result"] == "already_inside"

    after = _samples(client)
    assert after[admitted] == before.get(admitted, 0) + 1
    assert after[inside] == before.get(inside, 0) + 1


def test_issued_passes_and_waiting_mails_are_shown(app, organiser, client):
    from tests.passes.helpers import register

    issued = "eventhub_passes_issued_total{}"
    before = _samples(client)
    register(Api(client), edition(organiser)["id"])  # tasks run in-process: issued at once
    with app.app_context():
        # The pass's mail waits: no mail server listens in the tests. Another one gave up.
        mail = queue_mail("metrics:failed", "gave-up@example.jp", "件名", "本文\n")
        assert mail is not None
        db.session.commit()
        db.session.execute(
            sa.update(OutgoingMail)
            .where(OutgoingMail.id == mail.id)
            .values(status=MailStatus.FAILED)
        )
        db.session.commit()

    after = _samples(client)
    assert after[issued] == before[issued] + 1
    assert after['eventhub_mails{status="failed"}'] == 1
    assert after['eventhub_mails{status="pending"}'] == 1


def test_queue_depths_are_read_from_redis_and_the_heartbeat_age_from_the_database(
    app, organiser, client, monkeypatch
):
    import redis

    redis_url = _idle_redis()
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    broker = redis.Redis.from_url(redis_url)
    broker.delete("passes")
    broker.rpush("passes", "a", "b")
    # Another test's stack may have left mail in this database: the gauge reads what is there.
    waiting_mail = broker.llen("mail")
    try:
        assert organiser.post("/api/v1/health/heartbeats").status_code == 202  # run in-process
        samples = _samples(client)
    finally:
        broker.delete("passes")
        broker.close()
    assert samples['eventhub_queue_depth{queue="passes"}'] == 2
    assert samples['eventhub_queue_depth{queue="mail"}'] == waiting_mail
    assert 0 <= samples["eventhub_worker_heartbeat_age_seconds{}"] < 60


def _idle_redis() -> str:
    """A Redis database no worker consumes: the one below this xdist worker's service stack,
    used only by module-scoped sibling stacks of other modules (torn down before this runs)."""
    url = services.per_worker_redis(
        os.environ.get("EVENTHUB_SERVICE_REDIS_URL", services.DEFAULT_REDIS)
    )
    base, _, number = url.rpartition("/")
    return f"{base}/{int(number) - 1 if int(number) else 1}"


def test_with_a_metrics_token_only_its_bearer_reads_metrics(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "EVENTHUB_METRICS_TOKEN", "scrape-token-0123456789")

    refused = client.get("/metrics")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer not-the-token-at-all"})

    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "unauthenticated"
    assert wrong.status_code == 401
    assert _samples(client, {"Authorization": "Bearer scrape-token-0123456789"})


# Readiness -----------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # closed again: nothing listens there


def test_ready_when_the_database_answers_and_no_redis_is_used(client):
    response = client.get(READY)

    assert response.status_code == 200
    assert response.json == {"database": "ok", "redis": "not used"}


def test_ready_checks_redis_when_one_is_set(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", _idle_redis())

    response = client.get(READY)

    assert response.status_code == 200
    assert response.json == {"database": "ok", "redis": "ok"}


def test_not_ready_names_redis_when_it_cannot_be_reached(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{_closed_port()}/0")

    response = client.get(READY)
    alive = client.get(PING)

    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "not_ready"
    assert response.json["failed"] == ["redis"]
    assert "redis" in response.json["title"]
    assert alive.status_code == 200  # liveness does not depend on Redis


# Request ids and log lines -------------------------------------------------------------------


def test_a_sane_request_id_is_kept_and_returned(client):
    response = client.get(PING, headers={"X-Request-ID": "lb-4f2c9a.17"})

    assert response.headers["X-Request-ID"] == "lb-4f2c9a.17"


@pytest.mark.parametrize("sent", ["", "has space", "x" * 129, "semi;colon", 'quo"te', "日本語"])
def test_a_missing_or_unusable_request_id_is_replaced(client, sent):
    response = client.get(PING, headers={"X-Request-ID": sent} if sent else None)

    given = response.headers["X-Request-ID"]
    assert given != sent
    assert logs.VALID_ID.fullmatch(given)
    assert client.get(PING).headers["X-Request-ID"] != given  # one per request


def test_log_lines_of_a_request_carry_its_id(app, organiser, client, caplog):
    ed = edition(organiser)
    caplog.set_level(logging.INFO, logger="eventhub.passes.issuing")

    response = client.post(
        f"/api/v1/editions/{ed['id']}/registrations",
        json=_registration(),
        headers={"X-Request-ID": "req-issue-1"},
    )

    assert response.status_code == 201, response.json
    assert response.headers["X-Request-ID"] == "req-issue-1"
    issued = [r for r in caplog.records if r.getMessage() == "passes issued"]
    assert issued
    assert all(r.request_id == "req-issue-1" for r in issued)
    line = logging.Formatter(logs.TEXT_FORMAT).format(issued[0])
    assert "[req-issue-1] passes issued" in line


def _registration() -> dict[str, object]:
    from tests.passes.helpers import registration_body

    return registration_body(email="logs@example.jp")


@pytest.fixture
def json_logs(app: Flask) -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    logs.configure("json")
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_json_log_format_writes_one_object_a_line_with_the_request_id(
    app, organiser, client, json_logs, capsys
):
    ed = edition(organiser)
    capsys.readouterr()

    response = client.post(
        f"/api/v1/editions/{ed['id']}/registrations",
        json=_registration(),
        headers={"X-Request-ID": "req-json-1"},
    )

    assert response.status_code == 201, response.json
    entries = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    issued = [e for e in entries if e["message"] == "passes issued"]
    assert issued, entries
    assert issued[0]["request_id"] == "req-json-1"
    assert issued[0]["level"] == "INFO"
    assert issued[0]["logger"] == "eventhub.passes.issuing"
    assert issued[0]["pass_ids"] == [response.json["pass"]["id"]]


def test_the_log_format_setting_is_checked(tmp_path):
    from eventhub.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="EVENTHUB_LOG_FORMAT"):
        load_config(tmp_path, {"EVENTHUB_LOG_FORMAT": "xml"})
    assert load_config(tmp_path, {"EVENTHUB_LOG_FORMAT": "JSON"})["EVENTHUB_LOG_FORMAT"] == "json"
