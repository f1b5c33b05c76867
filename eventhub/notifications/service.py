"""Mail to exhibitors through an outbox: recorded in the caller's transaction, sent by a task.

``queue_mail`` writes a row and queues ``eventhub.mail.deliver`` for after the commit.
``deliver`` claims the row (pending -> sending) so that of two runs only one talks to the SMTP
server, sends it and marks it sent; an SMTP failure puts it back to pending with a back-off and
raises ``RetryableMailError`` so that the task retries. ``redrive_pending``, run by beat, queues
again what a lost message or a killed worker left behind. A crash between the server's accepting
a mail and the row being marked sent can send it twice; both copies then carry the same
Message-ID, derived from the dedupe key (see templates.message_id), so mail clients can tell.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context

from eventhub import links, reconcile
from eventhub.accounts import service as accounts
from eventhub.accounts.models import normalise_email
from eventhub.applications.models import Application
from eventhub.db import conflict_insert, rowcount, utcnow
from eventhub.extensions import db
from eventhub.notifications import mailbox, templates
from eventhub.notifications.models import MailStatus, OutgoingMail
from eventhub.tasks import enqueue

log = logging.getLogger(__name__)

DELIVER_TASK = "eventhub.mail.deliver"
DELIVER_MANY_TASK = "eventhub.mail.deliver_many"
#: Mails per task when many are queued at once: each task sends them over one connection.
DELIVERY_BATCH = 25
REDRIVE_TASK = "eventhub.mail.redrive"
#: Failed attempts after which a mail is given up; the deliver task's max_retries matches.
MAX_ATTEMPTS = 8
SMTP_TIMEOUT_SECONDS = 10
MAX_BACKOFF = timedelta(minutes=10)
#: An SMTP exchange takes seconds; a claim this old belongs to a worker that died mid-send.
CLAIM_TIMEOUT = timedelta(minutes=10)
#: A new mail still pending this long after it was queued has lost its task: queue it again.
QUEUE_GRACE = timedelta(minutes=2)
#: How long a re-queued mail is left to its task before the reconciler queues it yet again.
REDRIVE_GRACE = timedelta(minutes=5)
REDRIVE_BATCH = 500
LOST_CLAIM = "claim expired: the worker sending it was lost"

S = MailStatus


class RetryableMailError(Exception):
    """Sending failed for now; the mail is pending again and a later attempt may succeed."""


def backoff(attempts: int) -> timedelta:
    """The wait before attempt ``attempts + 1``: SMTP_RETRY_SECONDS doubling, capped at 10 min.

    The task retries after exactly this wait, and the reconciler only picks up a mail once it
    has passed, so it re-drives only retries whose message got lost.
    """
    base = current_app.config.get("SMTP_RETRY_SECONDS", 30) if has_app_context() else 30
    return min(MAX_BACKOFF, timedelta(seconds=base * 2 ** max(attempts - 1, 0)))


# Queueing -------------------------------------------------------------------------------------


def queue_mail(dedupe_key: str, to: str, subject: str, body: str) -> OutgoingMail | None:
    """Record a mail in the caller's transaction and send it after the commit.

    Returns None, and queues nothing, when a mail with ``dedupe_key`` already exists.
    """
    mail_ids = queue_mail_ids([(dedupe_key, to, subject, body)])
    if not mail_ids:
        return None
    with db.session.no_autoflush:
        return db.session.get_one(OutgoingMail, mail_ids[0])


def queue_mail_ids(mails: list[tuple[str, str, str, str]]) -> list[int]:
    """``queue_mail`` for many (dedupe key, to, subject, body) in one statement: the ids of
    the mails recorded (a key already queued records nothing and is left out)."""
    if not mails:
        return []
    table = OutgoingMail.__table__
    now = utcnow()
    # INSERT … ON CONFLICT DO NOTHING: two transactions queueing the same key at once end with
    # one row and no error, where a check-then-insert would race. A Core statement on the table,
    # because an ORM one would autoflush the caller's pending changes.
    insert = (
        conflict_insert(table, db.session)
        .values(
            [
                {
                    "dedupe_key": dedupe_key,
                    "to_address": to,
                    # A line break in a header would let a title inject headers; email refuses it.
                    "subject": " ".join(subject.split()),
                    "body_text": body,
                    "status": S.PENDING,
                    "attempts": 0,
                    "created_at": now,
                    "next_attempt_at": now + QUEUE_GRACE,
                }
                for dedupe_key, to, subject, body in mails
            ]
        )
        .on_conflict_do_nothing(index_elements=[table.c.dedupe_key])
        .returning(table.c.id, table.c.dedupe_key)
    )
    recorded = {row.dedupe_key: row.id for row in db.session.execute(insert)}
    for dedupe_key, *_ in mails:
        if dedupe_key not in recorded:
            log.info("mail already queued", extra={"dedupe_key": dedupe_key})
    mail_ids = [recorded[key] for key, *_ in mails if key in recorded]
    if len(mail_ids) == 1:
        enqueue(DELIVER_TASK, mail_ids[0])
    else:
        for start in range(0, len(mail_ids), DELIVERY_BATCH):
            enqueue(DELIVER_MANY_TASK, mail_ids[start : start + DELIVERY_BATCH])
    return mail_ids


# Sending --------------------------------------------------------------------------------------


#: The server refused this one mail (sender, recipient or content, 4xx or 5xx), and reset.
_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


class _SmtpSession:
    """One SMTP connection for the mails of one delivery, opened for the first of them and
    opened again after a failure; closed with the delivery."""

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> _SmtpSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, message: EmailMessage, to_address: str) -> None:
        if self._smtp is None:
            self._smtp = _connect()
        try:
            self._smtp.send_message(message, to_addrs=[to_address])
        except _REFUSED:
            raise  # smtplib has reset the transaction: the connection can go on
        except (smtplib.SMTPException, OSError):
            self.close()
            raise

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            # A failed goodbye changes nothing: the server has accepted the mail, or the error
            # that matters is already on its way up. Failing here would send it twice.
            smtp.close()


def _session() -> _SmtpSession | mailbox.FolderSession:
    """To the mail server; with none configured (no SMTP_HOST), into the mail folder."""
    if current_app.config["SMTP_HOST"]:
        return _SmtpSession()
    return mailbox.FolderSession(current_app.config["MAIL_DIR"])


def _connect() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if config["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def deliver(mail_id: int) -> bool:
    """Send one queued mail; True if this call sent it. Safe to run twice, and late.

    A failed attempt leaves the mail pending with its back-off and raises
    ``RetryableMailError`` (but for the last attempt), for the task to retry.
    """
    sent, retryable = _deliver([mail_id])
    if retryable:
        raise retryable[0]
    return bool(sent)


def deliver_many(mail_ids: list[int]) -> list[int]:
    """Send queued mails over one SMTP connection; the ids this call sent.

    For many mails queued at once (a bulk issue of passes): one connection, TLS handshake
    and login for all of them instead of one each. A mail that fails is pending again with
    its back-off, and the reconciler sends it when that has passed; the others go on.
    """
    sent, _ = _deliver(mail_ids)
    return sent


def _deliver(mail_ids: list[int]) -> tuple[list[int], list[RetryableMailError]]:
    """Claim the pending ones of ``mail_ids`` and send them in order: (sent, retryable)."""
    claimed_at = utcnow()
    claimed = set(
        db.session.scalars(
            sa.update(OutgoingMail)
            .where(OutgoingMail.id.in_(mail_ids), OutgoingMail.status == S.PENDING)
            .values(status=S.SENDING, claimed_at=claimed_at)
            .returning(OutgoingMail.id)
        ).all()
    )
    # The claims must be visible before the SMTP exchange, so that no other run sends them too.
    db.session.commit()
    for mail_id in mail_ids:
        if mail_id not in claimed:
            log.info("mail not pending: sent, failed or being sent", extra={"mail_id": mail_id})
    sent: list[int] = []
    retryable: list[RetryableMailError] = []

    def release(mail: OutgoingMail, exc: Exception) -> None:
        try:
            _release_after_failure(mail.id, mail.attempts + 1, claimed_at, exc)
        except RetryableMailError as error:
            retryable.append(error)

    queue = [mail_id for mail_id in mail_ids if mail_id in claimed]
    with _session() as smtp:
        for i, mail_id in enumerate(queue):
            mail = db.session.get_one(OutgoingMail, mail_id)
            message = templates.build_message(mail, current_app.config["SMTP_FROM"])
            try:
                smtp.send(message, mail.to_address)
            except _REFUSED as exc:  # this mail only: the connection goes on
                release(mail, exc)
                continue
            except (smtplib.SMTPException, OSError) as exc:  # the server: none of the rest goes
                for rest in queue[i:]:
                    release(db.session.get_one(OutgoingMail, rest), exc)
                break
            db.session.execute(
                sa.update(OutgoingMail)
                .where(OutgoingMail.id == mail_id)
                .values(status=S.SENT, sent_at=utcnow(), claimed_at=None, next_attempt_at=None)
            )
            db.session.commit()  # at once: a crash now must not send this one again
            log.info("mail sent", extra={"mail_id": mail_id})
            sent.append(mail_id)
    return sent, retryable


def _release_after_failure(
    mail_id: int, attempts: int, claimed_at: datetime, exc: Exception
) -> None:
    """Back to pending with a back-off (or failed after the last attempt); raise to retry."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    give_up = attempts >= MAX_ATTEMPTS
    released = db.session.execute(
        sa.update(OutgoingMail)
        # Only our own claim: had the reconciler taken it back, the mail would be another's now.
        .where(
            OutgoingMail.id == mail_id,
            OutgoingMail.status == S.SENDING,
            OutgoingMail.claimed_at == claimed_at,
        )
        .values(
            status=S.FAILED if give_up else S.PENDING,
            attempts=attempts,
            last_error=error,
            claimed_at=None,
            next_attempt_at=None if give_up else utcnow() + backoff(attempts),
        )
        .returning(OutgoingMail.id)
    ).scalar_one_or_none()
    db.session.commit()
    fields = {"mail_id": mail_id, "attempts": attempts, "error": error}
    if released is None:
        log.warning("mail claim was taken back while sending", extra=fields)
    elif give_up:
        log.error("mail failed; giving up after %d attempts", attempts, extra=fields)
    else:
        log.warning("mail attempt failed; will retry", extra=fields)
        raise RetryableMailError(f"mail {mail_id}, attempt {attempts}: {error}") from exc


