"""Settings from environment variables, with embedded defaults.

Every setting has a default that works on one machine with nothing else installed: SQLite in
the instance folder and Celery tasks run eagerly. A malformed value stops start-up with a
message naming the variable, rather than failing on the first request.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Mapping
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from limits import parse_many

from eventhub import queues

log = logging.getLogger(__name__)

SECRET_KEY_FILE = "secret_key"  # noqa: S105  (a file name)


class ConfigError(RuntimeError):
    """A setting is present but unusable; the message names the variable and the fix."""


def _database_url(value: str | None, instance_path: Path) -> str:
    if not value:
        return f"sqlite:///{instance_path / 'eventhub.sqlite3'}"
    # Heroku-style URLs name the driver "postgres"; SQLAlchemy wants the psycopg 3 dialect.
    if value.startswith("postgres://"):
        value = "postgresql+psycopg://" + value.removeprefix("postgres://")
    elif value.startswith("postgresql://"):
        value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
    scheme = urlsplit(value).scheme
    if scheme not in {"sqlite", "postgresql+psycopg"}:
        raise ConfigError(
            f"DATABASE_URL has scheme {scheme!r}; use postgresql://user@host/dbname "
            "or sqlite:///path/to/file.sqlite3"
        )
    return value


def _redis_url(value: str | None) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ConfigError(f"REDIS_URL must look like redis://host:6379/0, got {value!r}")
    return value


def _base_url(value: str | None, service_mode: bool) -> str | None:
    """The public address, or None on the embedded default: links then follow the address
    the app is served at (eventhub.links). Service mode needs it: mails sent by workers have
    no request to take it from, and a request's Host header is the client's to forge."""
    value = (value or "").strip().rstrip("/")
    if not value:
        if service_mode:
            raise ConfigError(
                "EVENTHUB_BASE_URL must be set when DATABASE_URL or REDIS_URL is: the public "
                "address that links in mails and pages start with, e.g. https://eventhub.example.jp"
            )
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(f"EVENTHUB_BASE_URL must be an absolute http(s) URL, got {value!r}")
    return value


def _timezone(value: str | None) -> str:
    value = value or "Asia/Tokyo"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"EVENTHUB_TIMEZONE {value!r} is not an IANA time zone") from exc
    return value


def _positive_int(name: str, value: str | None, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from exc
    if number <= 0:
        raise ConfigError(f"{name} must be positive, got {number}")
    return number


def _seconds(name: str, value: str | None, default: float) -> float:
    """A duration in seconds, fractions allowed; zero turns the wait off."""
    if value is None or value.strip() == "":
        return default
    try:
        seconds = float(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number of seconds, got {value!r}") from exc
    if not 0 <= seconds < float("inf"):  # also false for nan
        raise ConfigError(f"{name} must be zero or more seconds, got {value!r}")
    return seconds


#: Room for the multipart envelope (boundaries, part headers, the ``kind`` field) around a file
#: of the maximum size, so that Flask's body limit never refuses an upload the file limit allows.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def _upload_dir(value: str | None, instance_path: Path) -> Path:
    """Where uploaded files live; created now so that an unusable folder stops start-up."""
    path = Path(value).expanduser() if value else instance_path / "uploads"
    if not path.is_absolute():
        raise ConfigError(f"EVENTHUB_UPLOAD_DIR must be an absolute path, got {value!r}")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"EVENTHUB_UPLOAD_DIR {str(path)!r} cannot be created: {exc}") from exc
    return path


def _secret_key(value: str | None, instance_path: Path) -> str:
    """Use SECRET_KEY, else a key kept in the instance folder so restarts keep sessions valid."""
    if value:
        if len(value) < 16:
            raise ConfigError("SECRET_KEY is too short: use at least 16 random characters")
        return value
    key_file = instance_path / SECRET_KEY_FILE
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once must not overwrite each other's key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    log.info("generated a new secret key", extra={"path": str(key_file)})
    return key


def _secret_key_fallbacks(value: str | None, current: str) -> list[str]:
    """Old secret keys that still read what they signed or encrypted; SECRET_KEY writes.

    A JSON array (``["old-1", "old-2"]``) or a comma-separated list, oldest first as in
    Flask's own setting. The current key among them is dropped: it is read anyway.
    """
    if value is None or value.strip() == "":
        return []
    text = value.strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError as exc:
            raise ConfigError(f"SECRET_KEY_FALLBACKS is not a valid JSON array: {exc}") from exc
        if not isinstance(parsed, list) or not all(isinstance(k, str) for k in parsed):
            raise ConfigError("SECRET_KEY_FALLBACKS must be a JSON array of strings")
        keys = [k.strip() for k in parsed]
    else:
        keys = [k.strip() for k in text.split(",")]
    for key in keys:
        if len(key) < 16:
            raise ConfigError(
                "SECRET_KEY_FALLBACKS holds a key shorter than 16 characters (or an empty entry)"
            )
    unique = list(dict.fromkeys(k for k in keys if k != current))
    return unique


def _retention_days(value: str | None) -> int | None:
    """Days after an edition's end that its attendees' personal data is kept; None: no purge."""
    if value is None or value.strip() == "" or value.strip().lower() == "off":
        return None
    return _positive_int("EVENTHUB_ATTENDEE_RETENTION_DAYS", value.strip(), 0)


DEFAULT_SMTP_FROM = "eventhub <noreply@eventhub.invalid>"


def _port(name: str, value: str | None, default: int) -> int:
    if value is None or value.strip() == "":
        return default
    try:
        port = int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a port number from 1 to 65535, got {value!r}") from exc
    if not 1 <= port <= 65535:
        raise ConfigError(f"{name} must be a port number from 1 to 65535, got {port}")
    return port


def _flag(name: str, value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word not in {"1", "0", "true", "false"}:
        raise ConfigError(f"{name} must be 1, 0, true or false, got {value!r}")
    return word in {"1", "true"}


def _smtp_settings(env: Mapping[str, str], instance_path: Path) -> dict[str, Any]:
    """The mail server that workers send through; app.config keys are the variable names.

    SMTP_HOST (unset: no server, mails are written to MAIL_DIR as .eml files), SMTP_PORT
    (default 25), SMTP_FROM (the From header and the
    envelope sender), SMTP_USERNAME and SMTP_PASSWORD (both or neither; login after STARTTLS
    when that is on), SMTP_STARTTLS (1/0/true/false, default off).
    """
    username = env.get("SMTP_USERNAME") or None
    password = env.get("SMTP_PASSWORD") or None
    if (username is None) != (password is None):
        raise ConfigError("SMTP_USERNAME and SMTP_PASSWORD go together: set both or neither")
    sender = env.get("SMTP_FROM") or DEFAULT_SMTP_FROM
    if "@" not in parseaddr(sender)[1]:
        raise ConfigError(
            f"SMTP_FROM must be an address such as 'eventhub <noreply@example.jp>', got {sender!r}"
        )
    return {
        "SMTP_HOST": (env.get("SMTP_HOST") or "").strip() or None,
        # Where mail goes without a server: a trial reads it with `eventhub mails`.
        "MAIL_DIR": instance_path / "mail",
        "SMTP_PORT": _port("SMTP_PORT", env.get("SMTP_PORT"), 25),
        "SMTP_FROM": sender,
        "SMTP_USERNAME": username,
        "SMTP_PASSWORD": password,
        "SMTP_STARTTLS": _flag("SMTP_STARTTLS", env.get("SMTP_STARTTLS"), False),
        # First retry after a refused delivery; each next one waits twice as long, up to 10 min.
        "SMTP_RETRY_SECONDS": _positive_int(
            "SMTP_RETRY_SECONDS", env.get("SMTP_RETRY_SECONDS"), 30
        ),
    }


def _wait_settings(env: Mapping[str, str]) -> dict[str, float]:
    """How long workers let things settle before they act; app.config keys are the names.

    Settings rather than constants so that the service tests can make them short: a test then
    waits for the worker's result, not for the production interval.
    """
    return {
        # Tallies count a scan once it is this old: a younger one may still be committing with
        # a smaller id than one already visible (eventhub.tallies.service._horizon).
        "TALLY_SETTLE_SECONDS": _seconds(
            "TALLY_SETTLE_SECONDS", env.get("TALLY_SETTLE_SECONDS"), 10.0
        ),
        # A calendar feed is rebuilt after this much quiet since its last change...
        "CALENDAR_DEBOUNCE_SECONDS": _seconds(
            "CALENDAR_DEBOUNCE_SECONDS", env.get("CALENDAR_DEBOUNCE_SECONDS"), 2.0
        ),
        # ...or at the latest this long after its first unbuilt change.
        "CALENDAR_MAX_DELAY_SECONDS": _seconds(
            "CALENDAR_MAX_DELAY_SECONDS", env.get("CALENDAR_MAX_DELAY_SECONDS"), 30.0
        ),
    }


def _proxy_count(value: str | None) -> int:
    """How many reverse proxies stand in front of the app (EVENTHUB_TRUSTED_PROXIES)."""
    if value is None or value.strip() == "":
        return 0
    try:
        count = int(value)
    except ValueError as exc:
        raise ConfigError(
            f"EVENTHUB_TRUSTED_PROXIES must be the number of proxies (0 for none), got {value!r}"
        ) from exc
    if not 0 <= count <= 10:
        raise ConfigError(f"EVENTHUB_TRUSTED_PROXIES must be from 0 to 10, got {count}")
    return count


#: Each rate limit's setting and its default, in the notation of the ``limits`` package
#: ("10 per minute", several separated by ";"). Counted per client address.
RATE_LIMIT_DEFAULTS: dict[str, str] = {
    "EVENTHUB_RATE_LIMIT_LOGIN": "30 per minute; 300 per hour",
    "EVENTHUB_RATE_LIMIT_SIGN_UP": "20 per hour",
    "EVENTHUB_RATE_LIMIT_REGISTRATION": "60 per hour",
    "EVENTHUB_RATE_LIMIT_PASSWORD_RESET": "10 per hour",
    "EVENTHUB_RATE_LIMIT_LINKS": "60 per minute; 600 per hour",
    "EVENTHUB_RATE_LIMIT_PAIRING": "10 per minute; 60 per hour",
}


def _rate_limit(name: str, value: str | None) -> str:
    value = (value or "").strip() or RATE_LIMIT_DEFAULTS[name]
    try:
        parse_many(value)
    except ValueError as exc:
        raise ConfigError(
            f"{name} must read like '10 per minute' or '5/minute; 100/day', got {value!r}"
        ) from exc
    return value


def _rate_limit_settings(env: Mapping[str, str], redis_url: str | None) -> dict[str, Any]:
    """Rate limits of the anonymous entry points (eventhub.rate_limits); app.config keys are
    the variable names. Counted in Redis when there is one, so every process shares the
    count, and in the process's memory on the embedded default."""
    return {
        **{name: _rate_limit(name, env.get(name)) for name in RATE_LIMIT_DEFAULTS},
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_KEY_PREFIX": "eventhub",
    }


