"""The booth map: the floor drawn from the booths, allocation, release, the grouped proposal."""

from __future__ import annotations

from typing import Any

from eventhub.accounts.models import Role
from tests.booths.helpers import allocate, application_booths_url
from tests.conftest import Api
from tests.pages.conftest import Reader, text_of


def _url(edition_id: int, tail: str = "") -> str:
    return f"/organiser/editions/{edition_id}/booths{tail}"


def _held(organiser: Api, application_id: int) -> list[str]:
    response = organiser.get(application_booths_url(application_id))
    return [b["code"] for b in response.json]


def test_the_map_draws_every_booth_with_its_state(
    make_reader: Any, organiser: Api, floor: dict[str, Any]
) -> None:
    allocate(organiser, floor["tokyo"]["id"], floor["booths"]["A-1"]["id"])
    reader: Reader = make_reader(Role.ORGANISER)
    page = reader.get(_url(floor["edition"]["id"]))
    assert page.status_code == 200
    html = text_of(page)
    assert html.count('class="booth booth-') == 4
    assert 'data-code="A-1" data-state="allocated"' in html
    assert 'data-code="B-2" data-state="free"' in html
    assert "booth-corner" in html  # B-1
    assert "booth-map.js" in html
    assert "株式会社木工13" in html  # holder shown on the map and in the list
    assert "空き" in html


def test_an_organiser_allocates_a_booth_with_the_form(
    make_reader: Any, organiser: Api, floor: dict[str, Any]
) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    edition_id = floor["edition"]["id"]
    sent = reader.submit(
        _url(edition_id, "/allocate"),
        {"application_id": floor["kyoto"]["id"], "booth_id": floor["booths"]["B-1"]["id"]},
        form_at=_url(edition_id),
    )
    assert sent.status_code == 302
    assert _held(organiser, floor["kyoto"]["id"]) == ["B-1"]
    after = text_of(reader.get(sent.headers["Location"]))
    assert "B-1" in after
    assert "株式会社木工26" in after
    assert 'data-code="B-1" data-state="allocated"' in after


def test_a_taken_booth_is_a_clear_conflict(
    make_reader: Any, organiser: Api, floor: dict[str, Any]
) -> None:
    allocate(organiser, floor["tokyo"]["id"], floor["booths"]["A-2"]["id"])
    reader: Reader = make_reader(Role.ORGANISER)
    edition_id = floor["edition"]["id"]
    refused = reader.submit(
        _url(edition_id, "/allocate"),
        {"application_id": floor["kyoto"]["id"], "booth_id": floor["booths"]["A-2"]["id"]},
        form_at=_url(edition_id),
    )
    assert refused.status_code == 409
    assert "この小間は既に割り当てられています" in text_of(refused)
    assert _held(organiser, floor["kyoto"]["id"]) == []


def test_more_units_than_requested_are_refused(
    make_reader: Any, organiser: Api, floor: dict[str, Any]
) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    edition_id = floor["edition"]["id"]
    refused = reader.submit(
        _url(edition_id, "/allocate"),
        {"application_id": floor["kyoto"]["id"], "booth_id": floor["booths"]["A-1"]["id"]},
        form_at=_url(edition_id),
    )
    assert refused.status_code == 409
    assert "form-errors" in text_of(refused)
    assert _held(organiser, floor["kyoto"]["id"]) == []


def test_missing_choices_are_named_at_their_fields(make_reader: Any, floor: dict[str, Any]) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    edition_id = floor["edition"]["id"]
    refused = reader.submit(_url(edition_id, "/allocate"), {}, form_at=_url(edition_id))
    assert refused.status_code == 422
    html = text_of(refused)
    assert 'id="f-application_id-error"' in html
    assert "小間を割り当てる申込を選んでください" in html
    assert 'id="f-booth_id-error"' in html
    assert "入力してください" in html or "必須" in html


def test_an_organiser_releases_a_booth(
    make_reader: Any, organiser: Api, floor: dict[str, Any]
) -> None:
    allocate(organiser, floor["tokyo"]["id"], floor["booths"]["A-1"]["id"])
    reader: Reader = make_reader(Role.ORGANISER)
    edition_id = floor["edition"]["id"]
    booth_id = floor["booths"]["A-1"]["id"]
    sent = reader.submit(_url(edition_id, f"/{booth_id}/release"), form_at=_url(edition_id))
    assert sent.status_code == 302
    assert _held(organiser, floor["tokyo"]["id"]) == []
    free = reader.submit(_url(edition_id, f"/{booth_id}/release"), form_at=_url(edition_id))
    assert free.status_code == 404


