"""Bookings change feeds: the calendars tests' rule applies, no feed is served from cache."""

from tests.calendars.conftest import _no_feed_cache

__all__ = ["_no_feed_cache"]
