"""The whole exhibitor journey per series, through HTTP only, and the waitlist under a race."""

from __future__ import annotations

import threading

import pytest

from eventhub.applications import waitlist
from eventhub.applications.models import Application, ApplicationStatus
from eventhub.extensions import db
from tests.applications.helpers import (
    application_body,
    application_url,
    create_application,
    decide,
    make_organisation,
    open_edition,
    start_review,
    submit,
    submitted_application,
)
from tests.booths.helpers import booth_body, make_booths


@pytest.mark.parametrize("series", ["national-zone", "takumi", "mokucolle"])
def test_from_organisation_to_booth_and_staff(organiser, exhibitor, make_user, series):
    edition = open_edition(organiser, series, booth_capacity=10)
    organisation = make_organisation(exhibitor)
    draft = create_application(
        exhibitor, edition["id"], application_body(series, organisation["id"], booth_units=2)
    )
    application = submit(exhibitor, draft)
    application = start_review(organiser, application)
    application = decide(organiser, application, "approved").json
    [booth] = make_booths(organiser, edition["id"], booth_body("A-12", units=2))

    allocated = organiser.post(
        f"{application_url(application['id'])}/booths", json={"booth_id": booth["id"]}
    )
    staff = exhibitor.post(
        application_url(application["id"], "staff"),
        json={"name": "出展 スタッフ", "email": "staff@example.jp"},
    )

    assert application["status"] == "approved"
    assert allocated.status_code == 201, allocated.json
    assert staff.status_code == 201, staff.json
    mine = exhibitor.get(f"{application_url(application['id'])}/booths").json
    assert [b["code"] for b in _booths(mine)] == ["A-12"]
    history = exhibitor.get(application_url(application["id"], "history")).json
    assert [h["to_status"] for h in history] == ["draft", "submitted", "under_review", "approved"]
    # Another exhibitor sees none of it.
    stranger = make_user()
    assert stranger.get(application_url(application["id"])).status_code == 404
    assert stranger.get(f"{application_url(application['id'])}/booths").status_code == 404
    assert stranger.get(application_url(application["id"], "staff")).status_code == 404


def _booths(body):
    return body["items"] if isinstance(body, dict) else body


def test_concurrent_offer_runs_never_promise_more_than_the_capacity(app, organiser, make_user):
    edition = open_edition(organiser, "takumi", booth_capacity=3)
    for _ in range(6):
        api = make_user()
        application = submitted_application(
            api, edition, make_organisation(api)["id"], booth_units=1
        )
        decide(organiser, application, "waitlisted", reason="満員")
    barrier = threading.Barrier(4)
    errors: list[Exception] = []

    def run() -> None:
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                waitlist.offer_places(edition["id"])
            except Exception as exc:  # noqa: BLE001 - a thread must hand its failure to the test
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    with app.app_context():
        offered = db.session.query(Application).filter_by(status=ApplicationStatus.OFFERED).count()
    assert offered == 3
