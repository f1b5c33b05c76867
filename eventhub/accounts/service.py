"""Users, organisations, roles and API tokens: the logic web, CLI and workers share."""

from __future__ import annotations

import logging
import math
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from eventhub import japan
from eventhub.accounts.auth import hash_token, is_organiser
from eventhub.accounts.models import (
    EVERY_CLIENT,
    AccountLink,
    ApiToken,
    LinkPurpose,
    LoginThrottle,
    Membership,
    Organisation,
    Role,
    RoleGrant,
    TokenScope,
    User,
    email_key,
    normalise_email,
)
from eventhub.accounts.passwords import check_password_hash, generate_password_hash
from eventhub.audit import service as audit
from eventhub.audit.actions import Action
from eventhub.db import conflict_insert, rowcount, utcnow
from eventhub.errors import DomainError, field_error, forbidden, not_found
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.locking import lock_rows

log = logging.getLogger(__name__)

TOKEN_PREFIX = "eh_"  # noqa: S105  (a visible prefix, not a secret)
#: Failed logins in a row that cost nothing; each one after that locks the email for a while.
LOGIN_FAILURES_ALLOWED = 5
LOGIN_LOCK_BASE = timedelta(seconds=30)
LOGIN_LOCK_MAX = timedelta(minutes=15)
#: Failed logins from every client together before the email is locked for every client: high,
#: so that a stranger's guesses do not keep the owner out, yet bounded against guessing spread
#: over many addresses.
LOGIN_EMAIL_FAILURES_ALLOWED = 50
#: A streak of failures this old is forgotten: the next failure counts as the first.
LOGIN_FAILURES_FORGOTTEN = timedelta(hours=1)
FORGET_LOGIN_FAILURES_TASK = "eventhub.accounts.forget_login_failures"
#: Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class EmailTakenError(DomainError):
    def __init__(self) -> None:
        super().__init__("email_taken")


def _by_email(email: str) -> User | None:
    return db.session.scalars(sa.select(User).where(User.email_key == email_key(email))).first()


def by_email(email: str) -> User | None:
    """The account with this address (compared as ``email_key`` does), or None."""
    return _by_email(email)


def create_user(
    email: str, password: str, display_name: str, locale: str = "ja", *, verified: bool = False
) -> User:
    """A new account. Its address is unverified unless ``verified`` (an account an operator
    creates); sign-up mails the link that verifies it (eventhub.accounts.links.sign_up)."""
    if _by_email(email) is not None:
        raise EmailTakenError()
    user = User(
        email=normalise_email(email),
        email_key=email_key(email),
        password_hash=generate_password_hash(password),
        display_name=display_name,
        locale=locale,
        email_verified_at=utcnow() if verified else None,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except sa.exc.IntegrityError as exc:
        # Two sign-ups with the same email at once: the unique index decides.
        db.session.rollback()
        raise EmailTakenError() from exc
    return user


class LoginLockedError(DomainError):
    def __init__(self, seconds: int) -> None:
        super().__init__("login_locked", retry_after_seconds=seconds)


def authenticate(
    email: str,
    password: str,
    client: str,
    now: datetime | None = None,
    on_lock: Callable[[User], None] | None = None,
) -> User | None:
    """The user with this email and password, or None (the failure is recorded, for the
    caller to commit). A locked email is refused without looking at the password.

    Failures are counted per ``client`` address: a client that keeps guessing locks the email
    for itself alone, so a stranger cannot keep its owner out. Failures from every client
    together lock the email for all only at a much higher ceiling, against guessing spread
    over many addresses. ``on_lock`` is called with the account when a lock begins for it.
    """
    now = now or utcnow()
    key = email_key(email)
    client = client[:64] or "unknown"
    _refuse_if_locked(key, client, now)
    user = _by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
    elif check_password_hash(user.password_hash, password) and user.is_active:
        # Only this client's streak: another client's guesses still count against it.
        db.session.execute(
            sa.delete(LoginThrottle).where(
                LoginThrottle.email_key == key, LoginThrottle.client == client
            )
        )
        return user
    locked = _record_failed_login(key, client, LOGIN_FAILURES_ALLOWED, now)
    locked |= _record_failed_login(key, EVERY_CLIENT, LOGIN_EMAIL_FAILURES_ALLOWED, now)
    if locked and user is not None and on_lock is not None:
        on_lock(user)
    return None


def clear_login_failures(user: User) -> None:
    """Forget the failed logins (and any lock) of the user's address, from every client: a new
    password was set, or the user opened the unlock link."""
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.email_key == user.email_key))


