"""Serving a stored feed: validators, 304 on conditional requests, gzip, the process cache."""

from __future__ import annotations

import gzip

import sqlalchemy as sa

from eventhub.calendars.models import CalendarFeed
from eventhub.extensions import db
from tests.calendars.helpers import add_session, edition, feed_url, get_feed, patch_session


def test_etag_and_last_modified_answer_conditional_requests(organiser, anonymous):
    ed = edition(organiser)
    add_session(organiser, ed["id"])
    first = get_feed(anonymous, feed_url(ed["id"]))
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]

    assert etag.startswith('"')
    assert etag.endswith('"')
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert anonymous.get(feed_url(ed["id"]), headers={"If-None-Match": etag}).status_code == 304
    assert (
        anonymous.get(feed_url(ed["id"]), headers={"If-Modified-Since": modified}).status_code
        == 304
    )
    other = anonymous.get(feed_url(ed["id"]), headers={"If-None-Match": '"elsewhere"'})
    assert other.status_code == 200
    assert other.data == first.data


def test_a_change_gives_a_new_etag_and_the_old_one_gets_the_new_body(organiser, anonymous):
    ed = edition(organiser)
    session = add_session(organiser, ed["id"])
    old = get_feed(anonymous, feed_url(ed["id"]))

    patch_session(organiser, ed["id"], session["id"], title_ja="新しい題名の実演")
    changed = anonymous.get(feed_url(ed["id"]), headers={"If-None-Match": old.headers["ETag"]})

    assert changed.status_code == 200
    assert changed.headers["ETag"] != old.headers["ETag"]
    assert "新しい題名の実演" in changed.get_data(as_text=True)
    again = anonymous.get(feed_url(ed["id"]), headers={"If-None-Match": changed.headers["ETag"]})
    assert again.status_code == 304


def test_rebuilding_unchanged_data_keeps_the_bytes_and_the_etag(app, organiser, anonymous):
    ed = edition(organiser)
    add_session(organiser, ed["id"])
    first = get_feed(anonymous, feed_url(ed["id"]))
    with app.app_context():
        from eventhub.calendars import service

        feed = db.session.scalars(sa.select(CalendarFeed)).one()
        feed.generation += 1
        db.session.commit()
        assert service.rebuild(feed.id) == "built"
        assert db.session.get(CalendarFeed, feed.id).build_count == 2

    second = get_feed(anonymous, feed_url(ed["id"]))

    assert second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Last-Modified"] == first.headers["Last-Modified"]


def test_gzip_for_clients_that_accept_it(organiser, anonymous):
    ed = edition(organiser)
    add_session(organiser, ed["id"])
    plain = get_feed(anonymous, feed_url(ed["id"]))

    packed = get_feed(anonymous, feed_url(ed["id"]), **{"Accept-Encoding": "gzip"})

    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] != plain.headers["ETag"]
    # Either representation's validator means the client has the feed.
    for etag in (plain.headers["ETag"], packed.headers["ETag"]):
        response = anonymous.get(feed_url(ed["id"]), headers={"If-None-Match": etag})
        assert response.status_code == 304


def test_a_recent_copy_is_served_without_asking_the_store(app, organiser, anonymous, monkeypatch):
    monkeypatch.setitem(app.config, "CALENDAR_CACHE_SECONDS", 60)
    ed = edition(organiser)
    session = add_session(organiser, ed["id"])
    first = get_feed(anonymous, feed_url(ed["id"]))

    patch_session(organiser, ed["id"], session["id"], title_ja="変更後")
    cached = get_feed(anonymous, feed_url(ed["id"]))
    monkeypatch.setitem(app.config, "CALENDAR_CACHE_SECONDS", 0)
    fresh = get_feed(anonymous, feed_url(ed["id"]))

    assert cached.headers["ETag"] == first.headers["ETag"]
    assert fresh.headers["ETag"] != first.headers["ETag"]


def test_single_session_download_has_the_feed_uid(organiser, anonymous):
    ed = edition(organiser)
    session = add_session(organiser, ed["id"])
    url = f"/api/v1/editions/{ed['id']}/sessions/{session['id']}/event.ics"

    response = get_feed(anonymous, url)

    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="session-{session["id"]}.ics"'
    )
    text = response.get_data(as_text=True)
    assert f"UID:session-{session['id']}@eventhub.test" in text
    assert "BEGIN:VTIMEZONE" in text
    assert (
        anonymous.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    )


def test_subscribe_links_are_https_and_webcal(organiser, anonymous):
    ed = edition(organiser)
    session = add_session(organiser, ed["id"])

    links = anonymous.get(f"/api/v1/editions/{ed['id']}/calendar?lang=en&kind=seminar").json
    one = anonymous.get(f"/api/v1/editions/{ed['id']}/sessions/{session['id']}/calendar").json
    series = anonymous.get("/api/v1/series/mokucolle/calendar").json

    path = f"/api/v1/editions/{ed['id']}/calendar.ics?lang=en&kind=seminar"
    assert links == {
        "name": "Takumi 2026",
        "https": f"https://eventhub.test{path}",
        "webcal": f"webcal://eventhub.test{path}",
    }
    assert one["ics"].endswith(f"/sessions/{session['id']}/event.ics?lang=ja")
    assert one["feed"]["webcal"].startswith("webcal://")
    assert series["https"] == "https://eventhub.test/api/v1/series/mokucolle/calendar.ics?lang=ja"


def test_a_recent_copy_still_refuses_a_wrong_bearer_token(app, organiser, anonymous, monkeypatch):
    monkeypatch.setitem(app.config, "CALENDAR_CACHE_SECONDS", 60)
    ed = edition(organiser)
    first = get_feed(anonymous, feed_url(ed["id"]))

    wrong = anonymous.get(feed_url(ed["id"]), headers={"Authorization": "Bearer wrong"})
    cached = anonymous.get(feed_url(ed["id"]), headers={"If-None-Match": first.headers["ETag"]})

    assert wrong.status_code == 401
    assert cached.status_code == 304
