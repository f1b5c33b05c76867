"""A real worker rebuilds the feed: a change made through the API, over Redis, on PostgreSQL.
The web keeps serving the stored feed meanwhile; the worker rebuilds it once per burst."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from eventhub.calendars.models import CalendarFeed
from eventhub.calendars.service import REBUILD_TASK
from eventhub.extensions import db
from tests import services
from tests.calendars.helpers import add_session, clear_cache, edition, feed_url, patch_session
from tests.conftest import Api
from tests.waiting import wait_until

pytestmark = pytest.mark.service


@pytest.fixture
def web(service_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Api:
    monkeypatch.setitem(service_app.config, "CALENDAR_CACHE_SECONDS", 0)
    clear_cache(service_app)
    return Api(service_app.test_client())


def builds(app: Flask, edition_id: int) -> int:
    with app.app_context():
        count = db.session.scalar(
            sa.select(CalendarFeed.build_count).where(CalendarFeed.edition_id == edition_id)
        )
        db.session.rollback()
        return int(count or 0)


def wait_for_new_etag(web: Api, url: str, old: str, timeout: float = 30.0) -> Any:
    def rebuilt() -> Any:
        response = web.get(url)
        assert response.status_code == 200
        return response if response.headers["ETag"] != old else None

    return wait_until(rebuilt, timeout, 0.1, "the feed to be rebuilt")


def test_a_changed_session_is_rebuilt_once_by_the_worker(service_app, service_organiser, web):
    ed = edition(service_organiser)
    session = add_session(service_organiser, ed["id"])
    url = feed_url(ed["id"])
    first = web.get(url)  # never built: built by this request
    assert first.status_code == 200
    old = first.headers["ETag"]
    assert builds(service_app, ed["id"]) == 1

    patch_session(service_organiser, ed["id"], session["id"], title_ja="場所を変えた実演")
    # Until the worker is done the web serves the stored feed, as it was.
    assert web.get(url, headers={"If-None-Match": old}).status_code == 304
    rebuilt = wait_for_new_etag(web, url, old)
    new = rebuilt.headers["ETag"]

    assert "場所を変えた実演" in rebuilt.get_data(as_text=True)
    assert web.get(url, headers={"If-None-Match": old}).status_code == 200
    assert web.get(url, headers={"If-None-Match": new}).status_code == 304
    # Once the worker has run every task (the debounce's delayed ones too), none builds again.
    services.wait_for_idle_worker(service_app.config["REDIS_URL"], REBUILD_TASK)
    assert builds(service_app, ed["id"]) == 2


def test_a_burst_of_changes_is_one_rebuild(service_app, service_organiser, web):
    ed = edition(service_organiser)
    session = add_session(service_organiser, ed["id"])
    url = feed_url(ed["id"])
    old = web.get(url).headers["ETag"]

    for n in range(6):
        patch_session(service_organiser, ed["id"], session["id"], title_ja=f"変更 {n}")
    rebuilt = wait_for_new_etag(web, url, old)

    assert "変更 5" in rebuilt.get_data(as_text=True)
    services.wait_for_idle_worker(service_app.config["REDIS_URL"], REBUILD_TASK)
    assert builds(service_app, ed["id"]) == 2