#: Threads per web process (eventhub.gunicorn_conf). Scans that arrive together at one process
#: are written as one batch (group commit), so more threads mean bigger batches, as long as
#: each has a pooled connection: the pool keeps twice as many, for the threads and headroom.
WEB_THREADS = 8
POOL_SIZE = 2 * WEB_THREADS


def engine_options(database_url: str) -> dict[str, Any]:
    if database_url.startswith("sqlite"):
        # Eager tasks open a second connection while a request still holds one; wait, don't fail.
        return {"connect_args": {"timeout": 30}}
    # No pre-ping: it costs a round trip on every request, the scan path's included. After a
    # database restart the first request on a dead connection invalidates the whole pool and
    # answers 503 ``database_unavailable`` (eventhub.errors), which clients retry.
    # A pool at least as large as a process's threads (WEB_THREADS, plus Celery's): with
    # SQLAlchemy's default of 5 every busy moment opened and closed overflow connections, a
    # new PostgreSQL backend each, which cost the gate a third of its scans.
    return {"pool_recycle": 3600, "pool_size": POOL_SIZE, "max_overflow": POOL_SIZE}


def _log_format(value: str | None) -> str | None:
    """``text`` or ``json``; None when unset (eventhub.logs then keeps a handler already set)."""
    if value is None or value.strip() == "":
        return None
    word = value.strip().lower()
    if word not in {"text", "json"}:
        raise ConfigError(f"EVENTHUB_LOG_FORMAT must be text or json, got {value!r}")
    return word


