"""A recompute someone asked for counts every committed scan, the ones made a moment ago too.

Unlike the other tallies API tests, these keep the settle time of the incremental count
(TALLY_SETTLE_SECONDS, 10 s): the scans below are younger than that when the recount runs.
"""

from __future__ import annotations

from typing import Any

from tests.applications.helpers import open_edition
from tests.checkin.gate_helpers import issue_pass, make_device, make_gate, result, scan

EDITIONS = "/api/v1/editions"


def _tallies(organiser: Any, edition_id: int) -> dict[str, Any]:
    response = organiser.get(f"{EDITIONS}/{edition_id}/tallies")
    assert response.status_code == 200, response.json
    return dict(response.json)


def test_a_recompute_counts_the_scans_of_the_last_seconds(app, organiser):
    assert app.config["TALLY_SETTLE_SECONDS"] >= 5  # the default: these scans are younger
    edition = open_edition(organiser)
    gate = make_gate(organiser, edition["id"], "東1ホール入口")
    device = make_device(organiser, edition["id"], gate["id"])
    assert _tallies(organiser, edition["id"])["figures"]["visitors"] == 0  # tallied once
    first = issue_pass(app, edition["id"])
    second = issue_pass(app, edition["id"])
    assert result(scan(device, first.token)) == "admitted"
    assert result(scan(device, second.token, at="2027-08-07T10:20:00+09:00")) == "admitted"

    response = organiser.post(f"{EDITIONS}/{edition['id']}/tallies/recompute")

    assert response.status_code == 202, response.json
    assert response.json["state"] == "done"  # eager: the task has run
    live = _tallies(organiser, edition["id"])
    assert live["pending_scans"] == 0
    assert live["figures"]["visitors"] == 2
    assert live["figures"]["entries"] == 2