def test_the_proposal_is_previewed_on_the_map_then_applied(
    make_reader: Any, organiser: Api, floor: dict[str, Any]
) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    edition_id = floor["edition"]["id"]
    preview = reader.submit(
        _url(edition_id, "/proposal"),
        {"group_by": "prefecture", "apply": "false"},
        form_at=_url(edition_id),
    )
    assert preview.status_code == 200
    html = text_of(preview)
    assert "割り当て案" in html
    assert 'data-state="proposed"' in html
    assert "東京都" in html  # the group, by prefecture
    assert _held(organiser, floor["tokyo"]["id"]) == []  # a preview writes nothing

    applied = reader.submit(
        _url(edition_id, "/proposal"),
        {"group_by": "prefecture", "apply": "true"},
        form_at=_url(edition_id),
    )
    assert applied.status_code == 302
    assert sum(b["units"] for b in _booths(organiser, floor["tokyo"]["id"])) == 2
    assert len(_held(organiser, floor["kyoto"]["id"])) == 1


def _booths(organiser: Api, application_id: int) -> list[dict[str, Any]]:
    return list(organiser.get(application_booths_url(application_id)).json)


def test_an_unknown_grouping_is_named_at_its_field(make_reader: Any, floor: dict[str, Any]) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    edition_id = floor["edition"]["id"]
    refused = reader.submit(
        _url(edition_id, "/proposal"), {"group_by": "colour"}, form_at=_url(edition_id)
    )
    assert refused.status_code == 422
    assert 'id="f-group_by-error"' in text_of(refused)
    assert "選択肢から選んでください" in text_of(refused)


def test_a_booth_is_added_and_a_bad_one_named_per_field(
    make_reader: Any, organiser: Api, floor: dict[str, Any]
) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    edition_id = floor["edition"]["id"]
    added = reader.submit(
        _url(edition_id, "/new"),
        {"code": "ｃ－１", "zone": "C", "units": "3", "is_corner": "false"},
        form_at=_url(edition_id),
    )
    assert added.status_code == 302
    assert 'data-code="C-1"' in text_of(reader.get(_url(edition_id)))
    refused = reader.submit(
        _url(edition_id, "/new"), {"code": "", "zone": "C", "units": "0"}, form_at=_url(edition_id)
    )
    assert refused.status_code == 422
    html = text_of(refused)
    assert 'id="f-code-error"' in html
    assert 'id="f-units-error"' in html
    twice = reader.submit(
        _url(edition_id, "/new"),
        {"code": "A-1", "zone": "A", "units": "1"},
        form_at=_url(edition_id),
    )
    assert twice.status_code == 409


def test_a_reviewer_sees_the_map_but_cannot_allocate(
    make_reader: Any, floor: dict[str, Any]
) -> None:
    reviewer: Reader = make_reader(Role.REVIEWER)
    edition_id = floor["edition"]["id"]
    page = reviewer.get(_url(edition_id))
    assert page.status_code == 200
    assert 'id="allocate-form"' not in text_of(page)
    refused = reviewer.submit(
        _url(edition_id, "/allocate"),
        {"application_id": floor["kyoto"]["id"], "booth_id": floor["booths"]["B-1"]["id"]},
        form_at=_url(edition_id),
    )
    assert refused.status_code == 403


def test_an_exhibitor_and_a_visitor_are_refused(
    make_reader: Any, visitor: Reader, floor: dict[str, Any]
) -> None:
    exhibitor: Reader = make_reader()
    assert exhibitor.get(_url(floor["edition"]["id"])).status_code == 403
    anonymous = visitor.get(_url(floor["edition"]["id"]))
    assert anonymous.status_code == 302
    assert "/login" in anonymous.headers["Location"]


def test_allocating_without_the_csrf_token_is_refused(
    make_reader: Any, organiser: Api, floor: dict[str, Any]
) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    refused = reader.client.post(
        _url(floor["edition"]["id"], "/allocate"),
        data={"application_id": floor["kyoto"]["id"], "booth_id": floor["booths"]["B-1"]["id"]},
    )
    assert refused.status_code == 400
    assert _held(organiser, floor["kyoto"]["id"]) == []


def test_an_unknown_edition_is_404(make_reader: Any) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    assert reader.get(_url(99999)).status_code == 404


def test_the_map_speaks_english_to_an_english_reader(
    make_reader: Any, floor: dict[str, Any]
) -> None:
    reader: Reader = make_reader(Role.ORGANISER, locale="en")
    reader.submit("/language", {"locale": "en", "next": "/"}, form_at="/login")
    html = text_of(reader.get(_url(floor["edition"]["id"])))
    assert '<html lang="en">' in html
    assert "Booth map" in html
    assert "Allocate to" in html
    assert "Free" in html
