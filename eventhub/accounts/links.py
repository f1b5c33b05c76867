"""Single-use links mailed to a user: verify the address, reset the password, change the address,
lift a login lock.

Each link carries a token of 256 random bits; ``account_links`` keeps only its SHA-256, the
mail alone holds the token. A link works once, until it expires (verify 72 h, reset 1 h, email
change 24 h, unlock 1 h), and only for its purpose. Using one marks it used in one conditional
UPDATE, so of two requests with the same link only one gets through.

Requests that an anonymous caller can make (resend the verification, reset the password) are
answered the same way whether the address has an account or not, and mail at most once per
``MAIL_INTERVAL`` per account, so they can neither probe for accounts nor flood a mailbox.

This module sits above ``service`` (which it calls) and the mail outbox: ``service`` never
imports it, because ``eventhub.notifications`` imports ``service``.
"""

from __future__ import annotations

import logging
import math
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from eventhub.accounts import mails
from eventhub.accounts import service as accounts
from eventhub.accounts.auth import hash_token
from eventhub.accounts.models import AccountLink, LinkPurpose, User, email_key, normalise_email
from eventhub.db import rowcount, utcnow
from eventhub.errors import DomainError, field_error
from eventhub.extensions import db
from eventhub.locking import lock_rows

log = logging.getLogger(__name__)

P = LinkPurpose

#: How long each kind of link works.
LIFETIME: dict[LinkPurpose, timedelta] = {
    P.VERIFY_EMAIL: timedelta(hours=72),
    P.RESET_PASSWORD: timedelta(hours=1),
    P.CHANGE_EMAIL: timedelta(hours=24),
    P.UNLOCK_LOGIN: timedelta(hours=1),
}
#: At most one verification or reset mail per account in this time, however often it is asked.
MAIL_INTERVAL = timedelta(minutes=5)
#: Email changes asked for per account in CHANGE_WINDOW; each mails a stranger's address.
CHANGES_PER_WINDOW = 5
CHANGE_WINDOW = timedelta(hours=1)
#: Links this long past their expiry are deleted by the housekeeping task.
KEEP_EXPIRED = timedelta(days=30)
PURGE_TASK = "eventhub.accounts.purge_links"


class TooManyMailsError(DomainError):
    def __init__(self, seconds: int) -> None:
        super().__init__("too_many_mails", retry_after_seconds=seconds)


def _issue(
    user: User, purpose: LinkPurpose, new_email: str | None = None
) -> tuple[AccountLink, str]:
    """A new link; the raw token is returned once, for the mail."""
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    link = AccountLink(
        purpose=purpose,
        user_id=user.id,
        token_hash=hash_token(raw),
        new_email=new_email,
        created_at=now,
        expires_at=now + LIFETIME[purpose],
    )
    db.session.add(link)
    db.session.flush()
    return link, raw


def peek(token: str, purpose: LinkPurpose) -> AccountLink:
    """The link of ``token`` if it still works for ``purpose``, left unused (a page shows its
    form first); a clear error on the field ``token`` otherwise."""
    link = db.session.scalars(
        sa.select(AccountLink).where(AccountLink.token_hash == hash_token(token.strip()))
    ).first()
    if link is None or link.purpose != purpose:
        raise field_error("token", "link_unknown")
    if link.used_at is not None:
        raise field_error("token", "link_used")
    if link.expires_at <= utcnow():
        raise field_error("token", "link_expired")
    return link


