"""Bulk issuing with its progress, revocation, and re-issuing after a change of kind or days."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.passes import issuing, signing
from eventhub.passes.models import Pass, RevokedToken
from tests.booths.helpers import approved_application
from tests.passes.helpers import (
    get_pass,
    mails_to,
    pass_url,
    path_of,
    problem,
    register,
)


def _revoked(app) -> list[tuple[int, int]]:
    with app.app_context():
        rows = db.session.execute(sa.select(RevokedToken.pass_id, RevokedToken.serial))
        return sorted((pass_id, serial) for pass_id, serial in rows)


def test_revoking_lists_the_serial_for_the_gates_once(
    app, anonymous, organiser, exhibitor, edition
):
    pass_id = register(anonymous, edition["id"])["pass"]["id"]
    png = path_of(get_pass(organiser, pass_id)["links"]["png"])

    problem(exhibitor.post(pass_url(pass_id, "revoke")), 403, "forbidden")
    revoked = organiser.post(pass_url(pass_id, "revoke"))
    assert revoked.status_code == 200, revoked.json
    assert revoked.json["state"] == "revoked"
    assert revoked.json["revoked_at"]
    assert organiser.post(pass_url(pass_id, "revoke")).status_code == 200

    assert _revoked(app) == [(pass_id, 1)]
    problem(anonymous.get(png), 409, "pass_revoked")
    problem(organiser.patch(pass_url(pass_id), json={"kind": "vip"}), 409, "pass_revoked")
    problem(organiser.post(pass_url(999_999, "revoke")), 404, "not_found")


def test_changing_the_kind_retires_the_token_and_the_link(app, anonymous, organiser, edition):
    registration = register(anonymous, edition["id"])
    pass_id = registration["pass"]["id"]
    before = get_pass(organiser, pass_id)

    changed = organiser.patch(pass_url(pass_id), json={"kind": "vip"})

    assert changed.status_code == 200, changed.json
    after = get_pass(organiser, pass_id)
    assert (after["kind"], after["serial"], after["state"]) == ("vip", 2, "issued")
    assert after["token"] != before["token"]
    assert after["links"]["png"] != before["links"]["png"]
    problem(anonymous.get(path_of(before["links"]["png"])), 404, "not_found")
    assert anonymous.get(path_of(after["links"]["png"])).status_code == 200
    assert _revoked(app) == [(pass_id, 1)]
    with app.app_context():
        claims = signing.keyring(edition["id"]).verify(after["token"])
    assert (claims.serial, claims.kind.name) == (2, "VIP")
    # The registration follows the pass, and the holder is mailed the new link.
    listed = organiser.get(f"/api/v1/editions/{edition['id']}/registrations").json["items"]
    assert listed[0]["attendee_type"] == "vip"
    assert len(mails_to(app, "hanako@example.jp")) == 2


def test_changing_the_days_puts_them_in_the_token(app, anonymous, organiser, edition):
    pass_id = register(anonymous, edition["id"])["pass"]["id"]

    outside = organiser.patch(pass_url(pass_id), json={"valid_days": ["2027-11-01"]})
    assert [e["field"] for e in problem(outside, 422, "validation_failed")["errors"]] == [
        "valid_days"
    ]
    staff_kind = organiser.patch(pass_url(pass_id), json={"kind": "exhibitor_staff"})
    problem(staff_kind, 422, "validation_failed")
    changed = organiser.patch(pass_url(pass_id), json={"valid_days": ["2027-10-30", "2027-10-28"]})
    assert changed.status_code == 200, changed.json

    after = get_pass(organiser, pass_id)
    assert after["valid_days"] == ["2027-10-28", "2027-10-30"]
    with app.app_context():
        claims = signing.keyring(edition["id"]).verify(after["token"])
    assert claims.day_mask == 0b101
    # The same change again changes nothing: no new serial, no new mail.
    again = organiser.patch(pass_url(pass_id), json={"valid_days": ["2027-10-28", "2027-10-30"]})
    assert again.json["serial"] == 2


def test_issue_all_creates_missing_passes_and_reports_progress(
    app, anonymous, organiser, exhibitor, edition, lost_tasks
):
    register(anonymous, edition["id"], email="a@example.jp")
    register(anonymous, edition["id"], email="b@example.jp")
    application = approved_application(organiser, exhibitor, edition)
    exhibitor.post(
        f"/api/v1/applications/{application['id']}/staff",
        json={"name": "木村 拓", "email": "kimura@example.jp"},
    )
    progress_url = f"/api/v1/editions/{edition['id']}/passes/progress"
    # Registering staff creates its pass; take it away to have one missing.
    with app.app_context():
        db.session.execute(sa.delete(Pass).where(Pass.staff_member_id.is_not(None)))
        db.session.commit()
    assert organiser.get(progress_url).json == {
        "total": 2,
        "issued": 0,
        "pending": 2,
        "revoked": 0,
    }
    lost_tasks.clear()

    started = organiser.post(f"/api/v1/editions/{edition['id']}/passes/issue-all")

    assert started.status_code == 202, started.json
    assert started.json == {"total": 3, "issued": 0, "pending": 3, "revoked": 0, "created": 1}
    with app.app_context():
        pending = db.session.scalars(sa.select(Pass.id).order_by(Pass.id)).all()
    # One task for the three: bulk issuing goes in batches of issuing.BATCH_SIZE.
    assert lost_tasks == [(issuing.ISSUE_BATCH_TASK, (list(pending),))]
    with app.app_context():
        staff_pass = db.session.scalar(sa.select(Pass).where(Pass.staff_member_id.is_not(None)))
        assert staff_pass is not None
        assert staff_pass.kind == "exhibitor_staff"
    again = organiser.post(f"/api/v1/editions/{edition['id']}/passes/issue-all")
    assert again.json["created"] == 0


def test_issue_all_in_eager_mode_issues_everything(anonymous, organiser, edition):
    register(anonymous, edition["id"], email="a@example.jp")
    organiser.post(f"/api/v1/editions/{edition['id']}/passes/issue-all")

    progress = organiser.get(f"/api/v1/editions/{edition['id']}/passes/progress").json
    assert progress == {"total": 1, "issued": 1, "pending": 0, "revoked": 0}
