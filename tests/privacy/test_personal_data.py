"""Personal data: download one's own, an organiser's erasure, and the retention purge; what is
counted (scans, tallies, the report) stays the same."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from eventhub.accounts.models import User
from eventhub.extensions import db
from eventhub.notifications.models import OutgoingMail
from eventhub.passes.models import Pass, Registration
from eventhub.privacy import service as privacy
from tests.booths.helpers import approved_application
from tests.checkin.gate_helpers import make_device, make_gate, scan
from tests.conftest import PASSWORD
from tests.pages.conftest import text_of
from tests.passes.helpers import get_pass, problem, register, registrations_url
from tests.reports.journey import finish

DAY1 = "2027-10-28T11:00:00+09:00"
DAY2 = "2027-10-29T14:00:00+09:00"
REPORT_FILES = ("report-ja.md", "report-en.md", "figures.csv", "editions.csv")


def erase_url(edition_id: int, registration_id: int) -> str:
    return f"{registrations_url(edition_id)}/{registration_id}/erase"


def test_a_person_downloads_their_data_as_a_file(make_user, anonymous, organiser, edition):
    person = make_user(email="hanako@example.jp")
    made = register(anonymous, edition["id"], email="Hanako@example.jp")
    register(anonymous, edition["id"], email="someone-else@example.jp", name="他人 次郎")
    device = make_device(organiser, edition["id"], make_gate(organiser, edition["id"])["id"])
    scan(device, get_pass(organiser, made["pass"]["id"])["token"], at=DAY1)

    response = person.get("/api/v1/users/me/data")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["account"]["email"] == "hanako@example.jp"
    [registration] = data["registrations"]
    assert registration["name"] == "佐藤 花子"
    assert registration["edition"]["id"] == edition["id"]
    [pass_] = registration["passes"]
    assert pass_["state"] == "issued"
    assert [s["result"] for s in pass_["scans"]] == ["admitted"]
    assert pass_["scans"][0]["scanned_at"] == DAY1
    assert "他人" not in response.get_data(as_text=True)
    problem(anonymous.get("/api/v1/users/me/data"), 401, "unauthenticated")


def test_the_account_page_offers_the_download(make_reader):
    reader = make_reader()
    page = text_of(reader.get("/account"))
    assert 'href="/account/data"' in page
    assert "あなたのデータをダウンロード" in page

    response = reader.get("/account/data")

    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert json.loads(response.data)["account"]["email"] == reader.email


def _figures(organiser, edition_id):
    started = organiser.post(f"/api/v1/editions/{edition_id}/tallies/recompute")
    assert started.status_code == 202, started.json
    figures = dict(organiser.get(f"/api/v1/editions/{edition_id}/tallies").json["figures"])
    figures.pop("computed_at")  # when, not what
    return figures


def _report(app, folder: Path) -> dict[str, str]:
    result = app.test_cli_runner().invoke(
        args=["eventhub", "build-report", "--fiscal-year", "2027", "--out", str(folder)]
    )
    assert result.exit_code == 0, result.output
    return {name: (folder / name).read_text(encoding="utf-8-sig") for name in REPORT_FILES}


@pytest.fixture
def attended(app, monkeypatch, make_user, anonymous, organiser, edition):
    """Two attendees who came in; one has an account that is only an attendee's."""
    monkeypatch.setitem(app.config, "TALLY_SETTLE_SECONDS", 0.0)
    attendee = make_user(email="hanako@example.jp")
    device = make_device(organiser, edition["id"], make_gate(organiser, edition["id"])["id"])
    made = [
        register(anonymous, edition["id"], email="hanako@example.jp", prefecture_code=20),
        register(anonymous, edition["id"], email="taro@example.jp", prefecture_code=13),
    ]
    for registered in made:
        token = get_pass(organiser, registered["pass"]["id"])["token"]
        assert scan(device, token, at=DAY1).json["result"] == "admitted"
    # Held: the report counts the edition.
    finish(organiser, edition)
    return attendee, device, made


