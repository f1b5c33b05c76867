"""Request ids and the log format, for the web and the workers alike.

Every request has an id: the caller's ``X-Request-ID`` when it is a sane one (a proxy or a
load balancer sets it), else a new one. It is sent back in the response's ``X-Request-ID``
and carried by every log record made while the request runs (``record.request_id``). A task
queued while a request (or another task) runs takes the id along in a message header, so a
worker's lines name the request that caused them (``request_id``) and their own task
(``task_id``); a task nobody's request queued (beat's) goes by its task id.
``EVENTHUB_LOG_FORMAT`` picks text lines (the default) or one JSON object a line, for log
shippers.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime
from typing import Any, TextIO

from celery import current_task
from flask import Flask, Response, has_request_context, request

HEADER = "X-Request-ID"
#: What an incoming id may hold: no spaces or control characters (it goes into every log
#: line and back into a header), and no more than a UUID with a prefix or a trace id needs.
VALID_ID = re.compile(r"[A-Za-z0-9._:@+=/-]{1,128}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
#: As Celery's own worker format, with the request's id and the task's.
WORKER_TEXT_FORMAT = (
    "[%(asctime)s: %(levelname)s/%(processName)s] [%(request_id)s %(task_id)s] %(message)s"
)
NO_ID = "-"
#: The message header that carries the id of the request that queued a task.
TASK_HEADER = "eventhub_request_id"
#: Kept in the request's WSGI environ rather than in ``g``: a task run in-process pushes an app
#: context of its own (a new ``g``) inside the request, and its log lines belong to the request.
ENVIRON_KEY = "eventhub.request_id"


def init_app(app: Flask) -> None:
    _install_record_factory()
    app.before_request(_take_request_id)
    app.after_request(_send_request_id)
    log_format = app.config["EVENTHUB_LOG_FORMAT"]
    # Unset: keep a handler someone else configured (pytest, a host application); with none,
    # log as the default says. Set: that is what the operator asked for.
    if log_format is not None or not logging.getLogger().handlers:
        configure(log_format or "text")


def request_id() -> str:
    """The id of the request being handled, or of the one that queued the Celery task being
    run (else the task's own id); ``-`` outside both."""
    if has_request_context():
        return str(request.environ.get(ENVIRON_KEY, NO_ID))
    if current_task:
        task = current_task.request
        sent = getattr(task, TASK_HEADER, None) or (task.headers or {}).get(TASK_HEADER)
        if isinstance(sent, str) and VALID_ID.fullmatch(sent):
            return sent
        return str(task.id or NO_ID)
    return NO_ID


def task_id() -> str:
    """The id of the Celery task being run; ``-`` outside one."""
    return str(current_task.request.id or NO_ID) if current_task else NO_ID


def task_headers() -> dict[str, str]:
    """Headers for a task queued now: the id its log lines are to carry, if there is one."""
    current = request_id()
    return {TASK_HEADER: current} if current != NO_ID else {}


def _take_request_id() -> None:
    sent = request.headers.get(HEADER, "")
    request.environ[ENVIRON_KEY] = sent if VALID_ID.fullmatch(sent) else uuid.uuid4().hex


def _send_request_id(response: Response) -> Response:
    response.headers[HEADER] = request.environ.get(ENVIRON_KEY) or uuid.uuid4().hex
    return response


_factory_installed = False


def _install_record_factory() -> None:
    """Every record gets ``request_id``, whoever logs it (our code, Flask, SQLAlchemy)."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = request_id()
        record.task_id = task_id()
        return record

    logging.setLogRecordFactory(make_record)
    _factory_installed = True


#: Attributes every record has; the others were passed as ``extra`` and go into the JSON.
_STANDARD = {*vars(logging.makeLogRecord({})), "message", "asctime", "request_id", "task_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request_id and the extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_ID),
        }
        task = getattr(record, "task_id", NO_ID)
        if task != NO_ID:
            entry["task_id"] = task
        entry.update((k, v) for k, v in vars(record).items() if k not in _STANDARD)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def formatter(log_format: str | None, text_format: str = TEXT_FORMAT) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(text_format)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time, not the one at configuration."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def configure(log_format: str) -> None:
    """The root logger writes INFO and above to standard error in ``log_format``."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(formatter(log_format))
    root.addHandler(handler)
    if root.level > logging.INFO:
        root.setLevel(logging.INFO)
