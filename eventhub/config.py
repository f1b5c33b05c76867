"""Settings from environment variables, with embedded defaults.

Every setting has a default that works on one machine with nothing else installed: SQLite in
the instance folder and Celery tasks run eagerly. A malformed value stops start-up with a
message naming the variable, rather than failing on the first request.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


def _base_url(value: str | None) -> str:
    value = (value or "http://127.0.0.1:5000").rstrip("/")
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


def engine_options(database_url: str) -> dict[str, Any]:
    if database_url.startswith("sqlite"):
        # Eager tasks open a second connection while a request still holds one; wait, don't fail.
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


def load_config(instance_path: Path, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read the settings from the environment (or ``environ``) into Flask config keys."""
    env = os.environ if environ is None else environ
    instance_path.mkdir(parents=True, exist_ok=True)
    redis_url = _redis_url(env.get("REDIS_URL"))
    database_url = _database_url(env.get("DATABASE_URL"), instance_path)
    return {
        "SECRET_KEY": _secret_key(env.get("SECRET_KEY"), instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url),
        "EVENTHUB_BASE_URL": _base_url(env.get("EVENTHUB_BASE_URL")),
        "EVENTHUB_TIMEZONE": _timezone(env.get("EVENTHUB_TIMEZONE")),
        "EVENTHUB_TOKEN_DAYS": _positive_int(
            "EVENTHUB_TOKEN_DAYS", env.get("EVENTHUB_TOKEN_DAYS"), 30
        ),
        "REDIS_URL": redis_url,
        "CELERY": {
            "broker_url": redis_url or "memory://",
            "result_backend": redis_url,
            # No broker configured: run every task in-process so one machine needs nothing else.
            "task_always_eager": redis_url is None,
            "task_eager_propagates": True,
            "task_ignore_result": True,
            # A task is acknowledged after it ran, so a killed worker's task is delivered again.
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "broker_connection_retry_on_startup": True,
            "timezone": "UTC",
        },
        # flask-smorest: the API description lives beside the API it describes.
        "API_TITLE": "eventhub",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
