"""Check-in: scans (live and offline), gates, gate devices, and what people at the gate do by
hand: undo, search, manual check-in."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from eventhub import counters, japan
from eventhub.accounts.auth import hash_token, is_organiser
from eventhub.accounts.models import User
from eventhub.audit import service as audit
from eventhub.audit.actions import Action
from eventhub.checkin import admission, device_auth, pairing, scan_batches, scanning
from eventhub.checkin.device_auth import Device
from eventhub.checkin.models import (
    Gate,
    GateDevice,
    OfflinePolicy,
    Presence,
    Scan,
    ScanResult,
)
from eventhub.checkin.scanning import Outcome, Scanner
from eventhub.db import utcnow
from eventhub.errors import DomainError, field_error, forbidden, not_found
from eventhub.events import service as events
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.passes.models import Pass, PassSettings, Registration
from eventhub.passes.tokens import FORMAT_VERSION

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


def gates_query(edition: Edition) -> sa.Select[Gate]:
    return sa.select(Gate).where(Gate.edition_id == edition.id).order_by(Gate.id)


def _check_gate(edition_id: int, gate_id: int | None) -> None:
    if gate_id is not None:
        gate = db.session.get(Gate, gate_id)
        if gate is None or gate.edition_id != edition_id:
            raise field_error("gate_id", "unknown_gate")


def create_device(edition: Edition, data: dict[str, Any]) -> tuple[GateDevice, str, str]:
    """A device, its token and its one-time pairing code; only their hashes are stored, so
    they are shown once. Pairing the scanner with the code replaces the token."""
    gate_id = data.get("gate_id")
    _check_gate(edition.id, gate_id)
    token = device_auth.DEVICE_TOKEN_PREFIX + secrets.token_urlsafe(32)
    device = GateDevice(
        edition_id=edition.id,
        gate_id=gate_id,
        name=data["name"],
        token_hash=hash_token(token),
        offline_policy=data.get("offline_policy") or OfflinePolicy.AUTO,
    )
    db.session.add(device)
    db.session.flush()
    audit.record(
        Action.DEVICE_CREATED,
        target=("device", device.id),
        edition_id=edition.id,
        details={"name": device.name, "gate_id": gate_id},
    )
    return device, token, pairing.set_code(device, utcnow())


def device_of(device_id: int, user: User | None) -> GateDevice:
    """A device of an edition that ``user`` may see (404 otherwise)."""
    device = db.session.get(GateDevice, device_id)
    if device is None:
        raise not_found("device")
    events.get_edition(device.edition_id, user)
    return device


def update_device(device: GateDevice, data: dict[str, Any]) -> GateDevice:
    """Change a device's name, gate or offline policy; what is not given stays."""
    if "gate_id" in data:
        _check_gate(device.edition_id, data["gate_id"])
    for name in ("name", "gate_id", "offline_policy"):
        if name in data:
            setattr(device, name, data[name])
    # The scan path caches the device (its gate): drop the copy, as on revocation.
    device_auth.forget(device.token_hash)
    db.session.flush()
    return device


def devices_query(edition: Edition) -> sa.Select[GateDevice]:
    return sa.select(GateDevice).where(GateDevice.edition_id == edition.id).order_by(GateDevice.id)


def revoke_device(device_id: int) -> GateDevice:
    device = db.session.get(GateDevice, device_id)
    if device is None:
        raise not_found("device")
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        audit.record(
            Action.DEVICE_REVOKED,
            target=("device", device.id),
            edition_id=device.edition_id,
            details={"name": device.name},
        )
    device.pairing_code_hash = device.pairing_expires_at = None
    # At once in this process; other processes drop their copy within DEVICE_TTL seconds.
    device_auth.forget(device.token_hash)
    return device


def device_config(device: Device, now: datetime) -> dict[str, Any]:
    """What a scanner needs, besides keys and revocations, to decide as the server does: its
    gate and offline policy, the edition's days, the re-entry rule and the undo window, read
    from the same settings and constants that the server's own decisions use."""
    row = db.session.get(GateDevice, device.id)
    edition = db.session.get(Edition, device.edition_id)
    # The device authenticated just now.
    assert row is not None
    assert edition is not None
    gate = None if row.gate_id is None else db.session.get(Gate, row.gate_id)
    setting = db.session.scalar(
        sa.select(PassSettings.reentry_allowed).where(PassSettings.edition_id == edition.id)
    )
    first_day, last_day = scanning.edition_days(
        edition.starts_at, edition.ends_at, edition.timezone
    )
    return {
        "device": {
            "id": row.id,
            "name": row.name,
            "gate_id": row.gate_id,
            "gate_name_ja": None if gate is None else gate.name_ja,
            "gate_name_en": None if gate is None else gate.name_en,
            "offline_policy": row.offline_policy,
        },
        "edition": {
            "id": edition.id,
            "title_ja": edition.title_ja,
            "title_en": edition.title_en,
            "timezone": edition.timezone,
            "first_day": first_day,
            "last_day": last_day,
        },
        "rules": {
            "reentry_allowed": scanning.reentry_allowed(setting),
            "undo_window_seconds": int(UNDO_WINDOW.total_seconds()),
            "token_version": FORMAT_VERSION,
        },
        "server_time": now,
    }


