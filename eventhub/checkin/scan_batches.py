"""Scans on PostgreSQL, sent to the database together: group commit within a server process.

A scan alone costs two round trips and a commit, and each round trip a wake-up of the request's
thread: at a busy gate the processes spent more time talking to PostgreSQL than scanning. So a
scan that arrives while another thread of the same process is at the database waits for it, and
the waiting scans then go together, as one batch run by one of their threads (the leader):

1. one read of every pass in the batch (``scanning.DECISION_QUERY`` with ``id = ANY(…)``), each
   judged in Python exactly as a single scan is (``scanning.judge``);
2. one statement that changes every presence and inserts every scan: data-modifying CTEs over
   the batch sent as one JSON document (``admission.POSTGRESQL_WRITE``, the writer of every
   presence and scan). It commits or fails as a whole (autocommit).

Both go through one pooled connection that the process keeps, with psycopg's cursor directly,
prepared: checking a connection out for each batch, SQLAlchemy's execution machinery and
psycopg's array adaptation each cost more CPU than the statements themselves.

The signature is not checked when the scanned text equals the token stored for the pass: the
server issued that token, and equality is the stronger check (pretix's online check-in looks
its secrets up the same way). Only a token that differs from the stored one (an older serial,
a forgery, a pass not issued) is verified, which also says which of these it is. The key id
must still be in the edition's ring: a retired key stops admitting once the process's cached
ring has expired, within ``signing.RING_TTL`` (30 s). (Verifying every signature first was a
fifth of a scan's CPU, and a forged token now costs a share of a batch's lookup before it is
refused: only authenticated devices can send one.)

Nobody waits for a batch to fill: with nothing in flight a scan goes at once, alone. An offline
upload queues its scans together (``scan_all``), so hundreds of them take a few batches instead
of two round trips each; each pass's scans still go in time order.

Exactly once, as for a single scan: a pass appears at most once per batch (a second scan of it,
or a nonce sent again, waits for the next batch), so the statement never touches a row twice,
and across processes ``ON CONFLICT DO UPDATE … WHERE`` and ``UPDATE … WHERE inside`` re-check
each presence under its row lock. A batch that hits a unique violation (a nonce stored by an
earlier batch: a retried request) changed nothing; the scans whose nonce is stored get the
answer stored with it, and the others are sent again. Two processes' batches can lock the same
two presences in opposite orders; PostgreSQL then aborts one of them, which is sent again, and
at last scan by scan (alone, a scan locks one presence and cannot deadlock). A batch that the
database refuses for one scan's data (a NUL in a nonce) is halved until that scan is alone: it
alone fails, and the others are applied as if it had never been sent.
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import psycopg
import sqlalchemy as sa
from flask import current_app
from psycopg.rows import namedtuple_row
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.pool import Pool

from eventhub.checkin import scanning
from eventhub.checkin.admission import POSTGRESQL_WRITE, batch_params, batch_row
from eventhub.checkin.models import ScanResult
from eventhub.checkin.scanning import (
    DECISION_QUERY,
    Change,
    Outcome,
    Scanner,
    clean_token,
    judge,
    read_token,
    stored_outcomes,
)
from eventhub.errors import DomainError, database_unavailable
from eventhub.extensions import db
from eventhub.passes import signing
from eventhub.passes.keys import KeyRing
from eventhub.passes.models import Pass
from eventhub.passes.tokens import ForgedToken, TokenClaims

log = logging.getLogger(__name__)


@sa.event.listens_for(Pool, "checkin")
def _no_autocommit_back_in_the_pool(dbapi_connection: Any, _record: Any) -> None:
    """A batch connection leaves the pool for good, in autocommit; should it come back anyway
    (its queue dropped and collected), a session must not get it in autocommit, where a
    savepoint fails ("SAVEPOINT can only be used in transaction blocks")."""
    if isinstance(dbapi_connection, psycopg.Connection) and dbapi_connection.autocommit:
        dbapi_connection.autocommit = False


R = ScanResult
#: Scans per batch at most; more wait for the next one.
MAX_BATCH = 64
#: Scans of one offline upload queued at a time: half a batch, the rest left to live scans.
UPLOAD_SHARE = MAX_BATCH // 2
#: Attempts of a batch (deadlocks, stored nonces) before its scans are sent one by one.
ATTEMPTS = 3
# Rows with attributes, as SQLAlchemy's; typed loosely as the columns are the statements'.
_ROWS: Any = namedtuple_row

_LOOKUP = str(
    DECISION_QUERY.where(
        Pass.id == sa.func.any(sa.bindparam("ids", type_=ARRAY(sa.Integer)))
    ).compile(dialect=postgresql.psycopg.dialect())
)


def _held_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass(eq=False, slots=True)
class Pending:
    """A device's scan waiting for its batch; the leader fills in ``outcome`` or ``error``.

    ``verdict`` is verified claims or a refusal, or, with ``ring`` set, claims read without
    checking the signature, to be compared with the pass's stored token.
    """

    scanner: Scanner
    token: str
    verdict: TokenClaims | ScanResult
    ring: KeyRing | None
    direction: str
    at: datetime
    nonce: str
    #: What the server's clock says of ``at`` when the scan arrived.
    when: scanning.Timing = scanning.Timing.VOUCHED
    #: The scan of the same pass just before this one in the same offline upload, if any.
    after: Pending | None = None
    outcome: Outcome | None = None
    error: BaseException | None = None
    #: Held while the scan waits; the leader releases it once, to say "done" or "lead now".
    wake: threading.Lock = field(default_factory=_held_lock)

    @property
    def done(self) -> bool:
        return self.outcome is not None or self.error is not None

    @property
    def pass_id(self) -> int | None:
        return None if isinstance(self.verdict, ScanResult) else self.verdict.pass_id

    def verified(self) -> TokenClaims | ScanResult:
        """The verdict with the signature checked (the slow path)."""
        if self.ring is None:
            return self.verdict
        try:
            return self.ring.verify(self.token)
        except ForgedToken:
            return R.FORGED


class GroupCommit:
    """The process's queue of scans, run in batches by one of the waiting threads at a time.

    Each waiting thread sleeps on its own lock, and is woken once: when its scan is done, or
    to run the next batch. Waking every waiter after every batch (a shared condition) cost
    more CPU than the batch itself saved.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[Pending] = []
        self._running = False
        self._pinned: Any = None  # the batches' pooled connection, kept: one batch at a time
        self._pid = 0

    def connection(self) -> psycopg.Connection[Any]:
        """The queue's own connection, in autocommit; only the thread running a batch uses it.

        Kept out of the pool for good: checking a connection out and resetting it for each
        batch cost more CPU than the batch's two statements.
        """
        if self._pinned is None or self._pid != os.getpid():  # a forked child: not its socket
            pinned = db.engine.raw_connection()
            assert pinned.driver_connection is not None  # None only once invalidated or closed
            pinned.driver_connection.autocommit = True
            self._pinned, self._pid = pinned, os.getpid()
        connection: psycopg.Connection[Any] = self._pinned.driver_connection
        return connection

    def lose_connection(self) -> None:
        """The connection broke: close it, and renew the pool, whose idle connections died
        with it (a database restart), as SQLAlchemy does when it meets a dead connection."""
        if self._pinned is not None:
            self._pinned.invalidate()
            self._pinned = None
        db.engine.dispose()  # checked-out connections are left to their users

    def scan(self, pending: Pending) -> Outcome:
        return self.scan_all([pending])[0]

    def scan_all(self, pendings: list[Pending]) -> list[Outcome]:
        """Queue these scans, in this order, and answer once all have been applied.

        The thread waits for its scans in the order queued. The thread asked to lead always
        holds the first scan still waiting, so every earlier scan of this thread is done by
        then, and no wake-up is missed.
        """
        with self._lock:
            self._waiting.extend(pendings)
            leading = not self._running
            self._running = True
        for pending in pendings:
            while not pending.done:
                if not leading:
                    pending.wake.acquire()  # released by the leader: done, or lead now
                    if pending.done:
                        break
                leading = self._lead(pending)
        outcomes = []
        for pending in pendings:
            if pending.error is not None:
                raise pending.error
            assert pending.outcome is not None
            outcomes.append(pending.outcome)
        return outcomes

    def _lead(self, pending: Pending) -> bool:
        """Run the next batch, then hand over to the first scan still waiting; True if that
        is ``pending`` itself (its own scan had to wait for this batch: lead again)."""
        with self._lock:
            batch, self._waiting = split(self._waiting)
        try:
            run(batch, self)
        finally:  # whatever happened, nobody may be left asleep
            for other in batch:
                if not other.done:
                    other.error = RuntimeError("the scan batch was interrupted")
                if other is not pending:
                    other.wake.release()
            with self._lock:
                following = self._waiting[0] if self._waiting else None
                self._running = following is not None
            if following is not None and following is not pending:
                following.wake.release()
        return following is pending


