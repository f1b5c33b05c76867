"""Tallies computed from scans inserted as the gates store them: entries, re-entries, exits,
refusals, undos, several days and gates, offline uploads out of order, and the horizon."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from eventhub.checkin.models import Scan
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.tallies import service
from eventhub.tallies.models import EditionTally
from tests.tallies.helpers import at, insert_scans, make_world, oracle, scan_figures

NO_WAIT = timedelta(0)


def _scan(pass_id: int | None, result: str, when: Any, gate: int | None, **extra: Any) -> dict:
    return {
        "pass_id": pass_id,
        "result": result,
        "scanned_at": when,
        "gate_id": gate,
        "method": extra.pop("method", "qr"),
        **extra,
    }


def test_a_day_at_the_gates_is_counted_word_for_word(app):
    with app.app_context():
        world = make_world()
        g1, g2 = world.gates
        v = [h.pass_id for h in world.holders]
        history = [
            _scan(v[0], "admitted", at(0, 10, 5), g1),
            _scan(v[0], "exited", at(0, 12), g1, direction="exit"),
            _scan(v[0], "reentry_admitted", at(0, 13), g2),
            _scan(v[1], "admitted", at(0, 10, 30), g2),
            _scan(v[1], "already_inside", at(0, 10, 31), g2),
            _scan(None, "forged", at(0, 10, 32), g2),
            _scan(v[2], "admitted", at(1, 9, 59), None, method="manual"),
            _scan(v[3], "not_valid_today", at(1, 10), g1),
            _scan(v[0], "admitted", at(1, 11), g1),
            _scan(v[5], "admitted", at(0, 10), g1),  # the exhibitor's staff
        ]
        ids = insert_scans(world.edition_id, [dict(r) for r in history])
        # v[1]'s entry is undone at the gate: it no longer counts anywhere.
        undo = _scan(v[1], "admitted", at(0, 10, 33), g2, method="undo", undoes_id=ids[3])
        insert_scans(world.edition_id, [dict(undo)])
        history.append({**undo, "undoes": 3})

        service.recompute_incremental(world.edition_id, settle=NO_WAIT)
        figures = scan_figures(world.edition_id)

        assert figures == {
            "visitors": 2,
            "entries": 4,
            "exhibitors_present": 1,
            "visitors_by_day": {"2027-08-07": 1, "2027-08-08": 2},
            "entries_by_hour": {
                "2027-08-07T10": 1,
                "2027-08-07T13": 1,
                "2027-08-08T09": 1,
                "2027-08-08T11": 1,
            },
            "visitors_by_gate": {"unknown": 1, "東1ホール入口": 1, "西2ホール入口": 1},
            "visitors_by_type": {"general": 2},
            "visitors_by_prefecture": {"13": 1, "unknown": 1},
        }
        assert figures == oracle(world, history)
        service.recompute_full(world.edition_id, settle=NO_WAIT)
        assert scan_figures(world.edition_id) == figures


def test_recent_scans_wait_for_the_next_run_and_none_is_skipped(app):
    with app.app_context():
        world = make_world()
        v = world.holders[0].pass_id
        w = world.holders[1].pass_id
        old = utcnow() - timedelta(minutes=5)
        early = insert_scans(
            world.edition_id, [_scan(v, "admitted", at(0, 10), None, received_at=old)]
        )
        # A scan still settling, then an older-received one with a higher id (another
        # transaction that committed first): neither may be counted yet, nor skipped later.
        insert_scans(world.edition_id, [_scan(w, "admitted", at(0, 11), None)])
        insert_scans(
            world.edition_id, [_scan(v, "reentry_admitted", at(0, 12), None, received_at=old)]
        )

        run = service.recompute_incremental(world.edition_id)
        assert (run.low, run.high) == (0, early[0])
        assert scan_figures(world.edition_id)["entries"] == 1

        later = utcnow() + service.settle_time()
        run = service.recompute_incremental(world.edition_id, now=later)
        assert scan_figures(world.edition_id)["entries"] == 3
        assert scan_figures(world.edition_id)["visitors"] == 2
        tally = db.session.get_one(EditionTally, world.edition_id, populate_existing=True)
        assert tally.watermark == db.session.scalar(sa.select(sa.func.max(Scan.id)))


def test_static_figures_count_exhibitors_registrations_and_nothing_scanned(app):
    with app.app_context():
        world = make_world(staff=2)
        figures = service.edition_figures(world.edition_id)
        assert figures.exhibitors == 1
        assert figures.exhibitor_prefectures == (20,)
        assert figures.exhibitors_by_prefecture == {"20": 1}
        assert figures.organisations_by_kind == {"company": 1}
        assert figures.municipalities == 0
        assert figures.booth_units == 2
        assert figures.registrations == 5
        assert figures.registrations_by_type == {"buyer": 2, "general": 2, "press": 1}
        assert figures.visitors == 0
        assert figures.visitors_by_day == {}
        assert figures.online_participants is None
        assert figures.deals is None
        assert figures.business_meetings == 0
        assert figures.series_slug == "takumi"