# Who works at which gate ---------------------------------------------------------------------


def works_at(user: User | None, edition_id: int) -> bool:
    """Organisers work at every edition's gates; gate staff at the editions granted to them,
    until the grant ends with its edition (``RoleGrant.ends_at``)."""
    if is_organiser(user):
        return True
    now = utcnow()
    return user is not None and any(g.active_at(now) for g in user.gate_grants(edition_id))


def _refuse_unless_works_at(user: User | None, edition_id: int) -> None:
    """403 ``gate_staff_grant_ended`` (with ``ends_at``) for gate staff whose grant for the
    edition has ended, ``forbidden`` for gate staff of other editions."""
    if works_at(user, edition_id):
        return
    ended = [g.ends_at for g in user.gate_grants(edition_id)] if user is not None else []
    ends_at = max((e for e in ended if e is not None), default=None)
    if ends_at is not None:
        shown = {"ends_at": ends_at.isoformat(timespec="minutes")}  # at the venue
        raise DomainError("gate_staff_grant_ended", params=shown, ends_at=ends_at)
    raise forbidden("gate_staff_elsewhere")


def desk_edition(edition_id: int, user: User | None) -> Edition:
    """An edition whose check-in desk ``user`` works at (403 ``forbidden`` for gate staff of
    other editions, ``gate_staff_grant_ended`` once their edition is over; 404 as
    ``events.get_edition`` for an edition they may not see)."""
    edition = events.get_edition(edition_id, user)
    _refuse_unless_works_at(user, edition.id)
    return edition


# Undo ----------------------------------------------------------------------------------------


def undo(scan_id: int, user: User | None, device: Device | None = None) -> Scan:
    """Reverse a scan's presence change and record the reversal (method "undo").

    Gate staff undo any scan of the edition they may see; a device (the gate scanner) only
    its own scans.
    """
    scan = db.session.get(Scan, scan_id)
    if scan is None:
        raise not_found("scan")
    if device is not None and scan.device_id != device.id:
        raise not_found("scan")
    if device is None and not works_at(user, scan.edition_id):
        if user is not None and user.gate_grants(scan.edition_id):
            _refuse_unless_works_at(user, scan.edition_id)  # their edition is over
        raise not_found("scan")
    if scan.method not in {"qr", "manual"} or ScanResult(scan.result) not in _UNDOABLE:
        raise _conflict("nothing_to_undo")
    now = utcnow()
    # received_at, not scanned_at: the window is the staff's, and device clocks drift.
    if now - scan.received_at > UNDO_WINDOW:
        raise _conflict("undo_window_passed")
    if db.session.scalar(sa.select(Scan.id).where(Scan.undoes_id == scan.id)):
        raise _conflict("already_undone")
    actor_id = None if user is None else user.id
    reversal = admission.undo(scan, actor_id, None if device is None else device.id, now)
    if reversal is None:
        db.session.rollback()
        raise _conflict("presence_changed")
    audit.record(
        Action.SCAN_UNDONE,
        target=("scan", scan.id),
        edition_id=scan.edition_id,
        details={
            "pass_id": scan.pass_id,
            "result": scan.result,
            "device_id": None if device is None else device.id,
        },
    )
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


def mask_email(email: str | None) -> str | None:
    """Enough of an address to tell two visitors of the same name apart at the desk, and no
    more: ``taro@example.co.jp`` → ``t***@e***.jp``."""
    if not email:
        return None
    local, _, domain = email.rpartition("@")
    top = domain.rpartition(".")[2] if "." in domain else ""
    masked_domain = f"{domain[:1]}***" + (f".{top}" if top else "")
    return f"{local[:1]}***@{masked_domain}" if local else f"***@{masked_domain}"


def search(edition: Edition, q: str, limit: int, *, full: bool) -> list[dict[str, Any]]:
    """Passes whose holder's name, furigana or email contains ``q`` (kana-insensitive).

    ``full`` (organisers) shows each holder's email; gate staff see it masked (``mask_email``)
    beside the name, furigana and pass number, which identify a person at the desk.
    """
    # Names are stored as written (NFC) and older ones NFKC: match the query in both forms.
    written = unicodedata.normalize("NFC", q).strip()
    text = japan.normalise(q)
    kana = japan.to_katakana(text)
    lowered = _like(text.casefold())
    query = (
        sa.select(
            Pass.id.label("pass_id"),
            Pass.holder_name,
            Registration.name_kana,
            Pass.holder_email,
            Pass.serial,
            Pass.registration_id,
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
                Pass.holder_name.like(_like(written), escape="\\"),
                Pass.holder_name.like(_like(kana), escape="\\"),
                Registration.name_kana.like(_like(kana), escape="\\"),
                sa.func.lower(Pass.holder_email).like(lowered, escape="\\"),
            ),
        )
        .order_by(Pass.holder_name, Pass.id)
        .limit(limit)
    )
    hits = []
    for row in db.session.execute(query):
        hit = row._asdict()
        email = hit.pop("holder_email")
        hit["pass_number"] = f"{hit['pass_id']}-{hit.pop('serial')}"  # as printed on the pass
        hit["email_masked"] = mask_email(email)
        hit["holder_email"] = email if full else None
        hits.append(hit)
    return hits


