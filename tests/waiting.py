"""Waiting in tests: on a condition, with a deadline, never for a fixed time.

A fixed sleep is either too short on a busy machine (a flaky test) or too long everywhere
else (a slow suite). ``wait_until`` returns as soon as the condition holds and fails with a
message saying what did not happen when it never does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: Long enough for a worker that shares two cores with the rest of the suite (xdist).
DEFAULT_TIMEOUT = 30.0


def wait_until(
    predicate: Callable[[], T],
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = 0.05,
    message: str | Callable[[], str] = "the condition",
) -> T:
    """Call ``predicate`` until it returns something truthy, and return that.

    Fails the test after ``timeout`` seconds with ``message`` (a string, or a function that
    describes the state at that moment, for a failure that explains itself).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            what = message() if callable(message) else message
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)
