"""The scan path: the hottest code in the product (docs/architecture.md, "The scan path").

A scan verifies the token's signature in memory with the edition's cached key ring, then runs
one short transaction: one indexed read of the pass (with its edition's days, its presence and
the re-entry setting joined in), one conditional UPDATE of its presence, and the INSERT of the
scan. Nothing else runs synchronously: no task, no ORM objects, no logging of the pass. On
PostgreSQL, scans go together in batches instead (``scan_batches``), under the same rules
(``judge``).

This module reads and decides: the token (``read_token``), the pass (``DECISION_QUERY``), and
what the scan should do (``judge``, pure). It writes nothing: ``admission`` writes every
presence change and every scan row, for one scan (``service.scan``) as for a batch.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from eventhub.checkin.models import Direction, Presence, Scan, ScanResult
from eventhub.db import utcnow
from eventhub.events.models import Edition, gate_closes_at
from eventhub.extensions import db
from eventhub.passes import signing
from eventhub.passes.models import Pass, PassSettings, PassState, RevokedToken
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
    R.TIME_OUT_OF_RANGE: (
        "スキャン時刻が範囲外です（端末の時計を確認してください）",
        "Scan time out of range (check the scanner's clock)",
    ),
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
presences = Presence.__table__
scans = Scan.__table__

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


class Timing(enum.Enum):
    """What the server's clock says of the time a device gave a scan."""

    #: Close to the server's now (within the allowed clock skew): the server vouches for it.
    VOUCHED = "vouched"
    #: In the past (an offline scan uploaded later): the device's claim, to be checked
    #: against the edition's days.
    CLAIMED = "claimed"
    #: Further in the future than any clock skew explains: refused.
    FUTURE = "future"


#: The clock skew allowed by default between a device and the server
#: (``EVENTHUB_SCAN_CLOCK_SKEW_SECONDS``).
DEFAULT_CLOCK_SKEW = timedelta(minutes=5)


def timing(at: datetime, now: datetime, skew: timedelta) -> Timing:
    """Whether ``at``, the time a device gave a scan, is vouched for by ``now``, a claim to
    check, or too far ahead."""
    if at - now > skew:
        return Timing.FUTURE
    if now - at > skew:
        return Timing.CLAIMED
    return Timing.VOUCHED


def clock_skew() -> timedelta:
    """The clock skew allowed between devices and the server, from the app's settings."""
    seconds = current_app.config.get("EVENTHUB_SCAN_CLOCK_SKEW_SECONDS")
    return DEFAULT_CLOCK_SKEW if seconds is None else timedelta(seconds=seconds)


def timing_now(at: datetime) -> Timing:
    """What the server's clock says, now, of ``at`` (``timing`` with the app's skew)."""
    return timing(at, utcnow(), clock_skew())


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
    owner = None if kid is None else signing.edition_of_key(signing.keys.key_id(kid))
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


def _within_edition(row: Any, at: datetime) -> bool:
    """``at`` falls on one of the edition's days, or the day after the last (an exit past
    midnight)."""
    zone = ZoneInfo(row.timezone)
    first = row.starts_at.astimezone(zone).date()
    return first <= at.astimezone(zone).date() and at < gate_closes_at(row.ends_at, row.timezone)


def reentry_allowed(setting: bool | None) -> bool:
    """The edition's re-entry rule from its settings; no settings row (None): allowed."""
    return setting is not False


def edition_days(starts_at: datetime, ends_at: datetime, timezone: str) -> tuple[date, date]:
    """The first and last local day of an edition at its venue."""
    return _edition_days(starts_at, ends_at, ZoneInfo(timezone))


@dataclass(frozen=True, slots=True)
class Change:
    """A presence change a scan needs (``admission`` writes it), and the result of each ending:
    the entry count the change returns, or no row."""

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
    edition_id: int,
    pass_id: int,
    serial: int | None,
    direction: str,
    at: datetime,
    when: Timing = Timing.VOUCHED,
) -> tuple[Outcome, Change | None]:
    """The outcome if nothing changes, and the change to try; ``serial`` None: manual."""
    row = execute(_PASS_QUERY, {"pass_id": pass_id, "edition_id": edition_id}).first()
    return judge(row, edition_id, pass_id, serial, direction, at, when)


def judge(
    row: Any,
    edition_id: int,
    pass_id: int,
    serial: int | None,
    direction: str,
    at: datetime,
    when: Timing = Timing.VOUCHED,
) -> tuple[Outcome, Change | None]:
    """``decide`` on a row of ``DECISION_QUERY`` already read (None: no such pass here).

    ``when`` is what the server's clock says of ``at`` (``timing``): a time in the future,
    or a past one outside the edition's days, admits and lets out nobody.
    """
    if row is None:
        # Not this edition's: pass_id stays unset, it may name no row at all.
        return Outcome(R.UNKNOWN), None
    seen = {"pass_id": pass_id, "holder_name": row.holder_name, "kind": row.kind}
    if when is Timing.FUTURE or (when is Timing.CLAIMED and not _within_edition(row, at)):
        return Outcome(R.TIME_OUT_OF_RANGE, **seen), None
    if row.state == PassState.REVOKED or row.serial_revoked or serial not in (None, row.serial):
        return Outcome(R.REVOKED, **seen), None
    if direction == Direction.EXIT:
        # Leaving is never refused for the day: someone may be inside past midnight.
        leave = Change("leave", R.EXITED, R.EXITED, R.NOT_INSIDE)
        return Outcome(R.NOT_INSIDE, **seen), leave
    if not _valid_on(row, at):
        return Outcome(R.NOT_VALID_TODAY, **seen), None
    reentry = reentry_allowed(row.reentry_allowed)
    refused = not reentry and row.inside is False and row.entries > 0
    # Not admitted and not refused: already inside, or the loser of a race the winner won.
    unchanged = R.REENTRY_REFUSED if refused else R.ALREADY_INSIDE
    action = "enter" if reentry else "enter_once"
    enter = Change(action, R.ADMITTED, R.REENTRY_ADMITTED, unchanged)
    return Outcome(unchanged, **seen), enter


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
