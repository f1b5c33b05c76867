"""Prometheus metrics at ``/metrics``: what the processes counted, and the state read at scrape.

Counters and histograms are kept by the process that counts (requests in the web, issued passes
in the worker that issued them). Under gunicorn they live in files in the folder named by
``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multi-process mode), so one scrape of any web
process reads the whole host; Celery workers on the same host that share the folder count
there too. ``child_exit`` is the gunicorn hook that retires a dead worker's files.

What every host must agree on (mails waiting, queue depths, the last worker heartbeat) is read
from the database and Redis when scraped, so it is right whichever machine did the work.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

import redis
import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from eventhub import counters  # noqa: F401  (the domain's counters, in the registry)
from eventhub.db import utcnow
from eventhub.errors import unauthenticated
from eventhub.extensions import db
from eventhub.problems import problem_response
from eventhub.queues import QUEUES

log = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "eventhub_http_requests_total",
    "HTTP requests answered, by route (the URL rule, not the path), method and status.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "eventhub_http_request_duration_seconds",
    "Time from the request's first hook to its answer, by route and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
#: Paths that matched no route share one label, so random paths cannot grow the metrics.
UNMATCHED = "(unmatched)"


def init_app(app: Flask) -> None:
    app.before_request(_start_clock)
    app.after_request(_count_request)
    app.add_url_rule("/metrics", "metrics", metrics_view, methods=["GET"])


def _start_clock() -> None:
    g.metrics_started = time.perf_counter()


def _count_request(response: Response) -> Response:
    started = g.get("metrics_started")
    rule = request.url_rule
    route = rule.rule if rule is not None else UNMATCHED
    REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    if started is not None:
        LATENCY.labels(route, request.method).observe(time.perf_counter() - started)
    return response


def metrics_view() -> Response:
    """Prometheus text format. With ``EVENTHUB_METRICS_TOKEN`` set, only ``Authorization:
    Bearer <that token>`` may read it; without, anyone may (see README, "Metrics")."""
    token = current_app.config["EVENTHUB_METRICS_TOKEN"]
    if token is not None:
        sent = request.headers.get("Authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return problem_response(unauthenticated())
    state = CollectorRegistry(auto_describe=False)
    state.register(StateCollector())
    body = _process_metrics() + generate_latest(state)
    return Response(
        body, mimetype=CONTENT_TYPE_LATEST.split(";")[0], content_type=CONTENT_TYPE_LATEST
    )


def _process_metrics() -> bytes:
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def child_exit(server: Any, worker: Any) -> None:
    """gunicorn's ``child_exit`` hook: a dead worker's live gauges stop counting."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(worker.pid)


class StateCollector(Collector):
    """What the scrape reads from the database and Redis; a failed read leaves its metric out
    (readiness, ``/api/v1/health/ready``, says what is down)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            yield from _database_state()
        except sa.exc.OperationalError:
            db.session.rollback()
            log.warning("metrics: the database cannot be read")
        redis_url = current_app.config["REDIS_URL"]
        if redis_url:
            try:
                yield _queue_depths(redis_url)
            except redis.RedisError:
                log.warning("metrics: Redis cannot be read")


def _database_state() -> Iterator[GaugeMetricFamily]:
    from eventhub.health.service import last_heartbeat
    from eventhub.notifications.models import MailStatus, OutgoingMail

    counts = dict(
        db.session.execute(
            sa.select(OutgoingMail.status, sa.func.count())
            .where(OutgoingMail.status.in_([MailStatus.PENDING, MailStatus.FAILED]))
            .group_by(OutgoingMail.status)
        ).all()
    )
    mails = GaugeMetricFamily(
        "eventhub_mails",
        "Mails waiting to be sent (pending) and given up (failed).",
        labels=["status"],
    )
    for status in (MailStatus.PENDING, MailStatus.FAILED):
        mails.add_metric([str(status)], counts.get(status, 0))
    yield mails
    beat = last_heartbeat()
    db.session.rollback()  # end the read: the scrape holds no transaction open
    if beat is not None and beat.completed_at is not None:
        yield GaugeMetricFamily(
            "eventhub_worker_heartbeat_age_seconds",
            "Seconds since a worker last completed a heartbeat (beat sends one a minute).",
            value=(utcnow() - beat.completed_at).total_seconds(),
        )


def _queue_depths(redis_url: str) -> GaugeMetricFamily:
    depths = GaugeMetricFamily(
        "eventhub_queue_depth",
        "Tasks waiting in each Celery queue (its Redis list).",
        labels=["queue"],
    )
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)
    try:
        with client.pipeline(transaction=False) as pipe:
            for queue in QUEUES:
                pipe.llen(queue)
            lengths = pipe.execute()
    finally:
        client.close()
    for queue, length in zip(QUEUES, lengths, strict=True):
        depths.add_metric([queue], length)
    return depths