def _use(token: str, purpose: LinkPurpose) -> AccountLink:
    """The link of ``token``, now used; a clear error on the field ``token`` otherwise."""
    link = peek(token, purpose)
    now = utcnow()
    used = db.session.execute(
        sa.update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(used) != 1:  # another request used it a moment ago
        raise field_error("token", "link_used")
    db.session.refresh(link)
    return link


def _mailed_recently(user: User, purpose: LinkPurpose, now: datetime) -> bool:
    """Whether a link of ``purpose`` was mailed to the user within MAIL_INTERVAL. The user's
    row is locked first, so two requests at once mail once."""
    lock_rows(User, [user.id])
    last = db.session.scalar(
        sa.select(sa.func.max(AccountLink.created_at)).where(
            AccountLink.user_id == user.id, AccountLink.purpose == purpose
        )
    )
    return last is not None and last > now - MAIL_INTERVAL


# Verification ---------------------------------------------------------------------------------


def sign_up(email: str, password: str, display_name: str, locale: str = "ja") -> User:
    """A new, unverified account, and the mail with the link that verifies it."""
    user = accounts.create_user(email, password, display_name, locale)
    _mail_verification(user)
    return user


def _mail_verification(user: User) -> None:
    link, raw = _issue(user, P.VERIFY_EMAIL)
    mails.verify_email(user, link, raw)


def resend_verification(email: str) -> None:
    """Mail a new verification link, unless the address has no unverified account or one was
    mailed within MAIL_INTERVAL. The caller answers the same way whatever happened."""
    user = accounts.by_email(email)
    if user is None or user.email_verified or not user.is_active:
        return
    if _mailed_recently(user, P.VERIFY_EMAIL, utcnow()):
        log.info("verification mail not resent: one went lately", extra={"user_id": user.id})
        return
    _mail_verification(user)


def verify_email(token: str) -> User:
    """Open a verification link: the account's address is verified."""
    link = _use(token, P.VERIFY_EMAIL)
    user = link.user
    if user.email_verified:
        raise field_error("token", "link_used")
    user.email_verified_at = utcnow()
    accounts.void_links(user, P.VERIFY_EMAIL)
    return user


# Password reset -------------------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """Mail a reset link to the address if it has an active account (at most one mail per
    MAIL_INTERVAL). The caller answers the same way whatever happened."""
    user = accounts.by_email(email)
    if user is None or not user.is_active:
        return
    if _mailed_recently(user, P.RESET_PASSWORD, utcnow()):
        log.info("reset mail not sent: one went lately", extra={"user_id": user.id})
        return
    link, raw = _issue(user, P.RESET_PASSWORD)
    mails.reset_password(user, link, raw)


def reset_password(token: str, password: str) -> User:
    """Open a reset link with a new password: every session and token of the user ends, other
    reset links die, failed logins are forgotten. The mail reached the address, so it is
    verified too."""
    link = _use(token, P.RESET_PASSWORD)
    user = link.user
    accounts.set_password(user, password, keep=None)
    if not user.email_verified:
        user.email_verified_at = utcnow()
        accounts.void_links(user, P.VERIFY_EMAIL)
    return user


# Login unlock ---------------------------------------------------------------------------------


def mail_unlock_link(user: User) -> None:
    """Mail the owner a link that lifts the lock failed logins just put on the address (the
    ``on_lock`` of ``service.authenticate``): someone else failing on purpose cannot keep them
    out. At most one mail per MAIL_INTERVAL, however many clients get locked."""
    if not user.is_active or _mailed_recently(user, P.UNLOCK_LOGIN, utcnow()):
        return
    accounts.void_links(user, P.UNLOCK_LOGIN)
    link, raw = _issue(user, P.UNLOCK_LOGIN)
    mails.unlock_login(user, link, raw)


def unlock_login(token: str) -> User:
    """Open an unlock link: the failed logins of the address, and the locks they led to, are
    forgotten, from every client."""
    link = _use(token, P.UNLOCK_LOGIN)
    accounts.clear_login_failures(link.user)
    log.info("login unlocked by mailed link", extra={"user_id": link.user_id})
    return link.user


# Email change ---------------------------------------------------------------------------------


def request_email_change(user: User, new_email: str, password: str) -> AccountLink:
    """Mail a confirmation link to ``new_email``; the address changes only when it is opened.
    The current address is told. A newer request replaces an older one."""
    accounts.check_password(user, password, "password")
    if email_key(new_email) == user.email_key:
        raise field_error("email", "email_unchanged")
    if accounts.by_email(new_email) is not None:
        raise accounts.EmailTakenError()
    now = utcnow()
    lock_rows(User, [user.id])
    recent = list(
        db.session.scalars(
            sa.select(AccountLink.created_at)
            .where(
                AccountLink.user_id == user.id,
                AccountLink.purpose == P.CHANGE_EMAIL,
                AccountLink.created_at > now - CHANGE_WINDOW,
            )
            .order_by(AccountLink.created_at)
        )
    )
    if len(recent) >= CHANGES_PER_WINDOW:
        wait = recent[-CHANGES_PER_WINDOW] + CHANGE_WINDOW - now
        raise TooManyMailsError(max(1, math.ceil(wait.total_seconds())))
    accounts.void_links(user, P.CHANGE_EMAIL)
    link, raw = _issue(user, P.CHANGE_EMAIL, normalise_email(new_email))
    mails.confirm_email_change(user, link, raw)
    mails.email_change_requested(user, link)
    return link


def confirm_email_change(token: str) -> User:
    """Open an email-change link: the new address becomes the account's, verified, and the
    old one is told."""
    link = _use(token, P.CHANGE_EMAIL)
    user = link.user
    assert link.new_email is not None  # a CHECK constraint guarantees it
    if accounts.by_email(link.new_email) is not None:
        raise accounts.EmailTakenError()
    old_email = user.email
    user.email = link.new_email
    user.email_key = email_key(link.new_email)
    user.email_verified_at = utcnow()
    try:
        db.session.flush()
    except sa.exc.IntegrityError as exc:
        # Someone signed up with the address at this moment: the unique index decides.
        db.session.rollback()
        raise accounts.EmailTakenError() from exc
    mails.email_changed(user, old_email, link)
    return user


def cancel_email_change(user: User) -> None:
    accounts.void_links(user, P.CHANGE_EMAIL)


def pending_email(user: User) -> str | None:
    """The address an email change waits to be confirmed for, if a link for one still works."""
    return db.session.scalar(
        sa.select(AccountLink.new_email)
        .where(
            AccountLink.user_id == user.id,
            AccountLink.purpose == P.CHANGE_EMAIL,
            AccountLink.used_at.is_(None),
            AccountLink.expires_at > utcnow(),
        )
        .order_by(AccountLink.created_at.desc())
        .limit(1)
    )


def load_pending_email(user: User) -> User:
    """The user, with ``pending_email`` filled in for showing."""
    user.pending_email = pending_email(user)
    return user


# Housekeeping ---------------------------------------------------------------------------------


def purge_links(now: datetime | None = None) -> int:
    """Delete links long expired (for beat): how many went."""
    now = now or utcnow()
    gone = db.session.execute(
        sa.delete(AccountLink).where(AccountLink.expires_at < now - KEEP_EXPIRED)
    )
    db.session.commit()
    return rowcount(gone)
