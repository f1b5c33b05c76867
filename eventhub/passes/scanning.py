"""The scan path: the hottest code in the product (docs/architecture.md, "The scan path").

A scan verifies the token's signature in memory with the edition's cached key ring, then runs
one short transaction: one indexed read of the pass (with its edition's days, its presence and
the re-entry setting joined in), one conditional UPDATE of its presence, and the INSERT of the
scan. Nothing else runs synchronously: no task, no ORM objects, no logging of the pass. On
PostgreSQL, scans go together in batches instead (``scan_batches``), under the same rules
(``judge``).

Idempotency rests on the unique (device_id, nonce) of ``scans`` rather than on a read before
the work: a retried request redoes the (cheap) work, its INSERT collides, the transaction is
rolled back, and the first answer is returned. That saves a query on every first attempt, and
is equally right under races, since the loser's presence change is rolled back with it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from eventhub.db import UTCDateTime
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.passes import signing
from eventhub.passes.models import (
    Direction,
    Pass,
    PassSettings,
    PassState,
    Presence,
    RevokedToken,
    Scan,
    ScanResult,
)
from eventhub.passes.tokens import ForgedToken, ForgeReason, TokenClaims, peek_kid

log = logging.getLogger(__name__)

R = ScanResult
#: What the gate shows, per result: (Japanese, English).
MESSAGES: dict[ScanResult, tuple[str, str]] = {
    R.ADMITTED: ("入場できます", "Admitted"),
    R.REENTRY_ADMITTED: ("再入場できます", "Re-entry admitted"),
    R.ALREADY_INSIDE: ("すでに入場済みです", "Already inside"),
    R.EXITED: ("退場しました", "Exited"),
    R.NOT_INSIDE: ("入場の記録がありません", "No entry on record"),
    R.NOT_VALID_TODAY: ("本日は有効ではありません", "Not valid today"),
    R.REVOKED: ("このパスは無効になっています", "This pass has been revoked"),
    R.WRONG_EDITION: ("別の会期のパスです", "Pass for another edition"),
    R.REENTRY_REFUSED: ("再入場はできません", "Re-entry is not allowed"),
    R.UNKNOWN: ("登録のないパスです", "Unknown pass"),
    R.FORGED: ("読み取れないか、不正なコードです", "Unreadable or forged code"),
}
#: Whether the holder is inside after a scan with this result; other results do not tell.
INSIDE_AFTER: dict[ScanResult, bool] = {
    R.ADMITTED: True,
    R.REENTRY_ADMITTED: True,
    R.ALREADY_INSIDE: True,
    R.EXITED: False,
    R.NOT_INSIDE: False,
    R.REENTRY_REFUSED: False,
}

_WHITESPACE = re.compile(r"\s+")
# Core tables: the hot path skips the ORM's unit of work and identity map.
presences = cast(sa.Table, Presence.__table__)
scans = cast(sa.Table, Scan.__table__)

_revoked_serial = sa.exists().where(
    RevokedToken.pass_id == Pass.id, RevokedToken.serial == Pass.serial
)
_reentry = (
    sa.select(PassSettings.reentry_allowed)
    .where(PassSettings.edition_id == Pass.edition_id)
    .scalar_subquery()
)
#: Everything a decision needs, by primary key, in one statement (the WHERE is the caller's).
DECISION_QUERY = (
    sa.select(
        Pass.id,
        Pass.edition_id,
        Pass.state,
        Pass.serial,
        Pass.valid_days,
        Pass.holder_name,
        Pass.kind,
        Pass.token,
        Edition.starts_at,
        Edition.ends_at,
        Edition.timezone,
        presences.c.inside,
        presences.c.entries,
        _reentry.label("reentry_allowed"),
        _revoked_serial.label("serial_revoked"),
    )
    .join(Edition, Edition.id == Pass.edition_id)
    .outerjoin(presences, presences.c.pass_id == Pass.id)
)
_PASS_QUERY = DECISION_QUERY.where(
    Pass.id == sa.bindparam("pass_id"), Pass.edition_id == sa.bindparam("edition_id")
)


@dataclass(frozen=True, slots=True)
class Scanner:
    """Who scans: a device, or a person at the gate (manual check-in)."""

    edition_id: int
    device_id: int | None
    gate_id: int | None
    actor_id: int | None = None
    method: str = "qr"


@dataclass(frozen=True, slots=True)
class Outcome:
    result: ScanResult
    pass_id: int | None = None
    holder_name: str | None = None
    kind: str | None = None
    scan_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        message_ja, message_en = MESSAGES[self.result]
        return {
            "scan_id": self.scan_id,
            "result": self.result.value,
            "pass_id": self.pass_id,
            "holder_name": self.holder_name,
            "kind": self.kind,
            "message_ja": message_ja,
            "message_en": message_en,
            "inside": INSIDE_AFTER.get(self.result),
        }


def clean_token(token: str) -> str:
    return _WHITESPACE.sub("", token)  # scanners append CR/LF; QR text may be wrapped


def read_token(token: str, edition_id: int) -> TokenClaims | ScanResult:
    """The token's claims, or why it cannot admit anyone here; no database when it verifies."""
    token = clean_token(token)
    try:
        return signing.keyring(edition_id).verify(token)
    except ForgedToken as exc:
        if exc.reason is not ForgeReason.UNKNOWN_KEY:
            return R.FORGED
    kid = peek_kid(token)
    owner = None if kid is None else signing.edition_of_key(kid.hex())
    if owner is None:
        return R.FORGED
    if owner != edition_id:
        return R.WRONG_EDITION
    # Our own key, missing from a ring cached before it was made: rebuild the ring once.
    signing.forget(edition_id)
    try:
        return signing.keyring(edition_id).verify(token)
    except ForgedToken:
        return R.FORGED  # a retired key