# Reconciling ----------------------------------------------------------------------------------


def _release_lost_claims(now: datetime) -> None:
    """Mails left in sending by a dead worker count an attempt and are due again at once."""
    lost = (OutgoingMail.status == S.SENDING, OutgoingMail.claimed_at < now - CLAIM_TIMEOUT)
    common: dict[str, Any] = {
        "attempts": OutgoingMail.attempts + 1,
        "claimed_at": None,
        "last_error": LOST_CLAIM,
    }
    # Counting the attempt stops a mail that kills its worker every time from looping forever.
    failed = db.session.scalars(
        sa.update(OutgoingMail)
        .where(*lost, OutgoingMail.attempts >= MAX_ATTEMPTS - 1)
        .values(status=S.FAILED, next_attempt_at=None, **common)
        .returning(OutgoingMail.id)
    ).all()
    released = db.session.scalars(
        sa.update(OutgoingMail)
        .where(*lost)
        .values(status=S.PENDING, next_attempt_at=now, **common)
        .returning(OutgoingMail.id)
    ).all()
    for mail_id in failed:
        log.error("mail failed; its last worker was lost", extra={"mail_id": mail_id})
    if released:
        log.warning("mails released from lost workers", extra={"mail_ids": list(released)})


def redrive_pending(now: datetime | None = None) -> list[int]:
    """Queue again every mail that is due; returns their ids. ``now`` is for tests."""
    now = now or utcnow()
    _release_lost_claims(now)
    # The back-off is the mail's own: next_attempt_at grows with its failed attempts (backoff).
    # A queue that is merely slow must not be flooded with a copy of the task every minute, so
    # a re-queued mail is left to its task for REDRIVE_GRACE.
    return reconcile.redrive(
        OutgoingMail,
        sa.and_(
            OutgoingMail.status == S.PENDING,
            sa.or_(OutgoingMail.next_attempt_at.is_(None), OutgoingMail.next_attempt_at <= now),
        ),
        order_by=(OutgoingMail.next_attempt_at, OutgoingMail.id),
        limit=REDRIVE_BATCH,
        values={"next_attempt_at": now + REDRIVE_GRACE},
        task=DELIVER_TASK,
    )


