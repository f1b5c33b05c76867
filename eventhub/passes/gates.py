"""Gates, gate devices, and what people at the gate do by hand: undo, search, manual check-in."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from eventhub import japan
from eventhub.accounts.auth import hash_token
from eventhub.accounts.models import User
from eventhub.db import UTCDateTime, utcnow
from eventhub.errors import DomainError, field_error, not_found
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.passes import device_auth, scanning
from eventhub.passes.models import Gate, GateDevice, Pass, Presence, Registration, Scan, ScanResult

#: How long a scan may still be undone: long enough to notice a wrong beep, no longer.
UNDO_WINDOW = timedelta(minutes=2)
_UNDOABLE = {ScanResult.ADMITTED, ScanResult.REENTRY_ADMITTED, ScanResult.EXITED}


def _conflict(code: str) -> DomainError:
    return DomainError(code)


# Gates and devices ---------------------------------------------------------------------------


def create_gate(edition: Edition, data: dict[str, Any]) -> Gate:
    if db.session.scalar(
        sa.select(Gate.id).where(Gate.edition_id == edition.id, Gate.name_ja == data["name_ja"])
    ):
        raise _conflict("gate_exists")
    gate = Gate(edition_id=edition.id, **data)
    db.session.add(gate)
    db.session.flush()
    return gate


def gates_query(edition: Edition) -> sa.Select[tuple[Gate]]:
    return sa.select(Gate).where(Gate.edition_id == edition.id).order_by(Gate.id)


def create_device(edition: Edition, data: dict[str, Any]) -> tuple[GateDevice, str]:
    """A device and its token; only the token's hash is stored, so it is shown once."""
    gate_id = data.get("gate_id")
    if gate_id is not None:
        gate = db.session.get(Gate, gate_id)
        if gate is None or gate.edition_id != edition.id:
            raise field_error("gate_id", "unknown_gate")
    token = device_auth.DEVICE_TOKEN_PREFIX + secrets.token_urlsafe(32)
    device = GateDevice(
        edition_id=edition.id, gate_id=gate_id, name=data["name"], token_hash=hash_token(token)
    )
    db.session.add(device)
    db.session.flush()
    return device, token


def devices_query(edition: Edition) -> sa.Select[tuple[GateDevice]]:
    return sa.select(GateDevice).where(GateDevice.edition_id == edition.id).order_by(GateDevice.id)


def revoke_device(device_id: int) -> GateDevice:
    device = db.session.get(GateDevice, device_id)
    if device is None:
        raise not_found("device")
    if device.revoked_at is None:
        device.revoked_at = utcnow()
    # At once in this process; other processes drop their copy within DEVICE_TTL seconds.
    device_auth.forget(device.token_hash)
    return device


# Undo ----------------------------------------------------------------------------------------


def _reverse(scan: Scan, now: Any) -> bool:
    """Put the presence back as it was before ``scan``; False when it has changed since."""
    table = scanning.presences
    where = [table.c.pass_id == scan.pass_id]
    moment = sa.literal(now, UTCDateTime())
    if scan.result == ScanResult.EXITED:
        stmt = sa.update(table).where(*where, table.c.inside == sa.false())
        stmt = stmt.values(inside=True, last_change_at=moment)
    else:
        stmt = sa.update(table).where(*where, table.c.inside == sa.true(), table.c.entries > 0)
        # SET expressions read the old row, so entries = 1 means this was the first entry.
        stmt = stmt.values(
            inside=False,
            entries=table.c.entries - 1,
            first_entry_at=sa.case((table.c.entries == 1, None), else_=table.c.first_entry_at),
            last_change_at=moment,
        )
    return db.session.execute(stmt.returning(table.c.pass_id)).scalar() is not None


def undo(scan_id: int, user: User) -> Scan:
    """Reverse a scan's presence change and record the reversal (method "undo")."""
    scan = db.session.get(Scan, scan_id)
    if scan is None:
        raise not_found("scan")
    if scan.method not in {"qr", "manual"} or ScanResult(scan.result) not in _UNDOABLE:
        raise _conflict("nothing_to_undo")
    now = utcnow()
    # received_at, not scanned_at: the window is the staff's, and device clocks drift.
    if now - scan.received_at > UNDO_WINDOW:
        raise _conflict("undo_window_passed")
    if db.session.scalar(sa.select(Scan.id).where(Scan.undoes_id == scan.id)):
        raise _conflict("already_undone")
    if not _reverse(scan, now):
        db.session.rollback()
        raise _conflict("presence_changed")
    reversal = Scan(
        edition_id=scan.edition_id,
        pass_id=scan.pass_id,
        gate_id=scan.gate_id,
        actor_id=user.id,
        direction=scan.direction,
        result=scan.result,
        scanned_at=now,
        method="undo",
        undoes_id=scan.id,
    )
    db.session.add(reversal)
    try:
        db.session.commit()
    except IntegrityError:
        # Two staff undid the same scan at once: undoes_id is unique, this one lost.
        db.session.rollback()
        raise _conflict("already_undone") from None
    return reversal


# Search and manual check-in ------------------------------------------------------------------


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(edition: Edition, q: str, limit: int) -> list[dict[str, Any]]:
    """Passes whose holder's name, furigana or email contains ``q`` (kana-insensitive)."""
    text = japan.normalise(q)
    kana = japan.to_katakana(text)
    lowered = _like(text.casefold())
    query = (
        sa.select(
            Pass.id.label("pass_id"),
            Pass.holder_name,
            Registration.name_kana,
            Pass.holder_email,
            Pass.kind,
            Pass.state,
            sa.func.coalesce(Presence.inside, sa.false()).label("inside"),
        )
        .outerjoin(Registration, Registration.id == Pass.registration_id)
        .outerjoin(Presence, Presence.pass_id == Pass.id)
        .where(
            Pass.edition_id == edition.id,
            sa.or_(
                Pass.holder_name.like(_like(text), escape="\\"),
                Pass.holder_name.like(_like(kana), escape="\\"),
                Registration.name_kana.like(_like(kana), escape="\\"),
                sa.func.lower(Pass.holder_email).like(lowered, escape="\\"),
            ),
        )
        .order_by(Pass.holder_name, Pass.id)
        .limit(limit)
    )
    return [row._asdict() for row in db.session.execute(query)]


def manual_checkin(edition: Edition, data: dict[str, Any], user: User) -> scanning.Outcome:
    """Check a pass in or out by hand (lost phone, unreadable code): same rules as a scan."""
    gate_id = data.get("gate_id")
    if gate_id is not None:
        gate = db.session.get(Gate, gate_id)
        if gate is None or gate.edition_id != edition.id:
            raise field_error("gate_id", "unknown_gate")
    now = utcnow()
    outcome = scanning.apply(edition.id, data["pass_id"], None, data["direction"], now)
    if outcome.result is ScanResult.UNKNOWN:
        db.session.rollback()
        raise not_found("pass")
    scanner = scanning.Scanner(edition.id, None, gate_id, actor_id=user.id, method="manual")
    return scanning.record(scanner, outcome, data["direction"], now, None)
