"""The notification service on real applications: who is mailed, what it says, and only once.

The applications are made through the API; the notifications are asked for directly, so these
pass whether or not the applications service calls them yet (a second call is a no-op).
"""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.accounts import invitations
from eventhub.accounts import service as accounts
from eventhub.accounts.models import Organisation, User
from eventhub.applications import service as applications
from eventhub.applications.models import Application
from eventhub.extensions import db
from eventhub.notifications import service
from eventhub.notifications.models import MailStatus, OutgoingMail
from tests.notifications.helpers import (
    CONTACT,
    ORGANISATION,
    decide,
    make_organisation,
    open_edition,
    submitted_application,
)


def _submitted(organiser, exhibitor):
    edition = open_edition(organiser)
    organisation = make_organisation(exhibitor)
    return submitted_application(exhibitor, edition["id"], organisation["id"])


def _notify(app, notify, application_id):
    with app.app_context():
        notify(db.session.get_one(Application, application_id))
        db.session.commit()


def test_submission_receipt_is_bilingual_and_links_the_application(app, sink, organiser, exhibitor):
    application = _submitted(organiser, exhibitor)
    _notify(app, service.notify_application_submitted, application["id"])

    (mail,) = sink.to(CONTACT)
    assert mail["To"] == CONTACT
    assert mail["Subject"] == (
        "【ものづくり・匠の技の祭典2027】出展申込を受け付けました / Application received"
    )
    body = mail.get_content().replace("\r\n", "\n")
    assert body.index("出展申込を受け付けました") < body.index("We have received your application")
    for text in (
        ORGANISATION,
        "山田 太郎 様",
        "「ものづくり・匠の技の祭典2027」",
        "Takumi Festival 2027",
        "状況：受付済み（審査待ち）",
        "Status: Received, awaiting review",
        f"https://eventhub.test/applications/{application['id']}\n",
    ):
        assert text in body


def test_decision_mail_gives_the_status_and_the_reason(app, sink, organiser, exhibitor):
    application = _submitted(organiser, exhibitor)
    reason = "今回は小間数の上限に達しました。"
    response = decide(organiser, application, "rejected", reason=reason)
    assert response.status_code == 200, response.json
    _notify(app, service.notify_application_decided, application["id"])

    decisions = [m for m in sink.to(CONTACT) if "審査結果" in m["Subject"]]
    assert len(decisions) == 1
    assert decisions[0]["Subject"].endswith("審査結果：不採択 / Review result: Not accepted")
    body = decisions[0].get_content()
    assert f"理由：{reason}" in body
    assert f"Reason: {reason}" in body


def test_the_same_decision_notified_twice_is_one_mail(app, sink, organiser, exhibitor):
    application = _submitted(organiser, exhibitor)
    assert decide(organiser, application, "approved").status_code == 200
    for _ in range(2):
        _notify(app, service.notify_application_decided, application["id"])

    with app.app_context():
        keys = db.session.scalars(sa.select(OutgoingMail.dedupe_key)).all()
        statuses = set(db.session.scalars(sa.select(OutgoingMail.status)))
    assert len([m for m in sink.to(CONTACT) if "審査結果" in m["Subject"]]) == 1
    assert len(keys) == len(set(keys))
    assert statuses == {MailStatus.SENT}


def test_a_later_decision_is_a_new_mail(app, sink, organiser, exhibitor):
    application = _submitted(organiser, exhibitor)
    waitlisted = decide(organiser, application, "waitlisted", reason="満員のため")
    assert waitlisted.status_code == 200, waitlisted.json
    _notify(app, service.notify_application_decided, application["id"])
    assert decide(organiser, waitlisted.json, "approved").status_code == 200
    _notify(app, service.notify_application_decided, application["id"])

    subjects = [m["Subject"] for m in sink.to(CONTACT) if "審査結果" in m["Subject"]]
    assert [s.rpartition(": ")[2] for s in subjects] == ["Waitlisted", "Approved"]


def test_without_a_contact_email_the_members_are_mailed(app, sink, organiser, exhibitor, make_user):
    application = _submitted(organiser, exhibitor)
    second = "second.member@example.jp"
    make_user(email=second)
    with app.app_context():
        row = db.session.get_one(Application, application["id"])
        organisation = db.session.get_one(Organisation, row.organisation_id)
        first_user = db.session.get_one(User, exhibitor.user_id)
        invitation = invitations.invite(organisation, first_user, second)
        second_user = accounts.by_email(second)
        assert second_user is not None
        invitations.accept(second_user, invitation.id)
        # Imported or older applications may lack a contact.
        row.contact_email = row.contact_name = None
        db.session.commit()
        first = db.session.get_one(User, exhibitor.user_id).email
    current = organiser.get(f"/api/v1/applications/{application['id']}").json
    assert decide(organiser, current, "approved").status_code == 200
    _notify(app, service.notify_application_decided, application["id"])

    for address in (first, second):
        # The second member also had the invitation that made them one.
        (mail,) = [m for m in sink.to(address) if "審査結果" in m["Subject"]]
        assert mail["To"] == address
        assert mail.get_content().startswith(f"{ORGANISATION} ご担当者様")
    assert not [m for m in sink.to(CONTACT) if "審査結果" in m["Subject"]]


def test_the_dedupe_key_does_not_depend_on_when_the_session_flushes(app, organiser, exhibitor):
    """Approving flushes (its capacity check queries), rejecting does not; the key is stable."""
    first = _submitted(organiser, exhibitor)
    with app.app_context():
        user = db.session.get_one(User, organiser.user_id)
        application = db.session.get_one(Application, first["id"])
        applications.decide(application, user, {"decision": "approved"})
        before = service.dedupe_key(application, "decided")
        db.session.commit()
        after = service.dedupe_key(application, "decided")
    assert before == after == f"application:{first['id']}:decided:approved:t3"


def test_notifying_leaves_the_callers_changes_to_its_own_commit(app, sink, organiser, exhibitor):
    """The caller's commit checks the version; a flush here would raise its conflict early."""
    first = _submitted(organiser, exhibitor)
    already = len(sink.received)
    with app.app_context():
        application = db.session.get_one(Application, first["id"])
        application.decision_reason = "まだ保存されていない変更"
        service.notify_application_submitted(application)
        assert application in db.session.dirty
        db.session.rollback()
    assert len(sink.received) == already  # rolled back with the caller's transaction
