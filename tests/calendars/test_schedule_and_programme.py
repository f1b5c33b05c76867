"""Opening hours, set-up and tear-down; the series and fiscal-year programme feeds."""

from __future__ import annotations

from tests.booths.helpers import problem
from tests.calendars.helpers import by_uid, edition, events, feed_url, get_feed, parse
from tests.events.helpers import EDITIONS, edition_body, error_fields


def schedule_url(edition_id: int, item_id: int | None = None) -> str:
    return f"{EDITIONS}/{edition_id}/schedule" + (f"/{item_id}" if item_id else "")


def opening(day: int, opens: str = "10:00", closes: str = "17:00") -> dict[str, str]:
    return {
        "kind": "opening",
        "starts_at": f"2027-10-{day}T{opens}:00+09:00",
        "ends_at": f"2027-10-{day}T{closes}:00+09:00",
    }


def test_organisers_enter_opening_hours_and_the_feed_shows_them(organiser, anonymous):
    ed = edition(organiser)
    first = organiser.post(schedule_url(ed["id"]), json=opening(28))
    last = organiser.post(
        schedule_url(ed["id"]), json={**opening(30, closes="16:00"), "note_ja": "最終日は16時閉場"}
    )
    assert first.status_code == 201, first.json

    calendar = parse(get_feed(anonymous, feed_url(ed["id"])).data)
    item = by_uid(calendar, f"schedule-{last.json['id']}@")

    assert item["DTEND"].dt.isoformat() == "2027-10-30T16:00:00+09:00"
    assert str(item["DESCRIPTION"]) == "最終日は16時閉場"
    assert not [e for e in events(calendar) if "-day-" in str(e["UID"])]
    listed = anonymous.get(schedule_url(ed["id"]) + "?kind=opening").json
    assert [i["id"] for i in listed["items"]] == [first.json["id"], last.json["id"]]

    moved = organiser.patch(
        schedule_url(ed["id"], last.json["id"]),
        json={"ends_at": "2027-10-30T15:00:00+09:00", "version": 1},
    )
    assert moved.status_code == 200, moved.json
    again = by_uid(
        parse(get_feed(anonymous, feed_url(ed["id"])).data), f"schedule-{last.json['id']}@"
    )
    assert (again["SEQUENCE"], again["UID"]) == (1, item["UID"])
    stale = organiser.patch(schedule_url(ed["id"], last.json["id"]), json={"version": 1})
    problem(stale, 409, "version_conflict")
    assert organiser.delete(schedule_url(ed["id"], first.json["id"])).status_code == 204
    calendar = parse(get_feed(anonymous, feed_url(ed["id"])).data)
    assert not [
        e for e in events(calendar) if str(e["UID"]).startswith(f"schedule-{first.json['id']}@")
    ]


def test_schedule_items_are_checked(organiser, exhibitor):
    ed = edition(organiser)

    assert error_fields(organiser.post(schedule_url(ed["id"]), json=opening(31))) == {"starts_at"}
    backwards = {**opening(28), "ends_at": "2027-10-28T09:00:00+09:00"}
    assert error_fields(organiser.post(schedule_url(ed["id"]), json=backwards)) == {"ends_at"}
    assert error_fields(
        organiser.post(schedule_url(ed["id"]), json={**opening(28), "kind": "party"})
    ) == {"kind"}
    # Set-up may come days before the first day; opening hours may not.
    setup = {**opening(26), "kind": "setup"}
    assert organiser.post(schedule_url(ed["id"]), json=setup).status_code == 201
    problem(exhibitor.post(schedule_url(ed["id"]), json=opening(28)), 403, "forbidden")


def test_series_and_programme_feeds_show_editions_and_application_deadlines(organiser, anonymous):
    ed = edition(
        organiser,
        applications_open_at="2027-04-01T10:00:00+09:00",
        applications_close_at="2027-06-30T17:00:00+09:00",
    )
    draft = organiser.post(EDITIONS, json=edition_body(series="mokucolle", title_ja="下書き"))
    assert draft.status_code == 201

    series = parse(get_feed(anonymous, "/api/v1/series/mokucolle/calendar.ics").data)
    programme = parse(get_feed(anonymous, "/api/v1/programme/2027/calendar.ics?lang=en").data)

    for calendar in (series, programme):
        uids = sorted(str(e["UID"]).split("@")[0] for e in events(calendar))
        assert uids == [
            f"edition-{ed['id']}",
            f"edition-{ed['id']}-applications-close",
            f"edition-{ed['id']}-applications-open",
        ]
    deadline = by_uid(series, f"edition-{ed['id']}-applications-close@")
    assert str(deadline["SUMMARY"]) == f"出展申込締切: {ed['title_ja']}"
    assert deadline["DTSTART"].dt.isoformat() == "2027-06-30T17:00:00+09:00"
    assert "DTEND" not in deadline
    assert "令和9年度" in str(by_uid(series, f"edition-{ed['id']}@")["DESCRIPTION"])
    assert "FY2027" in str(programme["X-WR-CALNAME"])
    assert anonymous.get("/api/v1/series/nothing/calendar.ics").status_code == 404
