"""Through HTTP only: the exhibitor is mailed on submission and on each decision, exactly once.

Needs applications.service.submit and decide to call the notification service.
"""

from __future__ import annotations

from datetime import timedelta

from eventhub.db import utcnow
from eventhub.notifications import service
from tests.notifications.helpers import (
    CONTACT,
    decide,
    make_organisation,
    open_edition,
    submitted_application,
)


def _subjects(sink):
    return [m["Subject"].rpartition(" / ")[2] for m in sink.to(CONTACT)]


def test_exhibitor_is_mailed_on_submission_and_each_decision_once(app, sink, organiser, exhibitor):
    edition = open_edition(organiser)
    organisation = make_organisation(exhibitor)
    application = submitted_application(exhibitor, edition["id"], organisation["id"])
    assert _subjects(sink) == ["Application received"]

    waitlisted = decide(organiser, application, "waitlisted", reason="満員のため")
    assert waitlisted.status_code == 200, waitlisted.json
    assert _subjects(sink) == ["Application received", "Review result: Waitlisted"]
    assert "理由：満員のため" in sink.to(CONTACT)[-1].get_content()

    # A second reviewer deciding on the version already decided loses, and mails nobody.
    late = decide(organiser, application, "rejected", reason="重複")
    assert late.status_code == 409, late.json
    assert len(sink.to(CONTACT)) == 2

    # The mail server refuses the approval's first attempt: it goes out later, once.
    sink.refuse_next(1)
    approved = decide(organiser, waitlisted.json, "approved")
    assert approved.status_code == 200, approved.json
    assert sink.refused == 1
    assert len(sink.to(CONTACT)) == 2
    with app.app_context():
        assert len(service.redrive_pending(utcnow() + timedelta(minutes=1))) == 1
        assert service.redrive_pending(utcnow() + timedelta(days=1)) == []
    assert _subjects(sink) == [
        "Application received",
        "Review result: Waitlisted",
        "Review result: Approved",
    ]
