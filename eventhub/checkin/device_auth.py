"""Gate devices authenticate with their own bearer token (``ehd_…``), not a user's.

The scan path is the hottest code, so a device looked up once is kept in a per-process cache
for ``DEVICE_TTL`` seconds: revoking a device therefore takes effect at once in the process
that revoked it and within ``DEVICE_TTL`` seconds everywhere else (docs/architecture.md,
"Caches on the scan path").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from flask import g, request
from flask_smorest import Blueprint

from eventhub.accounts.auth import SECURITY, hash_token
from eventhub.checkin.models import GateDevice
from eventhub.errors import DomainError, unauthenticated
from eventhub.extensions import db

F = TypeVar("F", bound=Callable[..., Any])

DEVICE_TOKEN_PREFIX = "ehd_"  # noqa: S105  (a visible prefix, not a secret)
DEVICE_TTL = 4.0
#: Bounded so that a flood of made-up tokens cannot grow the cache; unknown ones are not kept.
_MAX_CACHED = 10_000

_cache: dict[str, tuple[float, Device]] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Device:
    """What a request needs of its device; immutable, so threads can share cached ones."""

    id: int
    edition_id: int
    gate_id: int | None


def _unauthenticated(detail: str) -> DomainError:
    return unauthenticated(detail)


def _load(token_hash: str) -> Device | None:
    row = db.session.execute(
        sa.select(GateDevice.id, GateDevice.edition_id, GateDevice.gate_id).where(
            GateDevice.token_hash == token_hash, GateDevice.revoked_at.is_(None)
        )
    ).first()
    return None if row is None else Device(row.id, row.edition_id, row.gate_id)


def authenticate(header: str) -> Device:
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value.startswith(DEVICE_TOKEN_PREFIX):
        raise _unauthenticated("device_header")
    token_hash = hash_token(value)
    now = time.monotonic()
    cached = _cache.get(token_hash)  # a dict read is atomic; the lock guards writes
    if cached is not None and now - cached[0] < DEVICE_TTL:
        return cached[1]
    device = _load(token_hash)
    if device is None:
        forget(token_hash)
        raise _unauthenticated("device_token_unknown")
    with _cache_lock:
        if len(_cache) >= _MAX_CACHED:
            _cache.clear()
        _cache[token_hash] = (now, device)
    return device


def forget(token_hash: str | None = None) -> None:
    """Drop a cached device (all when None): on revocation, and in tests."""
    with _cache_lock:
        if token_hash is None:
            _cache.clear()
        else:
            _cache.pop(token_hash, None)


def current_device() -> Device:
    return cast(Device, g.device)


def device_required(func: F) -> F:
    """Require a valid, unrevoked device token; the device is then ``current_device()``.

    Documented as the same HTTP bearer scheme as user tokens: only the prefix differs.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.device = authenticate(request.headers.get("Authorization", ""))
        return func(*args, **kwargs)

    return cast(F, Blueprint.doc(security=SECURITY)(wrapper))
