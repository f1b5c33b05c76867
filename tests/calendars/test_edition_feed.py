"""An edition's public timetable feed, read back with icalendar and with vobject."""

from __future__ import annotations

from datetime import timedelta

from tests.calendars.helpers import (
    LONG_TITLE,
    add_session,
    by_uid,
    edition,
    events,
    feed_url,
    get_feed,
    parse,
    patch_session,
)
from tests.events.helpers import EDITIONS, edition_body, problem_code


def test_feed_carries_the_rfc_5545_properties(organiser, anonymous):
    ed = edition(organiser)
    session = add_session(organiser, ed["id"], title_ja=LONG_TITLE, kind="hands_on", seats=8)

    response = get_feed(anonymous, feed_url(ed["id"]))
    calendar = parse(response.data)

    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert "ものづくり" in str(calendar["X-WR-CALNAME"])
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Asia/Tokyo"
    assert zone.walk("STANDARD"), "a VTIMEZONE needs its STANDARD part"
    event = by_uid(calendar, f"session-{session['id']}@")
    assert str(event["SUMMARY"]) == f"【体験】{LONG_TITLE}"
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert event["DTSTART"].dt.isoformat() == "2027-10-28T11:00:00+09:00"
    assert event["DTEND"].dt.isoformat() == "2027-10-28T11:45:00+09:00"
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert event["LAST-MODIFIED"].dt.utcoffset() == timedelta(0)
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert str(event["LOCATION"]) == "東京ビッグサイト 西1ホール, ホールE 実演ステージ"
    assert str(event["URL"]).endswith(f"/api/v1/editions/{ed['id']}/sessions/{session['id']}")
    assert "定員 8名" in str(event["DESCRIPTION"])


def test_long_japanese_lines_fold_at_75_octets_between_characters(organiser, anonymous):
    ed = edition(organiser)
    add_session(organiser, ed["id"], title_ja=LONG_TITLE, description_ja=LONG_TITLE * 3)

    body = get_feed(anonymous, feed_url(ed["id"])).data

    assert b"\r\n" in body
    assert b"\n" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines), "the long title must be folded"
    for line in lines:
        line.decode("utf-8")  # a line cut inside a character would not decode
    # And the text comes back whole, with both parsers.
    event = events(parse(body))[-1]
    assert LONG_TITLE in str(event["SUMMARY"])
    import vobject

    (vevent,) = [v for v in vobject.readOne(body.decode()).vevent_list if "session" in v.uid.value]
    assert vevent.summary.value == f"【実演】{LONG_TITLE}"
    assert vevent.description.value.startswith(LONG_TITLE * 3)


def test_a_moved_session_keeps_its_uid_and_raises_its_sequence(organiser, anonymous):
    ed = edition(organiser)
    session = add_session(organiser, ed["id"])
    before = by_uid(parse(get_feed(anonymous, feed_url(ed["id"])).data), "session-")

    patch_session(
        organiser,
        ed["id"],
        session["id"],
        starts_at="2027-10-29T14:00:00+09:00",
        ends_at="2027-10-29T14:45:00+09:00",
    )
    after = by_uid(parse(get_feed(anonymous, feed_url(ed["id"])).data), "session-")

    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["DTSTART"].dt.isoformat() == "2027-10-29T14:00:00+09:00"
    assert after["LAST-MODIFIED"].dt >= before["LAST-MODIFIED"].dt


def test_a_cancelled_session_stays_in_the_feed_as_cancelled(organiser, anonymous):
    ed = edition(organiser)
    kept = add_session(organiser, ed["id"], title_ja="続く実演")
    dropped = add_session(organiser, ed["id"], title_ja="中止の実演")

    patch_session(organiser, ed["id"], dropped["id"], status="cancelled")
    calendar = parse(get_feed(anonymous, feed_url(ed["id"])).data)

    assert by_uid(calendar, f"session-{dropped['id']}@")["STATUS"] == "CANCELLED"
    assert by_uid(calendar, f"session-{dropped['id']}@")["SEQUENCE"] == 1
    assert by_uid(calendar, f"session-{kept['id']}@")["STATUS"] == "CONFIRMED"


