"""Live figures on a known scan history, and the closing-time auto exit."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from eventhub.accounts.models import Role
from eventhub.checkin import figures
from eventhub.checkin.models import Presence, Scan
from eventhub.extensions import db
from eventhub.fields import TOKYO
from eventhub.passes.models import PassSettings
from tests.checkin.gate_helpers import (
    EDITIONS,
    edition,
    fresh_caches,  # noqa: F401  (autouse fixture)
    issue_pass,
    make_device,
    make_gate,
    result,
    scan,
)


def _at(day: int, hhmm: str) -> str:
    return f"2027-08-{day:02d}T{hhmm}:00+09:00"


@pytest.fixture
def history(app, organiser):
    """Two gates; on day 1 A enters, leaves and comes back, B enters (and is scanned again),
    C's admission is undone; D enters on day 2."""
    ed = edition(organiser)
    east, west = (
        make_gate(organiser, ed["id"], "東1ホール入口"),
        make_gate(organiser, ed["id"], "西"),
    )
    d_east, d_west = (
        make_device(organiser, ed["id"], east["id"]),
        make_device(organiser, ed["id"], west["id"]),
    )
    a = issue_pass(app, ed["id"], name="A", kind="general")
    b = issue_pass(app, ed["id"], name="B", kind="buyer")
    c = issue_pass(app, ed["id"], name="C", kind="press")
    d = issue_pass(app, ed["id"], name="D", kind="general")
    steps = [
        (d_east, a, "entry", _at(7, "10:05"), "admitted"),
        (d_west, b, "entry", _at(7, "10:20"), "admitted"),
        (d_east, a, "exit", _at(7, "12:00"), "exited"),
        (d_west, a, "entry", _at(7, "13:10"), "reentry_admitted"),
        (d_west, b, "entry", _at(7, "14:00"), "already_inside"),
        (d_east, d, "entry", _at(8, "09:59"), "admitted"),
    ]
    for device, issued, direction, at, expected in steps:
        assert result(scan(device, issued.token, direction, at)) == expected
    undone = scan(d_east, c.token, "entry", _at(7, "13:30")).json["scan_id"]
    assert organiser.post(f"/api/v1/scans/{undone}/undo").status_code == 200
    return ed, east, west


def test_figures_of_a_day(organiser, history):
    ed, east, west = history

    response = organiser.get(f"{EDITIONS}/{ed['id']}/figures", query_string={"day": "2027-08-07"})

    assert response.status_code == 200, response.json
    body = response.json
    assert body["day"] == "2027-08-07"
    assert body["inside_now"] == 3  # A, B and D; C's admission was undone
    assert body["admitted_today"] == 2
    assert body["entries_today"] == 3
    assert body["by_gate"] == [
        {"gate_id": east["id"], "name_ja": "東1ホール入口", "entries": 1},
        {"gate_id": west["id"], "name_ja": "西", "entries": 2},
    ]
    assert body["by_hour"] == [{"hour": 10, "entries": 2}, {"hour": 13, "entries": 1}]
    assert body["by_kind"] == [
        {"kind": "buyer", "admitted": 1, "entries": 1},
        {"kind": "general", "admitted": 1, "entries": 2},
    ]


def test_figures_of_the_next_day_start_at_tokyo_midnight(organiser, history):
    ed, east, _ = history

    body = organiser.get(f"{EDITIONS}/{ed['id']}/figures", query_string={"day": "2027-08-08"}).json

    assert (body["admitted_today"], body["entries_today"]) == (1, 1)
    assert body["by_hour"] == [{"hour": 9, "entries": 1}]
    assert body["by_gate"] == [{"gate_id": east["id"], "name_ja": "東1ホール入口", "entries": 1}]


def test_gate_staff_see_figures_exhibitors_do_not(organiser, make_user, exhibitor):
    ed = edition(organiser)
    staff = make_user(Role.GATE_STAFF, edition_id=ed["id"])

    assert staff.get(f"{EDITIONS}/{ed['id']}/figures").status_code == 200
    assert exhibitor.get(f"{EDITIONS}/{ed['id']}/figures").status_code == 403


def test_auto_exit_at_closing_lets_out_those_inside_before_it(app, history):
    ed, _, _ = history
    after_day_one = datetime(2027, 8, 7, 18, 0, tzinfo=TOKYO)

    with app.app_context():
        exited = figures.auto_exit(ed["id"], after_day_one)
        again = figures.auto_exit(ed["id"], after_day_one)
        inside = db.session.scalar(sa.select(sa.func.count()).where(Presence.inside.is_(True)))
        auto = db.session.execute(
            sa.select(Scan.result, Scan.direction, Scan.scanned_at).where(Scan.method == "auto")
        ).all()

    # D entered on day 2, after this closing: left alone.
    assert (exited, again, inside) == (2, 0, 1)
    assert {(r, d) for r, d, _ in auto} == {("exited", "exit")}
    assert {at.astimezone(TOKYO).isoformat() for _, _, at in auto} == {"2027-08-07T17:00:00+09:00"}


def test_auto_exit_can_be_turned_off_and_waits_for_the_first_closing(app, history):
    ed, _, _ = history
    with app.app_context():
        assert figures.auto_exit(ed["id"], datetime(2027, 8, 7, 16, 59, tzinfo=TOKYO)) == 0
        db.session.add(PassSettings(edition_id=ed["id"], auto_exit_at_close=False))
        db.session.commit()
        assert figures.auto_exit(ed["id"], datetime(2027, 8, 10, 9, 0, tzinfo=TOKYO)) == 0


def test_auto_exit_due_finds_the_editions_under_way(app, history):
    ed, _, _ = history
    with app.app_context():
        assert figures.auto_exit_due(datetime(2027, 8, 9, 18, 0, tzinfo=TOKYO)) == {ed["id"]: 3}
        assert figures.auto_exit_due(datetime(2027, 8, 9, 18, 5, tzinfo=TOKYO)) == {}