def test_erasing_an_attendee_keeps_every_count(app, tmp_path, organiser, edition, attended):
    attendee, device, (hanako, _) = attended
    figures_before = _figures(organiser, edition["id"])
    report_before = _report(app, tmp_path / "before")
    assert figures_before["visitors"] == 2
    assert "（2人来場）" in report_before["report-ja.md"]
    assert "居住都道府県別来場者数,長野県,1" in report_before["figures.csv"]

    erased = organiser.post(erase_url(edition["id"], hanako["id"]))

    assert erased.status_code == 200, erased.json
    assert erased.json["registration_id"] == hanako["id"]
    again = organiser.post(erase_url(edition["id"], hanako["id"]))
    assert again.json["erased_at"] == erased.json["erased_at"]
    assert _figures(organiser, edition["id"]) == figures_before
    assert _report(app, tmp_path / "after") == report_before

    listed = organiser.get(registrations_url(edition["id"])).get_data(as_text=True)
    assert "hanako@example.jp" not in listed
    assert "佐藤 花子" in listed  # the other attendee keeps the fixture's name
    pass_ = get_pass(organiser, hanako["pass"]["id"])
    assert (pass_["state"], pass_["holder_name"]) == ("revoked", privacy.ERASED_NAME)
    assert scan(device, pass_["token"], at=DAY2).json["result"] == "revoked"
    with app.app_context():
        user = db.session.get_one(User, attendee.user_id)
        assert (user.is_active, user.email.endswith(".invalid")) == (False, True)
        mails = db.session.scalars(
            sa.select(OutgoingMail.body_text).where(
                OutgoingMail.to_address.like("%hanako@example.jp")
            )
        ).all()
        assert mails == []
    problem(attendee.get("/api/v1/users/me"), 401, "unauthenticated")
    login = attendee.post(
        "/api/v1/auth/login", json={"email": "hanako@example.jp", "password": PASSWORD}
    )
    assert login.status_code == 401


def test_only_organisers_erase_and_only_registrations_of_the_edition(
    make_user, anonymous, organiser, edition
):
    made = register(anonymous, edition["id"])
    exhibitor = make_user()
    problem(exhibitor.post(erase_url(edition["id"], made["id"])), 403, "forbidden")
    problem(organiser.post(erase_url(edition["id"], made["id"] + 1)), 404, "not_found")
    problem(organiser.post(erase_url(edition["id"] + 1, made["id"])), 404, "not_found")


def test_retention_purges_after_the_period_and_keeps_the_counts(
    app, monkeypatch, tmp_path, organiser, edition, attended
):
    figures_before = _figures(organiser, edition["id"])
    report_before = _report(app, tmp_path / "before")
    runner = app.test_cli_runner()

    unset = runner.invoke(args=["eventhub", "purge-attendee-data"])
    assert "not set: nothing is purged" in unset.output

    monkeypatch.setitem(app.config, "EVENTHUB_ATTENDEE_RETENTION_DAYS", 30)
    with app.app_context():
        # The edition ends on 30 October 2027: 29 days later nothing is due, 31 days later all.
        assert privacy.purge_expired(datetime(2027, 11, 29, tzinfo=UTC)) == 0
        assert privacy.purge_expired(datetime(2027, 12, 1, tzinfo=UTC), batch=1) == 1
        assert privacy.purge_expired(datetime(2027, 12, 1, tzinfo=UTC)) == 1
        assert privacy.purge_expired(datetime(2027, 12, 1, tzinfo=UTC)) == 0
        db.session.commit()
        names = db.session.scalars(sa.select(Registration.name)).all()
        assert names == [privacy.ERASED_NAME, privacy.ERASED_NAME]
    assert runner.invoke(args=["eventhub", "purge-attendee-data"]).output.startswith(
        "attendees and staff erased: 0"
    )
    assert _figures(organiser, edition["id"]) == figures_before
    assert _report(app, tmp_path / "after") == report_before


def test_retention_erases_exhibitors_staff_too(app, monkeypatch, organiser, exhibitor, edition):
    application = approved_application(organiser, exhibitor, edition)
    staff_url = f"/api/v1/applications/{application['id']}/staff"
    added = exhibitor.post(
        staff_url,
        json={"name": "木村 一郎", "name_kana": "キムラ イチロウ", "email": "ichiro@example.jp"},
    )
    assert added.status_code == 201, added.json
    staff_pass = db_pass_of_staff(app, added.json["id"])
    assert get_pass(organiser, staff_pass)["holder_name"] == "木村 一郎"
    assert _mails_to(app, "ichiro@example.jp")  # the pass was mailed

    monkeypatch.setitem(app.config, "EVENTHUB_ATTENDEE_RETENTION_DAYS", 30)
    with app.app_context():
        assert privacy.purge_expired(datetime(2027, 11, 29, tzinfo=UTC)) == 0
        assert privacy.purge_expired(datetime(2027, 12, 1, tzinfo=UTC)) == 1
        assert privacy.purge_expired(datetime(2027, 12, 1, tzinfo=UTC)) == 0
        db.session.commit()

    [member] = exhibitor.get(staff_url).json
    assert member["name"] == privacy.ERASED_NAME
    assert member["name_kana"] is None
    assert member["email"].endswith(".invalid")
    assert member["erased_at"] is not None
    pass_ = get_pass(organiser, staff_pass)
    assert (pass_["state"], pass_["holder_name"]) == ("revoked", privacy.ERASED_NAME)
    assert _mails_to(app, "ichiro@example.jp") == []


def _mails_to(app, address: str) -> list[int]:
    with app.app_context():
        query = sa.select(OutgoingMail.id).where(OutgoingMail.to_address == address)
        return list(db.session.scalars(query))


def db_pass_of_staff(app, member_id: int) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(Pass.id).where(Pass.staff_member_id == member_id)))