def _metrics_token(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if len(value) < 16 or not value.isprintable() or " " in value:
        raise ConfigError("EVENTHUB_METRICS_TOKEN must be at least 16 characters, without spaces")
    return value


def load_config(instance_path: Path, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read the settings from the environment (or ``environ``) into Flask config keys."""
    env = os.environ if environ is None else environ
    try:
        instance_path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"EVENTHUB_INSTANCE_PATH {str(instance_path)!r} cannot be created ({exc.strerror}): "
            "set it to a writable folder"
        ) from exc
    redis_url = _redis_url(env.get("REDIS_URL"))
    database_url = _database_url(env.get("DATABASE_URL"), instance_path)
    upload_max = _positive_int(
        "EVENTHUB_UPLOAD_MAX_BYTES", env.get("EVENTHUB_UPLOAD_MAX_BYTES"), 10 * 1024 * 1024
    )
    secret_key = _secret_key(env.get("SECRET_KEY"), instance_path)
    return {
        "SECRET_KEY": secret_key,
        # Flask reads sessions with these; eventhub.secret_keys extends them to everything
        # else derived from the secret (signing-key encryption, pass links, CSRF tokens).
        "SECRET_KEY_FALLBACKS": _secret_key_fallbacks(env.get("SECRET_KEY_FALLBACKS"), secret_key),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url),
        "EVENTHUB_BASE_URL": _base_url(
            env.get("EVENTHUB_BASE_URL"), service_mode=bool(env.get("DATABASE_URL") or redis_url)
        ),
        "EVENTHUB_TIMEZONE": _timezone(env.get("EVENTHUB_TIMEZONE")),
        "EVENTHUB_TOKEN_DAYS": _positive_int(
            "EVENTHUB_TOKEN_DAYS", env.get("EVENTHUB_TOKEN_DAYS"), 30
        ),
        # Attendees' personal data is erased this many days after their edition ends (None:
        # kept until an organiser erases it); eventhub.privacy.service.purge_expired.
        "EVENTHUB_ATTENDEE_RETENTION_DAYS": _retention_days(
            env.get("EVENTHUB_ATTENDEE_RETENTION_DAYS")
        ),
        # A gate device's clock may run this far ahead of the server's; a scan dated further
        # ahead is refused (result ``time_out_of_range``, eventhub.checkin.scanning.timing).
        "EVENTHUB_SCAN_CLOCK_SKEW_SECONDS": _seconds(
            "EVENTHUB_SCAN_CLOCK_SKEW_SECONDS", env.get("EVENTHUB_SCAN_CLOCK_SKEW_SECONDS"), 300.0
        ),
        "EVENTHUB_UPLOAD_DIR": _upload_dir(env.get("EVENTHUB_UPLOAD_DIR"), instance_path),
        # One uploaded file's limit, counted while it is stored (documents/storage.py).
        "EVENTHUB_UPLOAD_MAX_BYTES": upload_max,
        # Flask's limit on any request body: a bigger one is refused with 413 before it is read.
        "MAX_CONTENT_LENGTH": upload_max + MULTIPART_OVERHEAD_BYTES,
        "REDIS_URL": redis_url,
        "CELERY": {
            "broker_url": redis_url or "memory://",
            "result_backend": redis_url,
            # No broker configured: run every task in-process so one machine needs nothing else.
            "task_always_eager": redis_url is None,
            "task_eager_propagates": True,
            "task_ignore_result": True,
            # Queues, routes, acknowledgement, prefetch and visibility timeout, and why.
            **queues.celery_settings(),
            "broker_connection_retry_on_startup": True,
            # beat's record of when each entry last ran, with the app's other data rather than
            # in whatever folder beat was started from.
            "beat_schedule_filename": str(instance_path / "celerybeat-schedule"),
            "timezone": "UTC",
        },
        **_smtp_settings(env, instance_path),
        **_wait_settings(env),
        **_rate_limit_settings(env, redis_url),
        # Log lines as text or JSON (eventhub.logs), for the web and the workers.
        "EVENTHUB_LOG_FORMAT": _log_format(env.get("EVENTHUB_LOG_FORMAT")),
        # Who may read /metrics: anyone when unset, else only this bearer token.
        "EVENTHUB_METRICS_TOKEN": _metrics_token(env.get("EVENTHUB_METRICS_TOKEN")),
        # Behind reverse proxies, their X-Forwarded-* headers give the client's address.
        "EVENTHUB_TRUSTED_PROXIES": _proxy_count(env.get("EVENTHUB_TRUSTED_PROXIES")),
        # flask-smorest: the API description lives beside the API it describes.
        "API_TITLE": "eventhub",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
