"""Private feed links: an unguessable token in the URL, stored only as its SHA-256.

A calendar application cannot send a bearer header, so the secret has to be in the URL, as
in every calendar service. 256 random bits cannot be guessed; the database holds only the
hash (a dump reveals no link); making a new link revokes the old one in the same transaction,
and revoking takes effect within the serving cache's few seconds.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from eventhub.accounts.auth import hash_token
from eventhub.accounts.models import User
from eventhub.calendars import ical
from eventhub.calendars.cache import DEFAULT_SECONDS
from eventhub.calendars.models import FeedKind, FeedToken
from eventhub.calendars.service import FeedSpec
from eventhub.db import utcnow
from eventhub.errors import DomainError, not_found
from eventhub.extensions import db

_EXTENSION = "eventhub.calendar_tokens"


def links(path: str) -> dict[str, str]:
    """The https link, and the same as webcal:// (which opens the subscribe dialog)."""
    url = f"{ical.base_url()}{path}"
    return {"https": url, "webcal": "webcal://" + url.split("://", 1)[1]}


def feed_path(token: str) -> str:
    return f"/api/v1/calendars/{token}.ics"


def _subject_filter(
    organisation_id: int | None, registration_id: int | None
) -> sa.ColumnElement[bool]:
    if organisation_id is not None:
        return FeedToken.organisation_id == organisation_id
    return FeedToken.registration_id == registration_id


def live_token(
    organisation_id: int | None = None, registration_id: int | None = None
) -> FeedToken | None:
    return db.session.scalars(
        sa.select(FeedToken).where(
            _subject_filter(organisation_id, registration_id), FeedToken.revoked_at.is_(None)
        )
    ).first()


def revoke(organisation_id: int | None = None, registration_id: int | None = None) -> int:
    """Revoke the subject's live link; the number revoked (0 or 1)."""
    token = live_token(organisation_id, registration_id)
    if token is None:
        return 0
    token.revoked_at = utcnow()
    db.session.flush()
    return 1


def renew(
    lang: str,
    user: User | None,
    organisation_id: int | None = None,
    registration_id: int | None = None,
) -> tuple[FeedToken, str]:
    """A new link for the subject, the old one revoked; the token is returned only here."""
    revoke(organisation_id, registration_id)
    secret = secrets.token_urlsafe(32)
    token = FeedToken(
        token_hash=hash_token(secret),
        organisation_id=organisation_id,
        registration_id=registration_id,
        lang=lang,
        created_by_id=user.id if user else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(token)
    except IntegrityError as exc:
        raise DomainError("conflict", "link_renewed") from exc
    return token, secret


def _cache() -> dict[str, tuple[FeedSpec, float]]:
    found = current_app.extensions.get(_EXTENSION)
    if found is None:
        found = current_app.extensions.setdefault(_EXTENSION, {})
    return cast(dict[str, tuple[FeedSpec, float]], found)


_lock = threading.Lock()


def spec_for(token: str, lang: str | None) -> FeedSpec:
    """Which private feed the token opens; 404 for an unknown or revoked one."""
    digest = hash_token(token)
    cache = _cache()
    seconds = float(current_app.config.get("CALENDAR_CACHE_SECONDS", DEFAULT_SECONDS))
    with _lock:
        hit = cache.get(digest)
    if hit is not None and time.monotonic() - hit[1] < seconds:
        spec = hit[0]
    else:
        found = db.session.scalars(
            sa.select(FeedToken).where(
                FeedToken.token_hash == digest, FeedToken.revoked_at.is_(None)
            )
        ).first()
        if found is None:
            with _lock:
                cache.pop(digest, None)
            raise not_found("calendar")
        if found.organisation_id is not None:
            spec = FeedSpec(FeedKind.EXHIBITOR, found.lang, found.organisation_id)
        else:
            spec = FeedSpec(FeedKind.ATTENDEE, found.lang, cast(int, found.registration_id))
        with _lock:
            if len(cache) > 10_000:
                cache.clear()
            cache[digest] = (spec, time.monotonic())
    if lang and lang != spec.lang:
        return FeedSpec(spec.kind, lang, spec.subject)
    return spec
