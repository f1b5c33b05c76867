"""Issuing is idempotent, lost tasks are re-driven, and staff passes are made and issued."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from eventhub.applications.models import StaffMember
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.notifications.models import OutgoingMail
from eventhub.passes import issuing, service, signing
from eventhub.passes.models import Pass, PassState
from eventhub.passes.tokens import PassKind
from tests.booths.helpers import approved_application
from tests.passes.helpers import load_pass, mails_to, register


def _mail_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) or 0


def test_issuing_twice_signs_and_mails_once(app, anonymous, edition, lost_tasks):
    pass_id = register(anonymous, edition["id"])["pass"]["id"]
    assert lost_tasks == [(issuing.ISSUE_TASK, (pass_id,))]
    assert load_pass(app, pass_id).state == PassState.PENDING

    with app.app_context():
        assert issuing.issue_pass(pass_id) is True
    first = load_pass(app, pass_id)
    with app.app_context():
        assert issuing.issue_pass(pass_id) is False
    second = load_pass(app, pass_id)

    assert first.state == second.state == PassState.ISSUED
    assert first.token == second.token
    assert first.qr_png == second.qr_png
    assert len(mails_to(app, "hanako@example.jp")) == 1


def test_a_registration_records_the_pending_pass_with_its_queue_time(
    app, anonymous, edition, lost_tasks
):
    before = utcnow()
    pass_id = register(anonymous, edition["id"])["pass"]["id"]

    pending = load_pass(app, pass_id)
    assert pending.state == PassState.PENDING
    assert pending.token is None
    assert pending.queued_at is not None
    assert pending.queued_at >= before
    assert pending.valid_days is None
    assert pending.kind == "buyer"


def test_the_reconciler_re_drives_a_pass_whose_task_was_lost(
    app, anonymous, edition, lost_tasks, monkeypatch
):
    pass_id = register(anonymous, edition["id"])["pass"]["id"]
    fresh = register(anonymous, edition["id"], email="fresh@example.jp")["pass"]["id"]
    with app.app_context():
        db.session.execute(
            sa.update(Pass)
            .where(Pass.id == pass_id)
            .values(queued_at=utcnow() - timedelta(minutes=5))
        )
        db.session.commit()
    monkeypatch.undo()  # tasks run again (eagerly) from here on

    with app.app_context():
        requeued = issuing.reissue_stale()

    # The pass queued a moment ago still has its own task's grace period.
    assert requeued == [pass_id]
    assert load_pass(app, pass_id).state == PassState.ISSUED
    assert load_pass(app, fresh).state == PassState.PENDING


def test_a_pass_revoked_before_its_task_ran_stays_revoked(
    app, anonymous, organiser, edition, lost_tasks
):
    pass_id = register(anonymous, edition["id"])["pass"]["id"]
    assert organiser.post(f"/api/v1/passes/{pass_id}/revoke").status_code == 200

    with app.app_context():
        assert issuing.issue_pass(pass_id) is False
    assert load_pass(app, pass_id).token is None
    assert _mail_count(app) == 0


def test_a_staff_member_gets_an_exhibitor_staff_pass(app, organiser, exhibitor, edition):
    application = approved_application(organiser, exhibitor, edition)
    added = exhibitor.post(
        f"/api/v1/applications/{application['id']}/staff",
        json={"name": "木村 拓", "email": "kimura@example.jp"},
    )
    assert added.status_code == 201, added.json

    with app.app_context():
        member = db.session.get_one(StaffMember, added.json["id"])
        pass_ = service.create_staff_pass(member)
        assert service.create_staff_pass(member) is pass_
        db.session.commit()
        pass_id = pass_.id

    issued = load_pass(app, pass_id)
    assert issued.state == PassState.ISSUED
    assert (issued.kind, issued.staff_member_id, issued.edition_id) == (
        "exhibitor_staff",
        added.json["id"],
        edition["id"],
    )
    with app.app_context():
        assert signing.keyring(edition["id"]).verify(issued.token).kind == PassKind.EXHIBITOR_STAFF
    assert len(mails_to(app, "kimura@example.jp")) == 1


def test_a_batch_issues_its_pending_passes_once_and_skips_the_others(
    app, anonymous, organiser, edition, lost_tasks
):
    ids = [
        register(anonymous, edition["id"], email=f"batch{i}@example.jp")["pass"]["id"]
        for i in range(4)
    ]
    with app.app_context():
        assert issuing.issue_pass(ids[0]) is True  # issued alone before the batch runs
    assert organiser.post(f"/api/v1/passes/{ids[1]}/revoke").status_code == 200

    with app.app_context():
        assert issuing.issue_passes([*ids, 999_999]) == ids[2:]  # 999999: no such pass
        assert issuing.issue_passes(ids) == []  # the batch again: nothing left to do

    for pass_id in ids[2:]:
        issued = load_pass(app, pass_id)
        assert issued.state == PassState.ISSUED
        assert issued.qr_png is not None
        assert issued.qr_svg is not None
        assert issued.token is not None
    assert load_pass(app, ids[1]).state == PassState.REVOKED
    for i in (0, 2, 3):
        assert len(mails_to(app, f"batch{i}@example.jp")) == 1
    assert mails_to(app, "batch1@example.jp") == []


def test_bulk_issuing_and_the_reconciler_queue_batches(
    app, anonymous, organiser, edition, lost_tasks, monkeypatch
):
    monkeypatch.setattr(issuing, "BATCH_SIZE", 2)
    ids = [
        register(anonymous, edition["id"], email=f"bulk{i}@example.jp")["pass"]["id"]
        for i in range(5)
    ]
    lost_tasks.clear()
    assert organiser.post(f"/api/v1/editions/{edition['id']}/passes/issue-all").status_code == 202
    batches = [args[0] for name, args in lost_tasks if name == issuing.ISSUE_BATCH_TASK]
    assert batches == [ids[0:2], ids[2:4], ids[4:5]]

    lost_tasks.clear()
    with app.app_context():
        assert issuing.reissue_stale(now=utcnow() + timedelta(minutes=5)) == ids
    assert lost_tasks == [
        (issuing.ISSUE_BATCH_TASK, (ids[0:2],)),
        (issuing.ISSUE_BATCH_TASK, (ids[2:4],)),
        (issuing.ISSUE_BATCH_TASK, (ids[4:5],)),
    ]