def test_a_cancelled_session_says_so_in_its_summary_in_the_feeds_language(organiser, anonymous):
    # Clients that ignore STATUS (calcurse) show only the summary.
    ed = edition(organiser)
    kept = add_session(organiser, ed["id"], title_ja="続く実演", title_en="Going on")
    dropped = add_session(organiser, ed["id"], title_ja="中止の実演", title_en="Called off")
    patch_session(organiser, ed["id"], dropped["id"], status="cancelled")

    ja = parse(get_feed(anonymous, feed_url(ed["id"])).data)
    en = parse(get_feed(anonymous, feed_url(ed["id"], "lang=en")).data)

    assert str(by_uid(ja, f"session-{dropped['id']}@")["SUMMARY"]) == "【中止】【実演】中止の実演"
    assert str(by_uid(ja, f"session-{kept['id']}@")["SUMMARY"]) == "【実演】続く実演"
    assert str(by_uid(en, f"session-{dropped['id']}@")["SUMMARY"]) == (
        "[Cancelled] [Demonstration] Called off"
    )
    assert str(by_uid(en, f"session-{kept['id']}@")["SUMMARY"]) == "[Demonstration] Going on"
    one = f"{EDITIONS}/{ed['id']}/sessions/{dropped['id']}/event.ics"
    (single_ja,) = events(parse(get_feed(anonymous, one).data))
    (single_en,) = events(parse(get_feed(anonymous, one + "?lang=en").data))
    assert str(single_ja["SUMMARY"]) == "【中止】【実演】中止の実演"
    assert str(single_en["SUMMARY"]) == "[Cancelled] [Demonstration] Called off"
    assert single_ja["STATUS"] == "CANCELLED"


def test_a_cancelled_edition_cancels_every_event(organiser, anonymous):
    ed = edition(organiser)
    add_session(organiser, ed["id"])
    get_feed(anonymous, feed_url(ed["id"]))

    response = organiser.post(
        f"{EDITIONS}/{ed['id']}/status", json={"status": "cancelled", "reason": "台風のため"}
    )
    assert response.status_code == 200, response.json
    calendar = parse(get_feed(anonymous, feed_url(ed["id"])).data)

    assert {str(e["STATUS"]) for e in events(calendar)} == {"CANCELLED"}
    assert all(str(e["SUMMARY"]).startswith("【中止】") for e in events(calendar))


def test_filter_by_kind_and_english(organiser, anonymous):
    ed = edition(organiser)
    add_session(
        organiser, ed["id"], kind="seminar", title_ja="木材のセミナー", title_en="Timber talk"
    )
    add_session(organiser, ed["id"], kind="hands_on", seats=4, title_ja="箸づくり")

    calendar = parse(get_feed(anonymous, feed_url(ed["id"], "kind=seminar&lang=en")).data)

    summaries = [str(e["SUMMARY"]) for e in events(calendar) if "session-" in str(e["UID"])]
    assert summaries == ["[Seminar] Timber talk"]
    assert "Seminar" in str(calendar["X-WR-CALNAME"])
    days = [e for e in events(calendar) if "-day-" in str(e["UID"])]
    assert {str(e["LOCATION"]) for e in days} == {"Tokyo Big Sight West 1"}
    assert {str(e["SUMMARY"]) for e in days} == {"Opening hours: Takumi 2026"}


def test_opening_hours_of_each_day_until_the_organisers_enter_them(organiser, anonymous):
    ed = edition(organiser)

    days = [e for e in events(parse(get_feed(anonymous, feed_url(ed["id"])).data))]

    assert [e["DTSTART"].dt.isoformat() for e in days] == [
        "2027-10-28T10:00:00+09:00",
        "2027-10-29T10:00:00+09:00",
        "2027-10-30T10:00:00+09:00",
    ]
    assert {e["DTEND"].dt.hour for e in days} == {17}
    assert {str(e["SUMMARY"]) for e in days} == {f"開場時間: {ed['title_ja']}"}


def test_unknown_bad_or_draft_editions_are_problems(organiser, anonymous):
    draft = organiser.post(EDITIONS, json=edition_body())
    assert draft.status_code == 201

    assert problem_code(anonymous.get(feed_url(draft.json["id"])), 404) == "not_found"
    assert problem_code(anonymous.get(feed_url(9999)), 404) == "not_found"
    ed = edition(organiser)
    assert problem_code(anonymous.get(feed_url(ed["id"], "kind=party")), 422)
    assert problem_code(anonymous.get(feed_url(ed["id"], "lang=fr")), 422)
