"""The outbox on the embedded default: mail leaves after the commit, once, to a real server."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

import sqlalchemy as sa

from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.notifications import service
from eventhub.notifications.models import MailStatus, OutgoingMail
from eventhub.notifications.templates import message_id
from tests.notifications.conftest import free_port

TO = "taro@example.jp"


def _queue(key: str = "test:1", to: str = TO, subject: str = "Hello", body: str = "Body\n"):
    return service.queue_mail(key, to, subject, body)


def _mail(key: str = "test:1") -> OutgoingMail:
    db.session.expire_all()
    return db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.dedupe_key == key)).one()


def test_mail_is_sent_once_after_the_commit(app, sink):
    with app.app_context():
        mail = _queue()
        assert mail is not None
        assert mail.status == MailStatus.PENDING
        assert sink.received == []  # nothing leaves before the transaction commits
        db.session.commit()

        assert len(sink.to(TO)) == 1
        sent = _mail()
        assert sent.status == MailStatus.SENT
        assert sent.attempts == 0
        assert sent.sent_at is not None
        assert sent.next_attempt_at is None

        # The task delivered twice, or late: the claim lets nothing through again.
        assert service.deliver(sent.id) is False
        assert service.redrive_pending(utcnow() + timedelta(days=1)) == []
    assert len(sink.to(TO)) == 1


def test_the_same_dedupe_key_queues_one_mail(app, sink):
    with app.app_context():
        assert _queue() is not None
        assert _queue() is None  # in the same transaction
        db.session.commit()
        assert _queue() is None  # and in a later one
        db.session.commit()
        count = db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail))
    assert count == 1
    assert len(sink.to(TO)) == 1


def test_a_rolled_back_mail_is_never_sent(app, sink):
    with app.app_context():
        _queue()
        db.session.rollback()
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == 0
    assert sink.received == []


def test_a_refused_first_attempt_is_delivered_once_by_the_reconciler(app, sink):
    sink.refuse_next(1)
    with app.app_context():
        _queue()
        db.session.commit()

        # Eager mode does not retry in the request: the mail waits with its back-off.
        mail = _mail()
        assert mail.status == MailStatus.PENDING
        assert mail.attempts == 1
        assert "451" in (mail.last_error or "")
        assert mail.next_attempt_at is not None
        assert mail.next_attempt_at > utcnow()
        assert sink.refused == 1
        assert sink.received == []

        assert service.redrive_pending() == []  # not due yet
        assert service.redrive_pending(mail.next_attempt_at) == [mail.id]
        assert _mail().status == MailStatus.SENT
        assert service.redrive_pending(utcnow() + timedelta(days=1)) == []
    assert len(sink.to(TO)) == 1


def test_mail_stuck_in_sending_is_driven_again(app, sink):
    with app.app_context():
        now = utcnow()
        stuck = OutgoingMail(
            dedupe_key="stuck",
            to_address=TO,
            subject="Stuck",
            body_text="Stuck\n",
            status=MailStatus.SENDING,
            claimed_at=now - timedelta(minutes=11),
        )
        recent = OutgoingMail(
            dedupe_key="recent",
            to_address="hanako@example.jp",
            subject="Recent",
            body_text="Recent\n",
            status=MailStatus.SENDING,
            claimed_at=now - timedelta(minutes=1),
        )
        db.session.add_all([stuck, recent])
        db.session.commit()

        assert service.redrive_pending() == [stuck.id]
        stuck, recent = _mail("stuck"), _mail("recent")
        assert stuck.status == MailStatus.SENT
        assert stuck.attempts == 1  # the lost claim counts
        assert recent.status == MailStatus.SENDING  # its worker may still be talking
    assert [m["Subject"] for m in sink.messages] == ["Stuck"]


def test_a_resend_after_a_crash_has_the_same_message_id(app, sink):
    with app.app_context():
        _queue()
        db.session.commit()
        # The worker crashed after the server took the mail, before the row said so.
        db.session.execute(
            sa.update(OutgoingMail).values(
                status=MailStatus.SENDING, claimed_at=utcnow() - timedelta(minutes=30)
            )
        )
        db.session.commit()
        service.redrive_pending()
    first, second = sink.to(TO)
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Message-ID"] == message_id("test:1", "noreply@eventhub.test")


def test_mail_fails_after_the_last_attempt(app, sink, caplog):
    sink.refuse_next(100)
    with app.app_context():
        _queue()
        db.session.commit()
        for _ in range(service.MAX_ATTEMPTS - 1):
            mail = _mail()
            assert mail.status == MailStatus.PENDING
            assert mail.next_attempt_at is not None
            with caplog.at_level(logging.ERROR, logger=service.__name__):
                service.redrive_pending(mail.next_attempt_at)
        mail = _mail()
        assert mail.status == MailStatus.FAILED
        assert mail.attempts == service.MAX_ATTEMPTS
        assert mail.next_attempt_at is None
        mail_id = mail.id
        assert service.redrive_pending(utcnow() + timedelta(days=1)) == []
    assert sink.refused == service.MAX_ATTEMPTS
    assert sink.received == []
    assert [r.mail_id for r in caplog.records if r.levelno == logging.ERROR] == [mail_id]


def test_backoff_grows_and_is_capped():
    delays = [service.backoff(n).total_seconds() for n in range(1, 12)]
    assert delays == sorted(delays)
    assert delays[0] == 30
    assert delays[-1] == 600


def test_japanese_subject_and_body_arrive_intact(app, sink):
    subject = "【ものづくり・匠の技の祭典2026】審査結果：出展決定 / Review result: Approved"
    body = "株式会社テスト工芸\n山田 太郎 様\n\n出展が決まりました。\n"
    with app.app_context():
        _queue("jp", subject=subject, body=body)
        db.session.commit()
    (message,) = sink.to(TO)
    assert message["Subject"] == subject
    # Text travels in canonical form (RFC 2045): CRLF line breaks.
    assert message.get_content() == body.replace("\n", "\r\n")
    assert message.get_content_charset() == "utf-8"
    assert message["From"].addresses[0].display_name == "イベントハブ"
    assert message["Auto-Submitted"] == "auto-generated"


def test_a_line_break_in_a_subject_cannot_add_headers(app, sink):
    with app.app_context():
        _queue(subject="Hello\r\nBcc: everyone@example.jp")
        db.session.commit()
    ((recipients, _),) = sink.received
    assert recipients == [TO]
    assert sink.messages[0]["Bcc"] is None


def test_an_unreachable_server_leaves_the_mail_pending(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())
    with app.app_context():
        _queue()
        db.session.commit()
        mail = _mail()
    assert mail.status == MailStatus.PENDING
    assert mail.attempts == 1
    assert "ConnectionRefusedError" in (mail.last_error or "")


# Many mails at once -----------------------------------------------------------------------------


def _queue_many(count: int) -> list[int]:
    mails = [(f"bulk:{i}", f"guest{i}@example.jp", f"Pass {i}", "Body\n") for i in range(count)]
    return service.queue_mail_ids(mails)


def _connections(monkeypatch) -> list[int]:
    """Count SMTP connections opened by the outbox."""
    opened: list[int] = []
    real = service._connect

    def counting():
        opened.append(1)
        return real()

    monkeypatch.setattr(service, "_connect", counting)
    return opened


def test_mails_queued_together_leave_over_one_connection_per_task(app, sink, monkeypatch):
    opened = _connections(monkeypatch)
    with app.app_context():
        mail_ids = _queue_many(service.DELIVERY_BATCH + 5)
        db.session.commit()
        statuses = db.session.scalars(
            sa.select(OutgoingMail.status).where(OutgoingMail.id.in_(mail_ids))
        ).all()
    assert len(sink.received) == service.DELIVERY_BATCH + 5
    assert sorted(r[0][0] for r in sink.received) == sorted(
        f"guest{i}@example.jp" for i in range(service.DELIVERY_BATCH + 5)
    )
    assert set(statuses) == {MailStatus.SENT}
    assert len(opened) == 2  # two tasks: 25 mails, then 5


def test_a_refused_mail_of_a_batch_waits_alone_and_the_others_go_on(app, sink, monkeypatch):
    opened = _connections(monkeypatch)
    sink.refuse_next(1)
    with app.app_context():
        first, *others = _queue_many(4)
        db.session.commit()
        refused = db.session.get_one(OutgoingMail, first)
        assert (refused.status, refused.attempts) == (MailStatus.PENDING, 1)
        assert "451" in (refused.last_error or "")
        assert len(sink.received) == 3  # over the same connection
        assert len(opened) == 1

        assert service.redrive_pending(refused.next_attempt_at) == [first]
        assert _mail("bulk:0").status == MailStatus.SENT
        assert service.deliver_many([first, *others]) == []  # sent already: nothing again
    assert len(sink.received) == 4


def test_a_server_lost_in_the_middle_of_a_batch_leaves_the_rest_pending(app, sink, monkeypatch):
    sent: list[str] = []
    real = service._SmtpSession.send

    def dropping(self, message, to_address):
        if len(sent) == 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        real(self, message, to_address)
        sent.append(to_address)

    monkeypatch.setattr(service._SmtpSession, "send", dropping)
    with app.app_context():
        mail_ids = _queue_many(5)
        db.session.commit()
        mails = [db.session.get_one(OutgoingMail, mail_id) for mail_id in mail_ids]
        assert [m.status for m in mails] == [MailStatus.SENT] * 2 + [MailStatus.PENDING] * 3
        assert {m.attempts for m in mails[2:]} == {1}
        assert all("SMTPServerDisconnected" in (m.last_error or "") for m in mails[2:])
    assert len(sink.received) == 2