def _edition_days(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> tuple[date, date]:
    return starts_at.astimezone(zone).date(), ends_at.astimezone(zone).date()


def _valid_on(row: Any, at: datetime) -> bool:
    zone = ZoneInfo(row.timezone)
    day = at.astimezone(zone).date()
    if row.valid_days is not None:
        return day.isoformat() in row.valid_days
    first, last = _edition_days(row.starts_at, row.ends_at, zone)
    return first <= day <= last


def _entry_upsert(dialect: Any, reentry: bool) -> sa.Executable:
    """Admit in one statement: create the presence inside, or flip an outside one in.

    ON CONFLICT DO UPDATE locks the row and re-checks its WHERE on the latest version, so of
    any number of racing scans exactly one gets a row back. No row back: not admitted.
    """
    at = sa.bindparam("t", type_=UTCDateTime())
    stmt = dialect.insert(presences).values(
        pass_id=sa.bindparam("p"),
        edition_id=sa.bindparam("e"),
        inside=True,
        entries=1,
        first_entry_at=at,
        last_change_at=at,
    )
    admit_again = presences.c.inside == sa.false()
    if not reentry:
        admit_again = sa.and_(admit_again, presences.c.entries == 0)
    return stmt.on_conflict_do_update(
        index_elements=[presences.c.pass_id],
        set_={
            "inside": True,
            "entries": presences.c.entries + 1,
            "first_entry_at": sa.func.coalesce(presences.c.first_entry_at, at),
            "last_change_at": at,
        },
        where=admit_again,
    ).returning(presences.c.entries)


# Built once: SQLAlchemy then reuses their compiled form, which matters at this rate.
ENTER = {
    (dialect.__name__.rsplit(".", 1)[-1], reentry): _entry_upsert(dialect, reentry)
    for dialect in (postgresql, sqlite)
    for reentry in (True, False)
}
LEAVE = (
    sa.update(presences)
    .where(presences.c.pass_id == sa.bindparam("p"), presences.c.inside == sa.true())
    .values(inside=False, last_change_at=sa.bindparam("t", type_=UTCDateTime()))
    .returning(presences.c.entries)
)
INSERT_SCAN = sa.insert(scans).returning(scans.c.id)


@dataclass(frozen=True, slots=True)
class Change:
    """A presence change a scan needs: a statement RETURNING the entry count, or no row."""

    statement: sa.Executable
    params: dict[str, Any]
    action: str  # "enter", "enter_once" (re-entry not allowed) or "leave"
    first: ScanResult  # a row came back with entries == 1
    again: ScanResult  # a row came back with more entries
    unchanged: ScanResult  # no row came back: someone else changed it first, or nothing to do

    def result(self, entries: int | None) -> ScanResult:
        if entries is None:
            return self.unchanged
        return self.first if entries == 1 else self.again


def decide(
    execute: Callable[..., Any],
    dialect: str,
    edition_id: int,
    pass_id: int,
    serial: int | None,
    direction: str,
    at: datetime,
) -> tuple[Outcome, Change | None]:
    """The outcome if nothing changes, and the change to try; ``serial`` None: manual."""
    row = execute(_PASS_QUERY, {"pass_id": pass_id, "edition_id": edition_id}).first()
    return judge(row, dialect, edition_id, pass_id, serial, direction, at)


def judge(
    row: Any,
    dialect: str,
    edition_id: int,
    pass_id: int,
    serial: int | None,
    direction: str,
    at: datetime,
) -> tuple[Outcome, Change | None]:
    """``decide`` on a row of ``DECISION_QUERY`` already read (None: no such pass here)."""
    if row is None:
        # Not this edition's: pass_id stays unset, it may name no row at all.
        return Outcome(R.UNKNOWN), None
    seen = {"pass_id": pass_id, "holder_name": row.holder_name, "kind": row.kind}
    if row.state == PassState.REVOKED or row.serial_revoked or serial not in (None, row.serial):
        return Outcome(R.REVOKED, **seen), None
    if direction == Direction.EXIT:
        # Leaving is never refused for the day: someone may be inside past midnight.
        leave = Change(LEAVE, {"p": pass_id, "t": at}, "leave", R.EXITED, R.EXITED, R.NOT_INSIDE)
        return Outcome(R.NOT_INSIDE, **seen), leave
    if not _valid_on(row, at):
        return Outcome(R.NOT_VALID_TODAY, **seen), None
    reentry = row.reentry_allowed is not False  # no settings row: the default, allowed
    refused = not reentry and row.inside is False and row.entries > 0
    # Not admitted and not refused: already inside, or the loser of a race the winner won.
    unchanged = R.REENTRY_REFUSED if refused else R.ALREADY_INSIDE
    params = {"p": pass_id, "e": edition_id, "t": at}
    action = "enter" if reentry else "enter_once"
    enter = Change(
        ENTER[dialect, reentry], params, action, R.ADMITTED, R.REENTRY_ADMITTED, unchanged
    )
    return Outcome(unchanged, **seen), enter


def apply(
    edition_id: int, pass_id: int, serial: int | None, direction: str, at: datetime
) -> Outcome:
    """Decide and change the presence in the session's transaction (``record`` commits)."""
    dialect = db.session.get_bind().dialect.name
    outcome, change = decide(
        db.session.execute, dialect, edition_id, pass_id, serial, direction, at
    )
    if change is None:
        return outcome
    entries = db.session.execute(change.statement, change.params).scalar()
    return replace(outcome, result=change.result(entries))


def scan_values(
    scanner: Scanner, outcome: Outcome, direction: str, at: datetime, nonce: str | None
) -> dict[str, Any]:
    return {
        "edition_id": scanner.edition_id,
        "pass_id": outcome.pass_id,
        "device_id": scanner.device_id,
        "gate_id": scanner.gate_id,
        "actor_id": scanner.actor_id,
        "direction": direction,
        "result": outcome.result.value,
        "scanned_at": at,
        "nonce": nonce,
        "method": scanner.method,
    }


def answered_before(scanner: Scanner, nonce: str | None) -> Outcome | None:
    """After an INSERT collided: the first answer to this nonce, if that was the collision."""
    if scanner.device_id is None or nonce is None:
        return None
    return stored_outcomes(scanner.device_id, [nonce]).get(nonce)


def record(
    scanner: Scanner, outcome: Outcome, direction: str, at: datetime, nonce: str | None
) -> Outcome:
    """INSERT the scan and commit; a nonce seen before rolls back and answers as before."""
    try:
        values = scan_values(scanner, outcome, direction, at, nonce)
        scan_id = db.session.execute(INSERT_SCAN, values).scalar_one()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        stored = answered_before(scanner, nonce)
        if stored is None:
            raise  # not a repeated nonce: a real integrity problem
        return stored
    return replace(outcome, scan_id=scan_id)


def scan(scanner: Scanner, token: str, direction: str, at: datetime, nonce: str) -> Outcome:
    if db.engine.dialect.name == "postgresql":
        # Imported here: that module builds its statements from this one's.
        from eventhub.passes import scan_batches

        return scan_batches.scan(scanner, token, direction, at, nonce)
    verdict = read_token(token, scanner.edition_id)
    if isinstance(verdict, ScanResult):
        outcome = Outcome(verdict)
    else:
        outcome = apply(scanner.edition_id, verdict.pass_id, verdict.serial, direction, at)
    return record(scanner, outcome, direction, at, nonce)


def stored_outcomes(device_id: int, nonces: list[str]) -> dict[str, Outcome]:
    """The first answers given to these nonces of the device, by nonce."""
    rows = db.session.execute(
        sa.select(Scan.nonce, Scan.id, Scan.result, Scan.pass_id, Pass.holder_name, Pass.kind)
        .outerjoin(Pass, Pass.id == Scan.pass_id)
        .where(Scan.device_id == device_id, Scan.nonce.in_(nonces))
    )
    return {
        row.nonce: Outcome(R(row.result), row.pass_id, row.holder_name, row.kind, row.id)
        for row in rows
    }


def scan_batch(
    scanner: Scanner, items: list[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """Apply offline scans once each, oldest first; answered in the order sent.

    Scans already stored (a re-sent batch) are answered from the store without any work, and
    a nonce repeated within the upload counts once. Each scan (on PostgreSQL, each batch of
    scans) commits on its own, so an upload cut short can simply be sent again.
    """
    assert scanner.device_id is not None  # offline uploads come from devices
    done = stored_outcomes(scanner.device_id, [item["nonce"] for item in items])
    order = sorted(range(len(items)), key=lambda i: (items[i]["scanned_at"] or now, i))
    todo: dict[str, tuple[str, str, datetime, str]] = {}
    for i in order:
        item = items[i]
        nonce = item["nonce"]
        if nonce not in done and nonce not in todo:
            todo[nonce] = (item["token"], item["direction"], item["scanned_at"] or now, nonce)
    done.update(zip(todo, scan_all(scanner, list(todo.values())), strict=True))
    return [{**done[item["nonce"]].as_dict(), "nonce": item["nonce"]} for item in items]


def scan_all(scanner: Scanner, scans: list[tuple[str, str, datetime, str]]) -> list[Outcome]:
    """``scan`` each of (token, direction, time, nonce) in turn; on PostgreSQL in batches."""
    if db.engine.dialect.name == "postgresql":
        from eventhub.passes import scan_batches

        return scan_batches.scan_all(scanner, scans)
    return [scan(scanner, *item) for item in scans]
