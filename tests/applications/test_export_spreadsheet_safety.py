"""The applications export as CSV and Excel: an exhibitor's text never becomes a formula."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from eventhub.accounts.models import Organisation
from eventhub.extensions import db
from tests.applications.helpers import make_organisation, submitted_application
from tests.spreadsheet_checks import (
    FORMULAS,
    assert_csv_safe,
    assert_xlsx_safe,
    neutralised,
    neutralised_in_xlsx,
)

#: What people can send through the API; tab and carriage return are stored by hand below,
#: because an export must be safe whatever is stored.
TYPED = ("=", "+", "-", "@")


@pytest.fixture
def formula_applications(app, exhibitor, edition) -> list[dict[str, Any]]:
    """One submitted application per character that starts a formula, the text in the
    organisation's name and in the summary."""
    applications = []
    for start, text in FORMULAS.items():
        name = text if start in TYPED else f"株式会社{start!r}"
        org = make_organisation(exhibitor, name=name)
        application = submitted_application(exhibitor, edition, org["id"], summary_ja=name)
        applications.append({**application, "organisation_id": org["id"], "text": text})
    with app.app_context():
        for application in applications[len(TYPED) :]:
            db.session.execute(
                sa.update(Organisation)
                .where(Organisation.id == application["organisation_id"])
                .values(name=application["text"])
            )
        db.session.commit()
    return applications


def _export(organiser, edition, fmt: str) -> Any:
    response = organiser.get(
        f"/api/v1/editions/{edition['id']}/applications/export",
        query_string={"format": fmt, "columns": "id,organisation,summary_ja,booth_units"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def test_csv_export_neutralises_every_formula(organiser, edition, formula_applications):
    response = _export(organiser, edition, "csv")

    cells = assert_csv_safe(response.data)
    for text in FORMULAS.values():
        assert neutralised(text) in cells
    assert cells.count(neutralised(FORMULAS["="])) == 2  # the name and the summary
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_xlsx_export_writes_formulas_as_text(organiser, edition, formula_applications):
    response = _export(organiser, edition, "xlsx")

    cells = assert_xlsx_safe(response.data)
    for text in FORMULAS.values():
        assert (neutralised_in_xlsx(text), "s") in cells
    # Numbers stay numbers.
    assert (formula_applications[0]["id"], "n") in cells
    assert (2, "n") in cells
