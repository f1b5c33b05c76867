"""The home page and an edition's page: what anyone may see, in Tokyo time and 和暦."""

from __future__ import annotations

from typing import Any

from tests.applications.helpers import set_edition_status
from tests.bookings.helpers import hands_on
from tests.calendars.helpers import add_session, edition, patch_session
from tests.conftest import Api
from tests.events.helpers import EDITIONS, edition_body
from tests.pages.conftest import Reader, text_of


def _open(organiser: Api, **body: Any) -> dict[str, Any]:
    made = organiser.post(EDITIONS, json=edition_body(**body))
    assert made.status_code == 201, made.json
    opened = organiser.post(f"{EDITIONS}/{made.json['id']}/status", json={"status": "open"})
    assert opened.status_code == 200, opened.json
    return dict(opened.json)


def test_home_lists_series_with_upcoming_editions_first(organiser: Api, visitor: Reader) -> None:
    later = _open(
        organiser,
        series="mokucolle",
        title_ja="モクコレ2028",
        starts_at="2028-10-28T10:00:00+09:00",
        ends_at="2028-10-30T17:00:00+09:00",
    )
    sooner = edition(organiser, title_ja="モクコレ2027")
    _open(
        organiser,
        series="mokucolle",
        title_ja="モクコレ2020",
        starts_at="2020-10-28T10:00:00+09:00",
        ends_at="2020-10-30T17:00:00+09:00",
    )
    draft = organiser.post(
        EDITIONS,
        json=edition_body(
            title_ja="下書きの匠2027",
            starts_at="2027-08-07T10:00:00+09:00",
            ends_at="2027-08-09T17:00:00+09:00",
        ),
    ).json

    response = visitor.get("/")
    assert response.status_code == 200
    html = text_of(response)
    for name in ("全国ゾーン", "匠の技の祭典", "WOODコレクション"):
        assert name in html
    assert html.index("モクコレ2027") < html.index("モクコレ2028") < html.index("モクコレ2020")
    assert html.index("開催予定") < html.index("モクコレ2027")
    assert html.index("過去の開催") < html.index("モクコレ2020")
    assert "下書きの匠2027" not in html
    assert f"/editions/{sooner['id']}" in html
    assert f"/editions/{later['id']}" in html
    assert visitor.get(f"/editions/{draft['id']}").status_code == 404


def test_the_edition_page_shows_dates_venue_timetable_and_calendar_links(
    organiser: Api, visitor: Reader
) -> None:
    shown = edition(organiser, venue_address="東京都江東区有明3-11-1")
    eid = shown["id"]
    slot = hands_on(organiser, eid, seats=3)
    demo = add_session(
        organiser,
        eid,
        title_ja="製材の実演",
        starts_at="2027-10-29T13:00:00+09:00",
        ends_at="2027-10-29T13:30:00+09:00",
    )
    called_off = add_session(organiser, eid, title_ja="中止になった実演")
    patch_session(
        organiser, eid, called_off["id"], status="cancelled", version=called_off["version"]
    )

    html = text_of(visitor.get(f"/editions/{eid}"))
    assert "令和9年" in html
    assert "2027年10月28日(木)" in html
    assert "2027年10月30日(土)" in html
    assert "10:00 – 17:00" in html
    assert "東京ビッグサイト 西1ホール" in html
    assert "東京都江東区有明3-11-1" in html
    assert "11:00–11:45" in html
    assert "13:00–13:30" in html
    assert html.index("2027年10月28日(木)</h3>") < html.index("2027年10月29日(金)</h3>")
    assert "残り3席（定員3席）" in html
    assert "中止" in html
    assert f"webcal://eventhub.test/api/v1/editions/{eid}/calendar.ics?lang=ja" in html
    ics = f"/api/v1/editions/{eid}/sessions/{demo['id']}/event.ics?lang=ja"
    assert ics in html
    assert visitor.get(ics).mimetype == "text/calendar"
    assert f"/api/v1/editions/{eid}/sessions/{slot['id']}/event.ics" in html
    assert f'href="/editions/{eid}/register"' in html


def test_the_edition_page_in_english(make_reader: Any, organiser: Api) -> None:
    shown = edition(organiser, title_en="Mokucolle 2027")
    reader = make_reader(locale="en")
    reader.submit("/language", {"locale": "en"}, form_at="/")
    html = text_of(reader.get(f"/editions/{shown['id']}"))
    assert "Mokucolle 2027" in html
    assert "Thu 28 Oct 2027" in html
    assert "Tokyo Big Sight West 1" in html
    assert "Pre-register to visit" in html
    assert "lang=en" in html


def test_a_held_edition_takes_no_registration(organiser: Api, visitor: Reader) -> None:
    shown = edition(organiser)
    set_edition_status(organiser, shown["id"], "closed")
    set_edition_status(organiser, shown["id"], "held")
    html = text_of(visitor.get(f"/editions/{shown['id']}"))
    assert "/register" not in html
    page = visitor.get(f"/editions/{shown['id']}/register")
    assert "受け付けていません" in text_of(page) or "締め切" in text_of(page)
