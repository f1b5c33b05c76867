"""The mails' wording and headers, from unsaved objects: no database, no mail server."""

from __future__ import annotations

from datetime import UTC, datetime

from eventhub.accounts.models import Organisation
from eventhub.applications.models import Application, ApplicationStatus
from eventhub.events.models import Edition
from eventhub.notifications import templates
from eventhub.notifications.models import OutgoingMail


def _application(status: str, **fields) -> Application:
    edition = Edition(title_ja="WOODコレクション2027", title_en="WOOD Collection 2027")
    edition.timezone = "Asia/Tokyo"
    organisation = Organisation(name="飛騨木工協同組合")
    return Application(id=42, status=status, edition=edition, organisation=organisation, **fields)


def test_japanese_comes_first_then_english():
    content = templates.decided(
        _application(ApplicationStatus.REJECTED, decision_reason="書類不備のため"),
        "https://eventhub.example.jp/",
    )
    assert content.subject == (
        "【WOODコレクション2027】審査結果：不採択 / Review result: Not accepted"
    )
    ja, _, en = content.body.partition(templates.RULE)
    assert "飛騨木工協同組合 ご担当者様" in ja
    assert "理由：書類不備のため" in ja
    assert "Dear 飛騨木工協同組合," in en
    assert "Reason: 書類不備のため" in en
    assert content.body.count("https://eventhub.example.jp/applications/42\n") == 2
    assert content.body.endswith(templates.SIGNATURE)


def test_a_submission_sent_to_the_waitlist_says_so():
    content = templates.submitted(_application(ApplicationStatus.WAITLISTED), "https://e.test")
    assert "状況：キャンセル待ち" in content.body
    assert "Status: Waitlisted" in content.body
    assert "in order of submission" in content.body


def test_an_offer_gives_its_deadline_in_the_edition_time_zone():
    offered = _application(
        ApplicationStatus.OFFERED, offer_expires_at=datetime(2027, 7, 3, 8, 0, tzinfo=UTC)
    )
    body = templates.decided(offered, "https://e.test").body
    assert "回答期限：2027年7月3日 17:00" in body
    assert "Answer by: 03 July 2027, 17:00 (Asia/Tokyo)" in body


def test_message_id_is_stable_and_in_the_sender_domain():
    first = templates.message_id("application:1:decided:approved:t3", "x <noreply@ex.jp>")
    again = templates.message_id("application:1:decided:approved:t3", "noreply@ex.jp")
    other = templates.message_id("application:1:decided:rejected:t3", "noreply@ex.jp")
    assert first == again != other
    assert first.startswith("<eventhub.")
    assert first.endswith("@ex.jp>")


def test_message_headers():
    mail = OutgoingMail(
        dedupe_key="k",
        to_address="a@example.jp",
        subject="件名",
        body_text="本文\n",
        created_at=datetime(2026, 4, 1, 0, 0, tzinfo=UTC),
    )
    message = templates.build_message(mail, "eventhub <noreply@eventhub.test>")
    assert message["To"] == "a@example.jp"
    assert message["Subject"] == "件名"
    assert message["Date"] == "Wed, 01 Apr 2026 00:00:00 +0000"
    assert message["Message-ID"] == templates.message_id("k", "noreply@eventhub.test")
