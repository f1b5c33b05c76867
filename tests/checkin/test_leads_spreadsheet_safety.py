"""leads.csv: what an anonymous visitor registered, or a note, never becomes a formula."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.passes.models import Registration
from tests.booths.helpers import approved_application
from tests.passes.helpers import get_pass, register
from tests.spreadsheet_checks import FORMULAS, assert_csv_safe, neutralised

TYPED = ("=", "+", "-", "@")


def test_leads_csv_neutralises_every_formula(app, anonymous, organiser, exhibitor, edition):
    application = approved_application(organiser, exhibitor, edition)
    url = f"/api/v1/applications/{application['id']}/leads"
    registrations = []
    for number, (start, text) in enumerate(FORMULAS.items()):
        typed = text if start in TYPED else f"来場者{number}"
        visitor = register(
            anonymous,
            edition["id"],
            email=f"v{number}@example.jp",
            name=typed,
            organisation_name=typed,
        )
        token = str(get_pass(organiser, visitor["pass"]["id"])["token"])
        body = {"token": token, "notes": typed, "tags": [typed[:40]], "rating": 1}
        assert exhibitor.post(url, json=body).status_code == 201
        registrations.append(visitor["id"])
    # Tab and carriage return, stored by hand: the file must be safe whatever is stored.
    with app.app_context():
        for registration_id, start in zip(registrations, FORMULAS, strict=True):
            if start not in TYPED:
                db.session.execute(
                    sa.update(Registration)
                    .where(Registration.id == registration_id)
                    .values(name=FORMULAS[start], organisation_name=FORMULAS[start])
                )
        db.session.commit()

    response = exhibitor.get(f"{url}.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    cells = assert_csv_safe(response.data)
    for text in FORMULAS.values():
        assert neutralised(text) in cells
    # The name, the organisation and the notes of the "=" visitor, and the tag.
    assert cells.count(neutralised(FORMULAS["="])) == 3
    assert neutralised(FORMULAS["="][:40]) in cells
