"""Issuing passes: sign the token, render the QR code, mail the holder; re-drive the lost;
revoke and re-issue when an organiser changes a pass.

A pass needing a token is recorded as pending (with ``queued_at``) in the transaction that
made it necessary, and ``eventhub.passes.issue`` is queued after that commit. ``issue_pass`` is
idempotent: it locks the row and does nothing unless the pass is still pending, and the mail's
dedupe key names the pass and its serial. ``reissue_stale``, run by beat, queues again what a
lost message or a dead worker left pending.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.db import utcnow
from eventhub.errors import ApiError, field_error, not_found
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.locking import lock_rows
from eventhub.notifications.service import queue_mail
from eventhub.passes import printable, qr, signing
from eventhub.passes.models import AttendeeType, Pass, PassState, Registration, RevokedToken
from eventhub.passes.tokens import PassKind, TokenClaims
from eventhub.tasks import enqueue

log = logging.getLogger(__name__)

ISSUE_TASK = "eventhub.passes.issue"
RECONCILE_TASK = "eventhub.passes.reissue_stale"
#: A pass still pending this long after it was queued has lost its task.
STALE_AFTER = timedelta(minutes=2)
RECONCILE_BATCH = 1000

#: The pass kind as the token carries it.
TOKEN_KINDS: dict[str, PassKind] = {
    AttendeeType.GENERAL: PassKind.ATTENDEE,
    AttendeeType.BUYER: PassKind.BUYER,
    AttendeeType.PRESS: PassKind.PRESS,
    AttendeeType.EXHIBITOR_STAFF: PassKind.EXHIBITOR_STAFF,
    AttendeeType.VIP: PassKind.VIP,
}


def queue_issue(pass_: Pass, now: datetime | None = None) -> None:
    """Record that ``pass_`` (flushed, pending) needs issuing, and queue it after the commit."""
    pass_.queued_at = now or utcnow()
    enqueue(ISSUE_TASK, pass_.id)


def edition_days(edition: Edition) -> tuple[date, date]:
    """The first and last local day of the edition, in its own time zone."""
    zone = ZoneInfo(edition.timezone)
    return edition.starts_at.astimezone(zone).date(), edition.ends_at.astimezone(zone).date()


def claims_for(pass_: Pass, edition: Edition) -> TokenClaims:
    first, last = edition_days(edition)
    mask: int | None = None
    days = pass_.valid_dates()
    if days is not None:
        # Days outside the edition (its dates moved since) admit on nothing, so they are dropped;
        # TokenClaims refuses a pass left with no day at all.
        mask = sum(1 << (day - first).days for day in days if first <= day <= last)
    return TokenClaims(
        pass_id=pass_.id,
        edition_id=edition.id,
        kind=TOKEN_KINDS[AttendeeType(pass_.kind)],
        valid_from=first,
        valid_until=last,
        day_mask=mask,
        serial=pass_.serial,
    )


def _ring(edition_id: int) -> signing.keys.KeyRing:
    # The cached ring may predate a rotation elsewhere: the database names the signing key.
    active = signing.active_key_id(edition_id) or signing.ensure_key(edition_id).key_id
    ring = signing.keyring(edition_id)
    if ring.active_kid is None or ring.active_kid.hex() != active:
        # The key was just created (or rotated in another process): the cached ring lacks it.
        signing.forget(edition_id)
        ring = signing.keyring(edition_id)
    return ring


def issue_pass(pass_id: int) -> bool:
    """Sign, render and mail one pass; True if this call issued it. Safe to run twice.

    Signing, rendering and writing the mail (nearly all the time) happen before any write, so
    parallel workers are not serialised by SQLite's single write lock or by row locks. One
    conditional UPDATE then stores the pass only if it is still pending at the same serial:
    of two runs, exactly one gets its row back and queues the mail.
    """
    pass_ = db.session.get(Pass, pass_id)
    if pass_ is None or pass_.state != PassState.PENDING:
        db.session.commit()
        log.info("pass not pending: issued, revoked or gone", extra={"pass_id": pass_id})
        return False
    edition = db.session.get_one(Edition, pass_.edition_id)
    ring = _ring(edition.id)
    serial, email = pass_.serial, pass_.holder_email
    token = ring.sign(claims_for(pass_, edition))
    assert ring.active_kid is not None  # sign() refuses a ring without one
    png, svg = qr.render_both(token)
    subject, body = printable.pass_mail(pass_, edition)
    db.session.commit()  # end the read transaction before writing

    stored = db.session.execute(
        sa.update(Pass)
        .where(Pass.id == pass_id, Pass.state == PassState.PENDING, Pass.serial == serial)
        .values(
            token=token,
            key_id=ring.active_kid.hex(),
            qr_png=png,
            qr_svg=svg,
            state=PassState.ISSUED,
            issued_at=utcnow(),
        )
        .returning(Pass.id)
        .execution_options(synchronize_session=False)
    ).first()
    if stored is None:
        # Another worker issued it meanwhile, or it was changed: that run's result stands.
        db.session.commit()
        return False
    # The serial in the key: a re-issued pass mails its new link once, and a rerun mails nothing.
    queue_mail(f"pass:{pass_id}:{serial}:issued", email, subject, body)
    db.session.commit()
    log.info("pass issued", extra={"pass_id": pass_id, "serial": serial})
    return True


def reissue_stale(now: datetime | None = None) -> list[int]:
    """Queue again every pass left pending past ``STALE_AFTER``; ``now`` is for tests."""
    now = now or utcnow()
    stale = db.session.scalars(
        sa.select(Pass.id)
        .where(
            Pass.state == PassState.PENDING,
            sa.or_(Pass.queued_at.is_(None), Pass.queued_at < now - STALE_AFTER),
        )
        .order_by(Pass.queued_at, Pass.id)
        .limit(RECONCILE_BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    if stale:
        # A fresh queued_at gives the new task its own grace period: a slow queue is not flooded.
        db.session.execute(
            sa.update(Pass)
            .where(Pass.id.in_(stale), Pass.state == PassState.PENDING)
            .values(queued_at=now)
        )
        log.info("passes queued again", extra={"pass_ids": list(stale)})
    for pass_id in stale:
        enqueue(ISSUE_TASK, pass_id)
    db.session.commit()
    return list(stale)


def revoke_serial(pass_: Pass) -> None:
    """Put the pass's current serial on the revocation list (once), for gates and scanners."""
    exists = db.session.scalar(
        sa.select(RevokedToken.id).where(
            RevokedToken.pass_id == pass_.id, RevokedToken.serial == pass_.serial
        )
    )
    if exists is None:
        db.session.add(
            RevokedToken(edition_id=pass_.edition_id, pass_id=pass_.id, serial=pass_.serial)
        )


