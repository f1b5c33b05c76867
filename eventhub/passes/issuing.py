"""Issuing passes: sign the token, render the QR code, mail the holder; re-drive the lost;
revoke and re-issue when an organiser changes a pass.

A pass needing a token is recorded as pending (with ``queued_at``) in the transaction that
made it necessary, and ``eventhub.passes.issue`` is queued after that commit. Bulk issuing and
the reconciler queue ``eventhub.passes.issue_batch`` with up to ``BATCH_SIZE`` passes instead:
one read, one write transaction and one mail INSERT for all of them, so that a worker spends its
time signing and rendering. ``issue_passes`` is idempotent: it stores a pass only if it is still
pending at the serial it read, and the mail's dedupe key names the pass and its serial.
``reissue_stale``, run by beat, queues again what a lost message or a dead worker left pending.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub import counters, reconcile
from eventhub.db import utcnow
from eventhub.errors import DomainError, field_error, not_found
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.locking import lock_rows
from eventhub.notifications.service import queue_mail_ids
from eventhub.passes import printable, qr, signing
from eventhub.passes.models import (
    AttendeeType,
    Pass,
    PassState,
    Registration,
    RevokedToken,
    SigningKey,
)
from eventhub.passes.tokens import PassKind, TokenClaims
from eventhub.tasks import enqueue

log = logging.getLogger(__name__)

ISSUE_TASK = "eventhub.passes.issue"
ISSUE_BATCH_TASK = "eventhub.passes.issue_batch"
RECONCILE_TASK = "eventhub.passes.reissue_stale"
#: Passes per bulk task: about half a second of rendering, and a killed worker loses no more.
BATCH_SIZE = 25
#: A pass still pending this long after it was queued has lost its task.
STALE_AFTER = timedelta(minutes=2)
#: The longest a pass whose task keeps getting lost waits between two re-drives.
MAX_REDRIVE_WAIT = timedelta(minutes=30)
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
    pass_.redrives = 0
    enqueue(ISSUE_TASK, pass_.id)


def queue_issue_all(pass_ids: list[int], now: datetime | None = None) -> None:
    """``queue_issue`` for many pending passes: ``queued_at`` in one UPDATE, tasks in batches."""
    now = now or utcnow()
    for start in range(0, len(pass_ids), BATCH_SIZE):
        batch = pass_ids[start : start + BATCH_SIZE]
        db.session.execute(
            sa.update(Pass)
            .where(Pass.id.in_(batch), Pass.state == PassState.PENDING)
            .values(queued_at=now, redrives=0)
            .execution_options(synchronize_session=False)
        )
        enqueue(ISSUE_BATCH_TASK, batch)


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


#: The id of the key that signs the pass's edition now, read with the pass.
_ACTIVE_KEY_ID = (
    sa.select(SigningKey.key_id)
    .where(SigningKey.edition_id == Pass.edition_id, SigningKey.retired_at.is_(None))
    .order_by(SigningKey.id.desc())
    .limit(1)
    .scalar_subquery()
)


def _ring(edition_id: int, active: str | None) -> signing.keys.KeyRing:
    # The cached ring may predate a rotation elsewhere: the database names the signing key.
    active = active or signing.ensure_key(edition_id).key_id
    ring = signing.keyring(edition_id)
    if ring.active_kid is None or ring.active_kid.hex() != active:
        # The key was just created (or rotated in another process): the cached ring lacks it.
        signing.forget(edition_id)
        ring = signing.keyring(edition_id)
    return ring


@dataclass(frozen=True, slots=True)
class _Signed:
    """What issuing one pass writes, made before any write."""

    pass_id: int
    serial: int
    email: str
    token: str
    key_id: str
    subject: str
    body: str


def issue_pass(pass_id: int) -> bool:
    """Sign, render and mail one pass; True if this call issued it. Safe to run twice."""
    return bool(issue_passes([pass_id]))


def issue_passes(pass_ids: list[int]) -> list[int]:
    """Sign, render and mail the passes still pending among ``pass_ids``; the ids this call
    issued. Safe to run twice, and beside another run of the same passes.

    Reading, then signing and rendering (nearly all the time) happen before any write, so
    parallel workers are not serialised by SQLite's single write lock or by row locks. One
    conditional UPDATE per pass then stores it only if it is still pending at the serial read:
    of two runs, exactly one gets the row back and queues the mail. All passes are stored, and
    their mails queued, in one transaction.
    """
    # One read: the passes, their editions and each edition's signing key.
    rows = db.session.execute(
        sa.select(Pass, Edition, _ACTIVE_KEY_ID)
        .join(Edition, Edition.id == Pass.edition_id)
        .where(Pass.id.in_(pass_ids), Pass.state == PassState.PENDING)
        .order_by(Pass.id)
    ).all()
    rings: dict[int, signing.keys.KeyRing] = {}
    signed = []
    for pass_, edition, active in rows:
        ring = rings.get(edition.id) or rings.setdefault(edition.id, _ring(edition.id, active))
        assert ring.active_kid is not None  # _ring makes sure of one
        subject, body = printable.pass_mail(pass_, edition)
        token = ring.sign(claims_for(pass_, edition))
        kid = signing.keys.key_id(ring.active_kid)
        signed.append(
            _Signed(pass_.id, pass_.serial, pass_.holder_email, token, kid, subject, body)
        )
    db.session.commit()  # end the read transaction before the long part and the writes
    if len(rows) < len(pass_ids):
        log.info(
            "passes not pending skipped: issued, revoked or gone",
            extra={"n": len(pass_ids) - len(rows)},
        )
    images = [qr.render_both(one.token) for one in signed]

    issued: list[_Signed] = []
    now = utcnow()
    for one, (png, svg) in zip(signed, images, strict=True):
        stored = db.session.execute(
            _STORE,
            {
                "b_pass_id": one.pass_id,
                "b_serial": one.serial,
                "b_token": one.token,
                "b_key_id": one.key_id,
                "b_qr_png": png,
                "b_qr_svg": svg,
                "b_issued_at": now,
            },
        ).first()
        # No row: another worker issued it meanwhile, or it was changed; that result stands.
        if stored is not None:
            issued.append(one)
    # The serial in the key: a re-issued pass mails its new link once, and a rerun mails nothing.
    queue_mail_ids(
        [
            (f"pass:{one.pass_id}:{one.serial}:issued", one.email, one.subject, one.body)
            for one in issued
        ]
    )
    db.session.commit()
    counters.PASSES_ISSUED.inc(len(issued))
    log.info("passes issued", extra={"pass_ids": [one.pass_id for one in issued]})
    return [one.pass_id for one in issued]


_passes = Pass.__table__
#: Store an issued pass if it is still pending at the serial it was signed for. (Bound names
#: are prefixed: an UPDATE takes one named like a column as the value to SET.)
_STORE = (
    sa.update(_passes)
    .where(
        _passes.c.id == sa.bindparam("b_pass_id"),
        _passes.c.state == PassState.PENDING,
        _passes.c.serial == sa.bindparam("b_serial"),
    )
    .values(
        token=sa.bindparam("b_token"),
        key_id=sa.bindparam("b_key_id"),
        qr_png=sa.bindparam("b_qr_png"),
        qr_svg=sa.bindparam("b_qr_svg"),
        state=PassState.ISSUED,
        issued_at=sa.bindparam("b_issued_at"),
    )
    .returning(_passes.c.id)
)


def reissue_stale(now: datetime | None = None) -> list[int]:
    """Queue again the passes left pending past ``STALE_AFTER`` (doubling with each re-drive of
    the same pass, up to ``MAX_REDRIVE_WAIT``), ``RECONCILE_BATCH`` a run; commits.

    ``now`` is for tests. A fresh queued_at gives the new task its own grace period: a slow
    queue is not flooded.
    """
    now = now or utcnow()
    return reconcile.redrive(
        Pass,
        sa.and_(
            Pass.state == PassState.PENDING,
            reconcile.due(Pass.queued_at, Pass.redrives, now, STALE_AFTER, MAX_REDRIVE_WAIT),
        ),
        order_by=(Pass.queued_at, Pass.id),
        limit=RECONCILE_BATCH,
        values={"queued_at": now, "redrives": Pass.redrives + 1},
        task=ISSUE_BATCH_TASK,
        batch=BATCH_SIZE,
    )


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
        raise not_found("pass")
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
        raise field_error("valid_days", "days_outside", first=first, last=last)
    return [d.isoformat() for d in sorted(set(days))]


def update_pass(pass_id: int, data: dict[str, Any]) -> Pass:
    """Change kind or days: the old token is revoked and a new one (next serial) issued."""
    pass_ = _locked(pass_id)
    if pass_.state == PassState.REVOKED:
        raise DomainError("pass_revoked")
    kind = data.get("kind", pass_.kind)
    if (kind == AttendeeType.EXHIBITOR_STAFF) != (pass_.staff_member_id is not None):
        raise field_error("kind", "staff_pass_kind")
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