def group_commit() -> GroupCommit:
    """The app's queue (one per process and app; created on first use)."""
    queue: GroupCommit | None = current_app.extensions.get("eventhub_scan_queue")
    if queue is None:
        queue = current_app.extensions.setdefault("eventhub_scan_queue", GroupCommit())
    return queue


def _pending(scanner: Scanner, token: str, direction: str, at: datetime, nonce: str) -> Pending:
    token = clean_token(token)
    when = scanning.timing_now(at)
    ring = signing.keyring(scanner.edition_id)
    claims = ring.read_unverified(token)
    if claims is None:  # not a token of this edition's keys as they stand: say what it is
        verdict = read_token(token, scanner.edition_id)
        return Pending(scanner, token, verdict, None, direction, at, nonce, when)
    return Pending(scanner, token, claims, ring, direction, at, nonce, when)


def scan(scanner: Scanner, token: str, direction: str, at: datetime, nonce: str) -> Outcome:
    """Scan as part of the next batch; answers once the batch has committed."""
    pending = _pending(scanner, token, direction, at, nonce)
    # Waiting must not hold a pooled connection: the batch needs one.
    release_session()
    return group_commit().scan(pending)


def scan_all(scanner: Scanner, scans: list[tuple[str, str, datetime, str]]) -> list[Outcome]:
    """An offline upload's scans (token, direction, time, nonce), oldest first, in batches.

    Each pass's scans are applied in the order given, in successive batches, and a scan
    whose earlier scan of the same pass failed is not applied either: sending the upload
    again then applies both, in order. The upload is queued ``UPLOAD_SHARE`` scans at a
    time, so that the live scans arriving meanwhile still find room in every batch.
    """
    pendings = [_pending(scanner, *item) for item in scans]
    last: dict[int, Pending] = {}
    for pending in pendings:
        if (pass_id := pending.pass_id) is not None:
            pending.after = last.get(pass_id)
            last[pass_id] = pending
    release_session()
    queue = group_commit()
    outcomes: list[Outcome] = []
    for start in range(0, len(pendings), UPLOAD_SHARE):
        outcomes += queue.scan_all(pendings[start : start + UPLOAD_SHARE])
    return outcomes