def lock_for(failures: int, allowed: int = LOGIN_FAILURES_ALLOWED) -> timedelta:
    """How long a login is refused after ``failures`` failures in a row: nothing for the first
    few (typos), then 30 s doubling with each further failure, capped at 15 minutes."""
    if failures < allowed:
        return timedelta(0)
    return min(LOGIN_LOCK_MAX, LOGIN_LOCK_BASE * 2 ** min(failures - allowed, 32))


def forget_login_failures(now: datetime | None = None) -> int:
    """Delete the streaks that no longer count (for beat): how many went."""
    now = now or utcnow()
    gone = db.session.execute(
        sa.delete(LoginThrottle).where(
            LoginThrottle.last_failed_at < now - LOGIN_FAILURES_FORGOTTEN,
            sa.or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
        )
    )
    db.session.commit()
    return rowcount(gone)


def _refuse_if_locked(key: str, client: str, now: datetime) -> None:
    locked_until = db.session.scalar(
        sa.select(sa.func.max(LoginThrottle.locked_until)).where(
            LoginThrottle.email_key == key,
            LoginThrottle.client.in_([client, EVERY_CLIENT]),
        )
    )
    if locked_until is not None and locked_until > now:
        raise LoginLockedError(math.ceil((locked_until - now).total_seconds()))


def _record_failed_login(key: str, client: str, allowed: int, now: datetime) -> bool:
    """Count a failure; whether it began a lock (the first failure past ``allowed``)."""
    table = LoginThrottle.__table__
    # One atomic upsert: concurrent failures each count (the row lock orders them), where a
    # read-then-write would lose some. A streak older than LOGIN_FAILURES_FORGOTTEN starts over.
    insert = conflict_insert(table, db.session)
    insert = insert.values(email_key=key, client=client, failures=1, last_failed_at=now)
    stale = table.c.last_failed_at < now - LOGIN_FAILURES_FORGOTTEN
    failures = db.session.execute(
        insert.on_conflict_do_update(
            index_elements=[table.c.email_key, table.c.client],
            set_={
                "failures": sa.case((stale, 1), else_=table.c.failures + 1),
                "last_failed_at": now,
            },
        ).returning(table.c.failures)
    ).scalar_one()
    lock = lock_for(failures, allowed)
    if lock:
        db.session.execute(
            sa.update(table)
            .where(table.c.email_key == key, table.c.client == client)
            .values(locked_until=now + lock)
        )
        log.warning(
            "login locked after failures",
            extra={"failures": failures, "every_client": client == EVERY_CLIENT},
        )
    return failures == allowed


def check_password(user: User, password: str, field: str) -> None:
    """Refuse, naming ``field``, unless ``password`` is the user's."""
    if not check_password_hash(user.password_hash, password):
        raise field_error(field, "wrong_password")


def set_password(user: User, password: str, keep: ApiToken | None) -> None:
    """A new password; it ends every session and token but ``keep``, in case the old one
    leaked, voids the reset and email-change links mailed before it, and the failed logins
    of the address no longer count."""
    user.password_hash = generate_password_hash(password)
    revoke_other_tokens(user, keep=keep)
    void_links(user, LinkPurpose.RESET_PASSWORD, LinkPurpose.CHANGE_EMAIL)
    clear_login_failures(user)