def manual_checkin(edition: Edition, data: dict[str, Any], user: User) -> Outcome:
    """Check a pass in or out by hand (lost phone, unreadable code): same rules as a scan."""
    gate_id = data.get("gate_id")
    if gate_id is not None:
        gate = db.session.get(Gate, gate_id)
        if gate is None or gate.edition_id != edition.id:
            raise field_error("gate_id", "unknown_gate")
    now, direction = utcnow(), data["direction"]
    execute = db.session.execute
    outcome, change = scanning.decide(execute, edition.id, data["pass_id"], None, direction, now)
    if outcome.result is ScanResult.UNKNOWN:
        db.session.rollback()
        raise not_found("pass")
    scanner = Scanner(edition.id, None, gate_id, actor_id=user.id, method="manual")
    outcome = admission.admit(scanner, outcome, change, direction, now, None)
    if outcome.result in _UNDOABLE:  # admitted or let out; a refusal changed nothing
        audit.record_now(
            Action.MANUAL_CHECKIN,
            target=("pass", data["pass_id"]),
            edition_id=edition.id,
            details={
                "direction": direction,
                "gate_id": gate_id,
                "result": outcome.result.value,
                "scan_id": outcome.scan_id,
            },
        )
    return outcome


# Scans ---------------------------------------------------------------------------------------


def scan(scanner: Scanner, token: str, direction: str, at: datetime, nonce: str) -> Outcome:
    """Scan a pass: verify, decide, write; a nonce seen before answers as the first time."""
    outcome = _scan(scanner, token, direction, at, nonce)
    counters.SCANS.labels(outcome.result).inc()
    return outcome


def _scan(scanner: Scanner, token: str, direction: str, at: datetime, nonce: str) -> Outcome:
    if db.engine.dialect.name == "postgresql":
        return scan_batches.scan(scanner, token, direction, at, nonce)
    when = scanning.timing_now(at)
    verdict = scanning.read_token(token, scanner.edition_id)
    if isinstance(verdict, ScanResult):
        outcome, change = Outcome(verdict), None
    else:
        outcome, change = scanning.decide(
            db.session.execute,
            scanner.edition_id,
            verdict.pass_id,
            verdict.serial,
            direction,
            at,
            when,
        )
    return admission.admit(scanner, outcome, change, direction, at, nonce)


def scan_batch(
    scanner: Scanner, items: list[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """Apply offline scans once each, oldest first; answered in the order sent.

    Scans already stored (a re-sent batch) are answered from the store without any work, and
    a nonce repeated within the upload counts once. Each scan (on PostgreSQL, each batch of
    scans) commits on its own, so an upload cut short can simply be sent again.
    """
    assert scanner.device_id is not None  # offline uploads come from devices
    done = scanning.stored_outcomes(scanner.device_id, [item["nonce"] for item in items])
    order = sorted(range(len(items)), key=lambda i: (items[i]["scanned_at"] or now, i))
    todo: dict[str, tuple[str, str, datetime, str]] = {}
    for i in order:
        item = items[i]
        nonce = item["nonce"]
        if nonce not in done and nonce not in todo:
            todo[nonce] = (item["token"], item["direction"], item["scanned_at"] or now, nonce)
    done.update(zip(todo, scan_all(scanner, list(todo.values())), strict=True))
    _mark_offline(scanner.device_id, items)
    return [{**done[item["nonce"]].as_dict(), "nonce": item["nonce"]} for item in items]


def _mark_offline(device_id: int, items: list[dict[str, Any]]) -> None:
    """Record which uploaded scans the device decided alone, and what it showed.

    Done after the scans are stored, by nonce, and again at every upload of the same scans,
    so a batch cut short before this step gets its marks when it is sent again. Scans that
    are marked already are left as they are.
    """
    marks = [
        {"d": device_id, "n": item["nonce"], "r": item.get("local_result")}
        for item in items
        if item.get("decided_offline")
    ]
    if not marks:
        return
    table = scanning.scans  # Core: an executemany by nonce, not the ORM's bulk update
    db.session.connection().execute(
        sa.update(table)
        .where(
            table.c.device_id == sa.bindparam("d"),
            table.c.nonce == sa.bindparam("n"),
            table.c.decided_offline.is_(False),
        )
        .values(decided_offline=True, offline_result=sa.bindparam("r")),
        marks,
    )
    db.session.commit()


def scan_all(scanner: Scanner, scans: list[tuple[str, str, datetime, str]]) -> list[Outcome]:
    """``scan`` each of (token, direction, time, nonce) in turn; on PostgreSQL in batches."""
    if db.engine.dialect.name == "postgresql":
        outcomes = scan_batches.scan_all(scanner, scans)
        for outcome in outcomes:
            counters.SCANS.labels(outcome.result).inc()
        return outcomes
    return [scan(scanner, *item) for item in scans]