def release_session() -> None:
    """End the thread's session transaction, so that it holds no pooled connection.

    The session may hold one from the device lookup. A thread holding one while waiting for
    another can starve the pool: 15 threads of one process each holding one and waiting for
    another never get it. The session only ever read here; a pending write would be lost, so
    it is refused loudly instead.
    """
    if not db.session.registry.has():
        return  # the request never opened one
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("a scan must not run with unflushed changes in the session")
    db.session.rollback()


def split(waiting: list[Pending]) -> tuple[list[Pending], list[Pending]]:
    """This batch and those left for the next: each pass and each nonce once per batch, and
    never ahead of an earlier scan of the same pass or nonce that has to wait."""
    batch: list[Pending] = []
    later: list[Pending] = []
    passes: set[int] = set()
    nonces: set[tuple[int | None, str]] = set()
    for pending in waiting:
        pass_id = pending.pass_id
        nonce = (pending.scanner.device_id, pending.nonce)
        if len(batch) >= MAX_BATCH or pass_id in passes or nonce in nonces:
            later.append(pending)
        else:
            batch.append(pending)
        nonces.add(nonce)
        if pass_id is not None:
            passes.add(pass_id)
    return batch, later


class _ConnectionLostError(Exception):
    """The batch's connection was found dead (a database restart); a new one is taken."""


def run(batch: list[Pending], queue: GroupCommit) -> None:
    """Apply the batch and give each scan its outcome or error; never raises.

    A dead connection is replaced and the batch sent again, once: after a database restart
    the gates see no error. Sending again is safe even if the first attempt had committed
    before the connection died: its nonces are then stored, and answered as the first time.
    A second dead connection answers 503.
    """
    batch = _after_failures(batch)
    if not batch:
        return
    try:
        reconnected = False
        for attempt in range(1, ATTEMPTS + 1):
            try:
                _apply(batch, queue)
                return
            except psycopg.errors.UniqueViolation:
                batch = _answer_stored(batch)
                if not batch:
                    return
            except (psycopg.DataError, psycopg.IntegrityError) as exc:
                _isolate(batch, queue, exc)
                return
            except psycopg.errors.DeadlockDetected:
                log.info("scan batch of %d deadlocked (attempt %d)", len(batch), attempt)
                if attempt == ATTEMPTS and len(batch) == 1:
                    raise
            except _ConnectionLostError:
                if reconnected:
                    raise database_unavailable() from None
                reconnected = True
                log.warning("scan batch connection lost; sending the batch again")
        for pending in batch:  # alone, a scan locks one presence: no deadlock
            run([pending], queue)
    except Exception as exc:  # noqa: BLE001  (handed to every waiting request to answer)
        for pending in batch:
            if not pending.done:
                pending.error = exc