def reissue(pass_: Pass) -> None:
    """Retire the current token and queue a new one; the caller holds the pass's lock."""
    if pass_.state == PassState.ISSUED:
        revoke_serial(pass_)
    pass_.serial += 1
    pass_.state = PassState.PENDING
    pass_.token = None
    pass_.key_id = None
    pass_.qr_png = None
    pass_.qr_svg = None
    pass_.issued_at = None
    queue_issue(pass_)


# Changes by organisers ------------------------------------------------------------------------


def _locked(pass_id: int) -> Pass:
    lock_rows(Pass, [pass_id])
    pass_ = db.session.get(Pass, pass_id, populate_existing=True)
    if pass_ is None:
        raise not_found("Pass", "パス")
    return pass_


def revoke(pass_id: int) -> Pass:
    """The pass admits no more; its serial goes on the revocation list the gates read."""
    pass_ = _locked(pass_id)
    if pass_.state != PassState.REVOKED:
        revoke_serial(pass_)
        pass_.state = PassState.REVOKED
        pass_.revoked_at = utcnow()
    return pass_


def _check_days(edition: Edition, days: list[date]) -> list[str]:
    first, last = edition_days(edition)
    outside = [d for d in days if not first <= d <= last]
    if outside:
        raise field_error("valid_days", f"Days must lie between {first} and {last}.")
    return [d.isoformat() for d in sorted(set(days))]


def update_pass(pass_id: int, data: dict[str, Any]) -> Pass:
    """Change kind or days: the old token is revoked and a new one (next serial) issued."""
    pass_ = _locked(pass_id)
    if pass_.state == PassState.REVOKED:
        raise ApiError(409, "pass_revoked", "The pass was revoked.", "このパスは無効化されました。")
    kind = data.get("kind", pass_.kind)
    if (kind == AttendeeType.EXHIBITOR_STAFF) != (pass_.staff_member_id is not None):
        raise field_error("kind", "Only exhibitor staff hold exhibitor_staff passes.")
    days = pass_.valid_days
    if "valid_days" in data:
        edition = db.session.get_one(Edition, pass_.edition_id)
        days = None if data["valid_days"] is None else _check_days(edition, data["valid_days"])
    if kind == pass_.kind and days == pass_.valid_days:
        return pass_
    pass_.kind = kind
    pass_.valid_days = days
    if pass_.registration_id is not None:
        # The registration's type follows, so lists and the report agree with the pass.
        registration = db.session.get_one(Registration, pass_.registration_id)
        registration.attendee_type = kind
    reissue(pass_)
    return pass_
