"""Joining an organisation: a member invites an email address, and its owner accepts.

Nobody becomes a member of an organisation without saying so: inviting a colleague by email
makes a pending invitation and mails the address a link to the invitations page, where the
invitee accepts or declines it. Inviting again while one is open returns that one. An
invitation expires after ``LIFETIME`` and works once.

The invitation is for the address, whether an account has it or not, and the inviter gets the
same answer either way (the same work is done and a mail is queued either way), so inviting
cannot be used to learn which addresses have accounts. An address without an account is
mailed an invitation to sign up; once an account with that address has verified it, the
invitation waits on its invitations page like any other.

Organisers see and decide on every organisation without joining one, so an organiser cannot
accept an invitation or register an organisation (which makes its creator a member): their
access stays read-and-decide, never an exhibitor's. (Inviting an organiser's address is not
refused: that too would tell whose address it is.)

This module sits above ``service`` and the mail outbox, as ``links`` does.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from eventhub.accounts import mails
from eventhub.accounts import service as accounts
from eventhub.accounts.models import (
    InvitationStatus,
    Membership,
    MembershipInvitation,
    Organisation,
    User,
    email_key,
    normalise_email,
)
from eventhub.audit import service as audit
from eventhub.audit.actions import Action
from eventhub.db import rowcount, utcnow
from eventhub.errors import DomainError, field_error, forbidden, not_found
from eventhub.extensions import db

log = logging.getLogger(__name__)

S = InvitationStatus
#: How long an invitation waits for its answer.
LIFETIME = timedelta(days=14)


def invite(organisation: Organisation, inviter: User, email: str) -> MembershipInvitation:
    """Invite ``email`` to join ``organisation`` and mail it; only a member invites. The open
    invitation, if there is one already. 422 ``already_member`` for a member's address (the
    inviter sees the members anyway); nothing else about the address changes the answer."""
    if not accounts.is_member(inviter, organisation):
        raise forbidden("invite_members_only")
    key = email_key(email)
    invitee = accounts.by_email(email)
    if invitee is not None and accounts.is_member(invitee, organisation):
        raise field_error("email", "already_member")
    pending = _pending(organisation.id, key)
    if pending is not None:
        return pending
    now = utcnow()
    invitation = MembershipInvitation(
        organisation=organisation,
        email=normalise_email(email),
        email_key=key,
        user=invitee,
        invited_by=inviter,
        status=S.PENDING,
        created_at=now,
        expires_at=now + LIFETIME,
    )
    db.session.add(invitation)
    try:
        db.session.flush()
    except sa.exc.IntegrityError as exc:
        # The same invitation sent twice at once: the partial unique index decides.
        db.session.rollback()
        raise DomainError("invitation_not_open") from exc
    audit.record(
        Action.MEMBER_INVITED,
        target=("organisation", organisation.id),
        details={"user_id": invitee and invitee.id, "invitation_id": invitation.id},
    )
    mails.invited(invitation)
    log.info(
        "member invited",
        extra={"organisation_id": organisation.id, "invitation_id": invitation.id},
    )
    return invitation


def _pending(organisation_id: int, key: str) -> MembershipInvitation | None:
    return db.session.scalars(
        sa.select(MembershipInvitation).where(
            MembershipInvitation.organisation_id == organisation_id,
            MembershipInvitation.email_key == key,
            MembershipInvitation.status == S.PENDING,
        )
    ).first()


def _for(user: User) -> sa.ColumnElement[bool]:
    """The invitations that are the user's: sent to their account, or to their address while
    no account had it, once they have proved they own the address."""
    mine = MembershipInvitation.user_id == user.id
    if not user.email_verified:
        return mine
    unclaimed = sa.and_(
        MembershipInvitation.user_id.is_(None), MembershipInvitation.email_key == user.email_key
    )
    return sa.or_(mine, unclaimed)


def _waiting() -> sa.Select[MembershipInvitation]:
    """Invitations still waiting for an answer: pending and not yet expired."""
    return sa.select(MembershipInvitation).where(
        MembershipInvitation.status == S.PENDING, MembershipInvitation.expires_at > utcnow()
    )


def open_for(user: User) -> list[MembershipInvitation]:
    """The user's invitations still waiting for an answer, newest first."""
    return list(
        db.session.scalars(_waiting().where(_for(user)).order_by(MembershipInvitation.id.desc()))
    )


def open_of(organisation: Organisation) -> list[MembershipInvitation]:
    """The organisation's invitations still waiting for an answer, oldest first."""
    return list(
        db.session.scalars(
            _waiting()
            .where(MembershipInvitation.organisation_id == organisation.id)
            .order_by(MembershipInvitation.id)
        )
    )


def _own(user: User, invitation_id: int) -> MembershipInvitation:
    """The user's invitation; 404 for anyone else's, so ids are not probed."""
    invitation = db.session.scalars(
        sa.select(MembershipInvitation).where(MembershipInvitation.id == invitation_id, _for(user))
    ).first()
    if invitation is None:
        raise not_found("invitation")
    return invitation


def _answer(
    invitation: MembershipInvitation, status: InvitationStatus, by: User | None = None
) -> None:
    """Close the invitation with ``status``, once: of two answers at once, one counts. An
    invitee's answer (``by``) names their account on an invitation sent to their address."""
    if invitation.status != S.PENDING:
        raise DomainError("invitation_not_open")
    if invitation.expires_at <= utcnow():
        raise DomainError("invitation_expired")
    closed = db.session.execute(
        sa.update(MembershipInvitation)
        .where(MembershipInvitation.id == invitation.id, MembershipInvitation.status == S.PENDING)
        .values(
            status=status,
            answered_at=utcnow(),
            user_id=invitation.user_id if by is None else by.id,
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(closed) != 1:  # answered or withdrawn a moment ago
        raise DomainError("invitation_not_open")
    db.session.refresh(invitation)


def accept(user: User, invitation_id: int) -> Membership:
    """Accept one's invitation: from now on the user is a member of its organisation."""
    invitation = _own(user, invitation_id)
    # Under the user's lock, as granting the organiser role: of the two at once, one loses.
    accounts.lock_user(user)
    if accounts.holds_organiser_role(user):
        raise DomainError("organiser_not_member")
    _answer(invitation, S.ACCEPTED, by=user)
    organisation = invitation.organisation
    membership = next((m for m in organisation.memberships if m.user_id == user.id), None)
    if membership is None:
        membership = Membership(user=user, organisation=organisation)
        db.session.add(membership)
        db.session.flush()
    audit.record(
        Action.MEMBER_JOINED,
        target=("organisation", organisation.id),
        details={"user_id": user.id, "invitation_id": invitation.id},
    )
    log.info("invitation accepted", extra={"invitation_id": invitation.id})
    return membership


def decline(user: User, invitation_id: int) -> None:
    _answer(_own(user, invitation_id), S.DECLINED, by=user)


def cancel(organisation: Organisation, member: User, invitation_id: int) -> None:
    """A member withdraws an invitation of their organisation before it is answered."""
    if not accounts.is_member(member, organisation):
        raise forbidden("invite_members_only")
    invitation = db.session.get(MembershipInvitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        raise not_found("invitation")
    _answer(invitation, S.CANCELLED)