# Exhibitor notifications ------------------------------------------------------------------------


def notify_application_submitted(application: Application) -> list[OutgoingMail]:
    """Queue the receipt of a submitted application, in the transaction that submits it."""
    return _notify(application, "submitted", templates.submitted)


def notify_application_decided(application: Application) -> list[OutgoingMail]:
    """Queue the review's result (with its reason), in the transaction that decides it."""
    return _notify(application, "decided", templates.decided)


def dedupe_key(application: Application, event: str) -> str:
    # Counts transitions rather than reading the version column: the version moves whenever
    # SQLAlchemy happens to flush (an approval's capacity check does, a rejection does not),
    # while every status change adds exactly one transition, before and after the commit alike.
    step = len(application.transitions)
    return f"application:{application.id}:{event}:{application.status}:t{step}"


def _recipients(application: Application) -> list[tuple[str, str]]:
    """(dedupe key suffix, address): the application's contact, else the organisation's members."""
    if application.contact_email:
        return [("", normalise_email(application.contact_email))]
    members = accounts.member_addresses(application.organisation_id)
    return [(f":user:{user_id}", email) for user_id, email in members]


def _notify(
    application: Application,
    event: str,
    render: Callable[[Application, str], templates.MailContent],
) -> list[OutgoingMail]:
    # The callers commit with an optimistic-lock check (commit_versioned); an autoflush here
    # would raise the version conflict outside it, as a 500 instead of a 409.
    with db.session.no_autoflush:
        content = render(application, links.base_url())
        key = dedupe_key(application, event)
        recipients = _recipients(application)
        queued = [
            mail
            for suffix, address in recipients
            if (mail := queue_mail(key + suffix, address, content.subject, content.body))
        ]
    if not recipients:
        log.warning("application has no one to notify", extra={"application_id": application.id})
    return queued


# Erasure --------------------------------------------------------------------------------------


def forget_address(address: str, placeholder: str) -> int:
    """Mails to ``address`` keep no trace of it (eventhub.privacy erases a person): the address
    becomes ``placeholder`` and the body goes; one still waiting is never sent. A mail that a
    worker is sending right now is left to finish. The number of mails changed."""
    result = db.session.execute(
        sa.update(OutgoingMail)
        .where(
            sa.func.lower(OutgoingMail.to_address) == address.lower(),
            OutgoingMail.status != MailStatus.SENDING,
        )
        .values(
            to_address=placeholder,
            body_text="",
            last_error=None,
            status=sa.case(
                (OutgoingMail.status == MailStatus.PENDING, MailStatus.FAILED.value),
                else_=OutgoingMail.status,
            ),
        )
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)
