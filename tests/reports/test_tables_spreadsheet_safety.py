"""The report's CSV and Excel files: an edition's or a past record's text is never a formula."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.events.models import Edition
from eventhub.extensions import db
from tests.applications.helpers import make_edition, set_edition_status
from tests.reports.helpers import BUILDS, PAST
from tests.spreadsheet_checks import (
    FORMULAS,
    assert_csv_safe,
    assert_xlsx_safe,
    neutralised,
    neutralised_in_xlsx,
)


def test_report_tables_neutralise_every_formula(app, organiser):
    edition = make_edition(organiser, "mokucolle", title_ja=FORMULAS["="], venue_ja=FORMULAS["+"])
    for status in ("open", "closed", "held"):
        set_edition_status(organiser, edition["id"], status)
    past = {"series": "mokucolle", "exhibitors": 10, "visitors": 2000}
    for year, venue, note in ((2025, "=", "+"), (2026, "-", "@")):
        body = {**past, "fiscal_year": year, "venue_ja": FORMULAS[venue], "note_ja": FORMULAS[note]}
        response = organiser.post(PAST, json=body)
        assert response.status_code == 201, response.json
    # Tab and carriage return, stored by hand: the files must be safe whatever is stored.
    with app.app_context():
        db.session.execute(
            sa.update(Edition)
            .where(Edition.id == edition["id"])
            .values(title_ja=FORMULAS["\t"], venue_ja=FORMULAS["\r"])
        )
        db.session.commit()

    build = organiser.post(BUILDS, json={"fiscal_year": 2027}).json
    files = {f["name"]: f["url"] for f in organiser.get(build["url"]).json["files"]}

    editions_csv = organiser.get(files["editions.csv"])
    assert editions_csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    cells = assert_csv_safe(editions_csv.data)
    cells += assert_csv_safe(organiser.get(files["figures.csv"]).data)
    xlsx = assert_xlsx_safe(organiser.get(files["report.xlsx"]).data)
    for text in FORMULAS:
        assert neutralised(FORMULAS[text]) in cells
        assert (neutralised_in_xlsx(FORMULAS[text]), "s") in xlsx
    # Counts stay numbers.
    assert (10, "n") in xlsx
    assert (2000, "n") in xlsx