def _isolate(batch: list[Pending], queue: GroupCommit, exc: psycopg.Error) -> None:
    """The database refused the batch for some scan's data (a NUL in a nonce, a value out of
    range): halve the batch until that scan is alone, so that it fails alone and every
    other scan is applied and answered as usual. Only failures pay for this.

    A scan refused alone for its data is the device's mistake (422 ``invalid_scan``); any
    other refusal is a fault of ours, and answered as one.
    """
    if len(batch) > 1:
        half = len(batch) // 2
        run(batch[:half], queue)
        run(batch[half:], queue)
        return
    (pending,) = batch
    log.warning(
        "scan refused by the database: %s",
        exc.diag.message_primary,
        extra={"device_id": pending.scanner.device_id, "sqlstate": exc.sqlstate},
    )
    if isinstance(exc, psycopg.DataError):
        pending.error = DomainError("invalid_scan")
    else:
        pending.error = exc


def _after_failures(batch: list[Pending]) -> list[Pending]:
    """Fail the scans whose earlier scan of the same pass (in one upload) failed; the rest."""
    for pending in batch:
        if pending.after is not None and pending.after.error is not None:
            pending.error = pending.after.error
    return [pending for pending in batch if pending.error is None]


def _answer_stored(batch: list[Pending]) -> list[Pending]:
    """After a unique violation: the scans whose nonce an earlier batch stored (retried
    requests) get the answer stored with it; the others, returned, are to be sent again."""
    devices: dict[int, list[Pending]] = {}
    for pending in batch:
        assert pending.scanner.device_id is not None  # only devices' scans come here
        devices.setdefault(pending.scanner.device_id, []).append(pending)
    try:
        for device_id, scans in devices.items():
            stored = stored_outcomes(device_id, [pending.nonce for pending in scans])
            for pending in scans:
                pending.outcome = stored.get(pending.nonce)
    finally:
        release_session()
    rest = [pending for pending in batch if not pending.done]
    if len(rest) == len(batch):  # no nonce was stored: some other constraint refused it
        raise RuntimeError("a scan batch broke a unique constraint other than the nonce's")
    return rest


def _judge(pending: Pending, row: Any) -> tuple[Outcome, Change | None]:
    scanner = pending.scanner
    if row is not None and row.edition_id != scanner.edition_id:
        row = None
    verdict = pending.verdict
    if pending.ring is not None and not (
        row is not None and row.token is not None and hmac.compare_digest(row.token, pending.token)
    ):
        verdict = pending.verified()
    if isinstance(verdict, ScanResult):
        return Outcome(verdict), None
    return judge(
        row,
        scanner.edition_id,
        verdict.pass_id,
        verdict.serial,
        pending.direction,
        pending.at,
        pending.when,
    )


def _apply(batch: list[Pending], queue: GroupCommit) -> None:
    ids = [pass_id for pending in batch if (pass_id := pending.pass_id) is not None]
    outcomes: dict[tuple[int | None, str], Outcome] = {}
    rows_in = []
    connection = queue.connection()
    try:
        with connection.cursor(row_factory=_ROWS) as cursor:
            rows = {}
            if ids:
                cursor.execute(_LOOKUP, {"ids": ids}, prepare=True)
                rows = {row.id: row for row in cursor}
            for pending in batch:
                outcome, change = _judge(pending, rows.get(pending.pass_id))
                outcomes[pending.scanner.device_id, pending.nonce] = outcome
                rows_in.append(
                    batch_row(
                        pending.scanner,
                        outcome,
                        change,
                        pending.direction,
                        pending.at,
                        pending.nonce,
                    )
                )
            cursor.execute(POSTGRESQL_WRITE, batch_params(rows_in), prepare=True)
            stored = cursor.fetchall()
    except psycopg.OperationalError:
        if connection.broken or connection.closed:
            queue.lose_connection()
            raise _ConnectionLostError from None
        raise
    for row in stored:
        key = (row.device_id, row.nonce)
        outcomes[key] = replace(outcomes[key], result=R(row.result), scan_id=row.id)
    for pending in batch:
        pending.outcome = outcomes[pending.scanner.device_id, pending.nonce]
