"""Each web process's copy of recently served feeds, so that serving touches no database.

A poll of a URL answered a moment ago is answered before the view runs (``api.py``): the
request is neither parsed nor validated again, and no query is made.

A copy is used as it is for CALENDAR_CACHE_SECONDS (5 s) after it was last checked against
the store; after that one indexed read of the feed's ETag confirms it (or loads the new body).
Calendar clients poll every hour or so: a rebuilt feed reaching them a few seconds later costs
nothing, while a database round trip per poll would cost every request. The copies are kept
per app (tests run several apps in one process) and bounded in bytes, least recently used
first out.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from flask import current_app
from werkzeug.http import http_date

_EXTENSION = "eventhub.calendar_cache"
DEFAULT_SECONDS = 5.0
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
MAX_URLS = 10_000


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored feed, with its header values worked out once rather than on every request."""

    body: bytes
    body_gzip: bytes
    etag: str
    last_modified: datetime
    size: int = field(init=False)
    http_last_modified: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "size", len(self.body) + len(self.body_gzip))
        object.__setattr__(self, "http_last_modified", http_date(self.last_modified))


class FeedCache:
    def __init__(self, seconds: float, max_bytes: int) -> None:
        self.seconds = seconds
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[Stored, float]] = OrderedDict()
        self._bytes = 0
        #: Request URL (path and query) → (feed key, file name, private), for URLs answered
        #: before: a poll of the same URL skips parsing and validating it again.
        self._urls: dict[str, tuple[str, str, bool]] = {}
        # gthread workers serve several requests of one process at once.
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[Stored | None, bool]:
        """The copy and whether it is recent enough to serve without asking the store."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None, False
            self._items.move_to_end(key)
        stored, checked = item
        return stored, time.monotonic() - checked < self.seconds

    def put(self, key: str, stored: Stored) -> None:
        if stored.size > self.max_bytes // 4:
            return  # one huge feed must not push out every other one
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[0].size
            self._items[key] = (stored, time.monotonic())
            self._bytes += stored.size
            while self._bytes > self.max_bytes and self._items:
                _, (dropped, _) = self._items.popitem(last=False)
                self._bytes -= dropped.size

    def remember_url(self, url: str, key: str, filename: str, private: bool) -> None:
        with self._lock:
            if len(self._urls) >= MAX_URLS:
                self._urls.clear()
            self._urls[url] = (key, filename, private)

    def by_url(self, url: str) -> tuple[Stored, str, bool] | None:
        """A recent copy for a URL answered before, with its file name and privacy."""
        with self._lock:
            known = self._urls.get(url)
        if known is None:
            return None
        key, filename, private = known
        stored, fresh = self.get(key)
        if stored is None or not fresh:
            return None
        return stored, filename, private

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._urls.clear()
            self._bytes = 0


def feed_cache() -> FeedCache:
    app = current_app
    seconds = float(app.config.get("CALENDAR_CACHE_SECONDS", DEFAULT_SECONDS))
    cache = cast(FeedCache | None, app.extensions.get(_EXTENSION))
    if cache is None:
        cache = FeedCache(
            seconds, int(app.config.get("CALENDAR_CACHE_MAX_BYTES", DEFAULT_MAX_BYTES))
        )
        app.extensions[_EXTENSION] = cache
    cache.seconds = seconds  # read each time, so a changed setting applies at once
    return cache
