"""Incremental and full tallies agree, with each other and with a Python oracle, on random
histories of scans: entries, re-entries, exits, refusals, forged codes, manual check-ins,
automatic exits and undos, over several days and gates, with scanned_at in any order relative
to the ids (offline uploads), split into batches anywhere (an undo and the scan it undoes often
fall in different batches)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventhub.tallies import service
from tests.tallies.helpers import at, insert_scans, make_world, oracle, scan_figures

NO_WAIT = timedelta(0)
RESULTS = [
    ("entry", "admitted"),
    ("entry", "reentry_admitted"),
    ("entry", "admitted"),
    ("entry", "already_inside"),
    ("entry", "not_valid_today"),
    ("entry", "revoked"),
    ("entry", "reentry_refused"),
    ("exit", "exited"),
    ("exit", "not_inside"),
]
#: One scan: what it is, who, when, where, and whether a run follows it (and of which kind).
scan_steps = st.tuples(
    st.sampled_from(["scan", "scan", "scan", "undo", "forged", "auto"]),
    st.integers(0, 6),  # holder: 5 visitors and 2 staff
    st.sampled_from(RESULTS),
    st.sampled_from(["qr", "qr", "manual"]),
    st.integers(0, 3),  # day (3: the night after the edition)
    st.integers(0, 23),
    st.integers(0, 59),
    st.sampled_from([0, 1, None]),  # gate
    st.integers(0, 1000),  # which earlier scan an undo takes back
    st.sampled_from([None, None, None, "incremental", "incremental", "full"]),
)


def _row(world: Any, history: list[dict[str, Any]], undone: set[int], step: tuple) -> dict | None:
    kind, who, (direction, result), method, day, hour, minute, gate, pick, _ = step
    gate_ids = list(world.gates)
    row: dict[str, Any] = {
        "pass_id": world.holders[who].pass_id,
        "direction": direction,
        "result": result,
        "method": method,
        "scanned_at": at(day, hour, minute),
        "gate_id": None if gate is None else gate_ids[gate],
    }
    if kind == "forged":
        row.update(pass_id=None, result="forged", gate_id=gate_ids[0])
    elif kind == "auto":
        row.update(direction="exit", result="exited", method="auto", gate_id=None)
    elif kind == "undo":
        candidates = [
            i for i, r in enumerate(history) if r["method"] in {"qr", "manual"} and i not in undone
        ]
        if not candidates:
            return None
        target = candidates[pick % len(candidates)]
        undone.add(target)
        row = {**history[target], "method": "undo", "undoes": target}
        row["scanned_at"] = at(day, hour, minute)  # when staff undid it; counts where it was
    return row


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(scan_steps, min_size=1, max_size=40))
def test_incremental_and_full_tallies_agree_on_any_history(app, steps):
    with app.app_context():
        world = make_world(
            visitors=[("general", 13), ("buyer", 1), ("general", None), ("press", 27), ("vip", 13)],
            staff=2,
        )
        history: list[dict[str, Any]] = []
        ids: list[int] = []
        undone: set[int] = set()
        for step in steps:
            row = _row(world, history, undone, step)
            if row is not None:
                stored = {k: v for k, v in row.items() if k != "undoes"}
                if "undoes" in row:
                    stored["undoes_id"] = ids[row["undoes"]]
                ids.extend(insert_scans(world.edition_id, [stored]))
                history.append(row)
            run = step[-1]
            if run == "incremental":
                service.recompute_incremental(world.edition_id, settle=NO_WAIT)
                assert scan_figures(world.edition_id) == oracle(world, history)
            elif run == "full":
                service.recompute_full(world.edition_id, settle=NO_WAIT)
                assert scan_figures(world.edition_id) == oracle(world, history)

        service.recompute_incremental(world.edition_id, settle=NO_WAIT)
        incremental = scan_figures(world.edition_id)
        service.recompute_full(world.edition_id, settle=NO_WAIT)
        full = scan_figures(world.edition_id)
        assert incremental == full == oracle(world, history)