def void_links(user: User, *purposes: LinkPurpose) -> None:
    """The user's unused links of ``purposes`` work no more (a newer one or a new password
    replaced them)."""
    db.session.execute(
        sa.update(AccountLink)
        .where(
            AccountLink.user_id == user.id,
            AccountLink.purpose.in_([p.value for p in purposes]),
            AccountLink.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )


def change_password(
    user: User, current_password: str, new_password: str, current_token: ApiToken | None
) -> None:
    """Set a new password, given the current one, so a stolen token cannot lock the owner out.
    Every other session and token ends; ``current_token``, the one asking, goes on."""
    check_password(user, current_password, "current_password")
    set_password(user, new_password, keep=current_token)


def update_user(user: User, data: dict[str, Any], current_token: ApiToken | None) -> User:
    """Name and language; the password too, given the current one (as ``change_password``)."""
    if "password" in data:
        change_password(user, data["current_password"], data["password"], current_token)
    for key in ("display_name", "locale"):
        if key in data:
            setattr(user, key, data[key])
    return user


def issue_token(user: User, name: str, scopes: Iterable[str], days: int) -> tuple[ApiToken, str]:
    """A new bearer token; the raw value is returned once and only its hash is kept."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        token_hash=hash_token(raw),
        name=name,
        scopes=" ".join(sorted(set(scopes))),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    return token, raw


def login_scopes() -> list[str]:
    return [TokenScope.READ.value, TokenScope.WRITE.value]


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()


def revoke_other_tokens(user: User, keep: ApiToken | None) -> None:
    query = sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if keep is not None:
        query = query.where(ApiToken.id != keep.id)
    db.session.execute(query.values(revoked_at=utcnow()))


def anonymise(user: User, placeholder_email: str, placeholder_name: str) -> None:
    """The account keeps its id (what it did stays attributed to a row) and nothing that
    names its person: it cannot log in again, and every token and mailed link ends now."""
    user.email = placeholder_email
    user.email_key = email_key(placeholder_email)
    user.display_name = placeholder_name
    user.password_hash = "!"  # noqa: S105  (matches no password: no hash starts so)
    user.is_active = False
    user.email_verified_at = None
    revoke_other_tokens(user, None)
    void_links(user, *LinkPurpose)


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


def own_token(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise not_found("token")
    return token


def _grant_details(grant: RoleGrant) -> dict[str, Any]:
    """A grant as the audit log records it; the edition only for gate staff."""
    details: dict[str, Any] = {"role": str(grant.role), "prefecture_code": grant.prefecture_code}
    if grant.edition_id is not None:
        details["edition_id"] = grant.edition_id
    return {**details, "grant_id": grant.id}


def grant_role(
    user: User,
    role: str,
    prefecture_code: int | None,
    granted_by: User | None,
    edition_id: int | None = None,
) -> RoleGrant:
    """Grant ``role``; a prefecture contact names a prefecture, gate staff an edition (422
    ``unknown_edition`` on ``edition_id`` for one that does not exist). Granting a role held
    already answers the grant there is."""
    for grant in user.roles:
        if (grant.role, grant.prefecture_code, grant.edition_id) == (
            role,
            prefecture_code,
            edition_id,
        ):
            return grant
    if edition_id is not None and db.session.get(Edition, edition_id) is None:
        raise field_error("edition_id", "unknown_edition")
    if role == Role.ORGANISER:
        lock_user(user)
        refuse_members(user)
    grant = RoleGrant(
        user=user,
        role=role,
        prefecture_code=prefecture_code,
        edition_id=edition_id,
        granted_by_id=granted_by and granted_by.id,
    )
    db.session.add(grant)
    db.session.flush()
    audit.record(
        Action.ROLE_GRANTED,
        target=("user", user.id),
        edition_id=edition_id,
        details=_grant_details(grant),
    )
    log.info("role granted", extra={"user_id": user.id, "role": role})
    return grant


def lock_user(user: User) -> None:
    """Lock the user's row until the transaction ends: whoever makes them a member (accepting
    an invitation, registering an organisation) and whoever makes them an organiser take it
    first, so of two such requests at once the second waits, sees what the first did, and
    is refused."""
    lock_rows(User, [user.id])


def holds_organiser_role(user: User) -> bool:
    """Whether the user is an organiser, read afresh (after ``lock_user``), not from the
    grants loaded with the user before the lock."""
    return (
        db.session.scalar(
            sa.select(RoleGrant.id).where(
                RoleGrant.user_id == user.id, RoleGrant.role == Role.ORGANISER
            )
        )
        is not None
    )


def refuse_members(user: User) -> None:
    """Refuse to make a member of an organisation an organiser (409 ``member_not_organiser``,
    naming the organisations): organisers decide on organisations and so belong to none. The
    member leaves first. Read afresh, after ``lock_user``."""
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id)
        .order_by(Organisation.id)
    ).all()
    if rows:
        raise DomainError(
            "member_not_organiser",
            params={"organisations": ", ".join(name for _, name in rows)},
            organisation_ids=[organisation_id for organisation_id, _ in rows],
        )


def revoke_role(user: User, grant_id: int) -> None:
    grant = next((g for g in user.roles if g.id == grant_id), None)
    if grant is None:
        raise not_found("role_grant")
    if grant.role == Role.ORGANISER:
        # Two organisers revoking each other at once would each count the other and leave
        # none: every organiser grant is locked first, so the second count waits for the first
        # revocation and sees what it left.
        organisers = db.session.scalars(
            sa.select(RoleGrant.id).where(RoleGrant.role == Role.ORGANISER)
        ).all()
        lock_rows(RoleGrant, organisers)
        remaining = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(RoleGrant)
            .where(RoleGrant.role == Role.ORGANISER, RoleGrant.id != grant.id)
        )
        if not remaining:
            raise DomainError("last_organiser")
    audit.record(
        Action.ROLE_REVOKED,
        target=("user", user.id),
        edition_id=grant.edition_id,
        details=_grant_details(grant),
    )
    user.roles.remove(grant)


def create_organiser(email: str, password: str, display_name: str) -> User:
    """The CLI's way in: an organiser account, or the organiser role for an existing user."""
    user = _by_email(email) or create_user(email, password, display_name, verified=True)
    grant_role(user, Role.ORGANISER, None, None)
    return user


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise not_found("user")
    return user


def users_query(email: str | None, role: str | None) -> sa.Select[User]:
    query = sa.select(User).order_by(User.id)
    if email:
        query = query.where(User.email_key.contains(email_key(email), autoescape=True))
    if role:
        query = query.where(User.roles.any(RoleGrant.role == role))
    return query


# Organisations ---------------------------------------------------------------------------


def _can_see_all_organisations(user: User) -> bool:
    return user.has_role(Role.ORGANISER, Role.REVIEWER)


def is_member(user: User, organisation: Organisation) -> bool:
    return any(m.user_id == user.id for m in organisation.memberships)


def member_addresses(organisation_id: int) -> list[tuple[int, str]]:
    """(user id, email) of the organisation's active members, by user id: whom to write to."""
    rows = db.session.execute(
        sa.select(User.id, User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.is_active.is_(True))
        .order_by(User.id)
    ).all()
    return [(user_id, email) for user_id, email in rows]


def organisation_exists(organisation_id: int) -> bool:
    """Whether an organisation has this id; never flushes (callers check unsaved rows)."""
    with db.session.no_autoflush:
        return db.session.get(Organisation, organisation_id) is not None


def is_member_of(user: User, organisation_id: int | None) -> bool:
    """Whether ``user`` belongs to the organisation with this id (False for None or no such)."""
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    return organisation is not None and is_member(user, organisation)


def _check_corporate_number_free(number: str | None, organisation_id: int | None) -> None:
    if number is None:
        return
    other = db.session.scalars(
        sa.select(Organisation.id).where(Organisation.corporate_number == number)
    ).first()
    if other is not None and other != organisation_id:
        raise DomainError("corporate_number_taken", existing_id=other)


def create_organisation(creator: User, data: dict[str, Any]) -> Organisation:
    """A new organisation with its creator as first member. Others join by invitation
    (eventhub.accounts.invitations). An organiser cannot: they decide on organisations, and a
    membership would let them act as the exhibitor."""
    lock_user(creator)
    if holds_organiser_role(creator):
        raise DomainError("organiser_not_member")
    _check_corporate_number_free(data.get("corporate_number"), None)
    organisation = Organisation(**data)
    organisation.memberships.append(Membership(user=creator))
    db.session.add(organisation)
    db.session.flush()
    return organisation


def update_organisation(organisation: Organisation, data: dict[str, Any]) -> Organisation:
    if "corporate_number" in data:
        _check_corporate_number_free(data["corporate_number"], organisation.id)
    for key, value in data.items():
        setattr(organisation, key, value)
    return organisation


def visible_organisation(user: User, organisation_id: int) -> Organisation:
    """The organisation if ``user`` may see it; 404 rather than 403 so ids are not probed."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not (
        _can_see_all_organisations(user) or is_member(user, organisation)
    ):
        raise not_found("organisation")
    return organisation


def editable_organisation(user: User, organisation_id: int) -> Organisation:
    organisation = visible_organisation(user, organisation_id)
    if not (is_member(user, organisation) or is_organiser(user)):
        raise forbidden("organisation_forbidden")
    return organisation


def organisations_query(user: User, args: dict[str, Any]) -> sa.Select[Organisation]:
    query = sa.select(Organisation).order_by(Organisation.id)
    if not _can_see_all_organisations(user):
        query = query.where(Organisation.memberships.any(Membership.user_id == user.id))
    if "prefecture_code" in args:
        query = query.where(Organisation.prefecture_code == args["prefecture_code"])
    if "kind" in args:
        query = query.where(Organisation.kind == args["kind"])
    if args.get("q"):
        # Names are stored as written (NFC; older ones NFKC) and readings in NFKC katakana:
        # match the query in both forms, ignoring case.
        written = unicodedata.normalize("NFC", args["q"]).strip()
        q = japan.normalise(args["q"])
        query = query.where(
            sa.or_(
                sa.func.lower(Organisation.name).contains(q.lower(), autoescape=True),
                Organisation.name.contains(written, autoescape=True),
                Organisation.name_kana.contains(japan.to_katakana(q), autoescape=True),
            )
        )
    return query


def remove_member(organisation: Organisation, user_id: int) -> None:
    membership = next((m for m in organisation.memberships if m.user_id == user_id), None)
    if membership is None:
        raise not_found("member")
    # Two members removing each other at once would each see the other and leave none: the
    # organisation's row is locked, and the members counted afresh, not from what was loaded.
    lock_rows(Organisation, [organisation.id])
    members = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Membership)
        .where(Membership.organisation_id == organisation.id)
    )
    if (members or 0) <= 1:
        raise DomainError("last_member")
    organisation.memberships.remove(membership)
