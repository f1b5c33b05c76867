"""Log in, sign up, tokens, roles and organisations."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_smorest import Blueprint

from eventhub.accounts import invitations, links, schemas, service
from eventhub.accounts.auth import login_required, require_user, token_from_request
from eventhub.accounts.models import ApiToken, Organisation, Role, TokenScope, User
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.openapi import answers, operation_id
from eventhub.pagination import page_of, paginate

blp = Blueprint(
    "accounts", __name__, url_prefix="/api/v1", description="Accounts, tokens and organisations"
)


@blp.post("/auth/login")
@answers(401, 429)
@blp.arguments(schemas.LoginSchema)
@blp.response(201, schemas.NewTokenSchema)
def login(data: dict[str, Any]) -> ApiToken:
    """Exchange email and password for a bearer token (read and write).

    401 ``invalid_credentials`` for a wrong email or password. After 5 failures in a row for
    one email from one client address, 429 ``login_locked`` with ``Retry-After`` for that
    client: 30 s, doubling with each further failure, at most 15 minutes. Other clients can
    still log in, until the email has failed 50 times from all clients together. When a lock
    begins, the account's owner is mailed a link that lifts it (``/auth/unlock``).
    """
    user = service.authenticate(
        data["email"],
        data["password"],
        request.remote_addr or "",
        on_lock=links.mail_unlock_link,
    )
    if user is None:
        db.session.commit()  # the failure counts towards a lock
        raise DomainError("invalid_credentials")
    days = current_app.config["EVENTHUB_TOKEN_DAYS"]
    token, raw = service.issue_token(user, data["token_name"], service.login_scopes(), days)
    db.session.commit()
    return _new_token(token, raw)


def _new_token(token: ApiToken, raw: str) -> ApiToken:
    token.raw = raw  # shown once, never stored
    return token


# Giving up one's own credential needs no write scope: a read-only token can end itself.
@blp.post("/auth/logout")
@login_required(scope=TokenScope.READ)
@blp.response(204)
def logout() -> None:
    """Revoke the token this request was made with."""
    token = token_from_request()
    assert token is not None
    service.revoke_token(token)
    db.session.commit()


@blp.get("/auth/tokens")
@login_required()
@blp.response(200, schemas.TokenSchema(many=True))
def list_tokens() -> list[Any]:
    """Your tokens, newest first, including revoked and expired ones."""
    return service.tokens_of(require_user())


@blp.post("/auth/tokens")
@login_required()
@blp.arguments(schemas.TokenCreateSchema)
@blp.response(201, schemas.NewTokenSchema)
def create_token(data: dict[str, Any]) -> ApiToken:
    """A named token for a script or an integration, with chosen scopes and lifetime."""
    token, raw = service.issue_token(require_user(), data["name"], data["scopes"], data["days"])
    db.session.commit()
    return _new_token(token, raw)


@blp.delete("/auth/tokens/<int:token_id>")
@login_required(scope=TokenScope.READ)
@blp.response(204)
def revoke_token(token_id: int) -> None:
    """Revoke one of your own tokens; requests made with it answer 401 from now on."""
    service.revoke_token(service.own_token(require_user(), token_id))
    db.session.commit()


@blp.post("/users")
@blp.arguments(schemas.SignUpSchema)
@blp.response(201, schemas.UserSchema)
def sign_up(data: dict[str, Any]) -> User:
    """Create an account and mail the link that verifies its address.

    The account can log in at once; until its address is verified it cannot submit
    applications (403 ``email_not_verified``). Exhibitors then create or join their
    organisation. 409 ``email_taken`` if an account has this address.
    """
    user = links.sign_up(**data)
    db.session.commit()
    return user


ACCEPTED = {"status": "accepted"}


@blp.post("/auth/verify-email")
@blp.arguments(schemas.LinkTokenSchema)
@blp.response(204)
def verify_email(data: dict[str, Any]) -> None:
    """Verify an account's address with the token of the mailed link (72 hours, once).

    422 naming ``token`` when the link is unknown, used or expired.
    """
    links.verify_email(data["token"])
    db.session.commit()


@blp.post("/auth/verify-email/resend")
@blp.arguments(schemas.EmailSchema)
@blp.response(202, schemas.AcceptedSchema)
def resend_verification(data: dict[str, Any]) -> dict[str, str]:
    """Mail a new verification link to an unverified account's address.

    Always 202 with the same body, whether the address has an account, is verified already, or
    had a link mailed in the last 5 minutes (then nothing is sent).
    """
    links.resend_verification(data["email"])
    db.session.commit()
    return ACCEPTED


@blp.post("/auth/password-reset")
@blp.arguments(schemas.EmailSchema)
@blp.response(202, schemas.AcceptedSchema)
def request_password_reset(data: dict[str, Any]) -> dict[str, str]:
    """Mail a link to choose a new password (valid 1 hour, once) to the account's address.

    Always 202 with the same body, whether the address has an account or not; at most one mail
    per account in 5 minutes.
    """
    links.request_password_reset(data["email"])
    db.session.commit()
    return ACCEPTED


@blp.post("/auth/password-reset/confirm")
@blp.arguments(schemas.PasswordResetSchema)
@blp.response(204)
def reset_password(data: dict[str, Any]) -> None:
    """Set a new password with the token of the mailed link.

    Every token and page session of the account ends, and its failed logins are forgotten.
    422 naming ``token`` when the link is unknown, used or expired.
    """
    links.reset_password(data["token"], data["password"])
    db.session.commit()


@blp.post("/auth/unlock")
@blp.arguments(schemas.LinkTokenSchema)
@blp.response(204)
def unlock_login(data: dict[str, Any]) -> None:
    """Lift a login lock with the token of the link mailed when it began (1 hour, once).

    The failed logins of the address are forgotten, from every client. 422 naming ``token``
    when the link is unknown, used or expired.
    """
    links.unlock_login(data["token"])
    db.session.commit()


@blp.post("/auth/email-change/confirm")
@blp.arguments(schemas.LinkTokenSchema)
@blp.response(204)
def confirm_email_change(data: dict[str, Any]) -> None:
    """Make the new address the account's, with the token of the link mailed to it.

    422 naming ``token`` when the link is unknown, used or expired; 409 ``email_taken`` when
    another account took the address meanwhile.
    """
    links.confirm_email_change(data["token"])
    db.session.commit()


@blp.get("/users/me")
@operation_id("get_me")
@login_required()
@blp.response(200, schemas.MeSchema)
def me() -> User:
    """Your account, with the address an email change waits to be confirmed for."""
    return links.load_pending_email(require_user())


@blp.patch("/users/me")
@login_required()
@blp.arguments(schemas.UserUpdateSchema)
@blp.response(200, schemas.MeSchema)
def update_me(data: dict[str, Any]) -> User:
    """Change your display name and language (the password too, as ``/users/me/password``)."""
    user = service.update_user(require_user(), data, token_from_request())
    db.session.commit()
    return links.load_pending_email(user)


@blp.post("/users/me/password")
@login_required()
@blp.arguments(schemas.PasswordChangeSchema)
@blp.response(204)
def change_password(data: dict[str, Any]) -> None:
    """Set a new password, giving the current one.

    Every other token and page session of the account ends; the token of this request goes
    on. 422 naming ``current_password`` when it is wrong.
    """
    service.change_password(
        require_user(), data["current_password"], data["password"], token_from_request()
    )
    db.session.commit()


@blp.post("/users/me/email-change")
@answers(429)
@login_required()
@blp.arguments(schemas.EmailChangeSchema)
@blp.response(202, schemas.MeSchema)
def request_email_change(data: dict[str, Any]) -> User:
    """Ask to change your address, giving your password.

    A link valid 24 hours goes to the new address, and the address changes when it is opened;
    the current address is told. A newer request replaces an older one. 422 naming
    ``password`` when it is wrong, or ``email`` when it is your address already; 409
    ``email_taken``; 429 ``too_many_mails`` after 5 requests in an hour.
    """
    user = require_user()
    links.request_email_change(user, data["email"], data["password"])
    db.session.commit()
    return links.load_pending_email(user)


@blp.delete("/users/me/email-change")
@login_required()
@blp.response(204)
def cancel_email_change() -> None:
    """Cancel a pending email change: its link works no more."""
    links.cancel_email_change(require_user())
    db.session.commit()


@blp.get("/users")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.UserListArgs, location="query")
@blp.response(200, page_of(schemas.UserSchema))
def list_users(args: dict[str, Any]) -> dict[str, Any]:
    """Accounts, filtered by email or role (organisers)."""
    return paginate(service.users_query(args.get("email"), args.get("role")), args)


@blp.get("/users/<int:user_id>")
@login_required(Role.ORGANISER)
@blp.response(200, schemas.UserSchema)
def get_user(user_id: int) -> User:
    """One account with its roles (organisers)."""
    return service.get_user(user_id)


@blp.post("/users/<int:user_id>/roles")
@login_required(Role.ORGANISER)
@blp.arguments(schemas.RoleGrantSchema)
@blp.response(201, schemas.RoleGrantSchema)
def grant_role(data: dict[str, Any], user_id: int) -> Any:
    """Grant a role to an account (organisers).

    A prefecture contact names a prefecture (``prefecture_code``); gate staff an edition
    (``edition_id``), whose visitors only they then see, with masked emails.
    """
    grant = service.grant_role(
        service.get_user(user_id),
        data["role"],
        data["prefecture_code"],
        require_user(),
        data["edition_id"],
    )
    db.session.commit()
    return grant


@blp.delete("/users/<int:user_id>/roles/<int:grant_id>")
@login_required(Role.ORGANISER)
@blp.response(204)
def revoke_role(user_id: int, grant_id: int) -> None:
    """Take a role back from an account (organisers).

    409 ``last_organiser`` if it is the last organiser's.
    """
    service.revoke_role(service.get_user(user_id), grant_id)
    db.session.commit()


@blp.post("/organisations")
@login_required()
@blp.arguments(schemas.OrganisationSchema)
@blp.response(201, schemas.OrganisationSchema)
def create_organisation(data: dict[str, Any]) -> Organisation:
    """Register an organisation; you become its first member. Colleagues join by invitation.

    409 ``organiser_not_member`` for an organiser, who sees every organisation without
    joining one.
    """
    organisation = service.create_organisation(require_user(), data)
    db.session.commit()
    return organisation


@blp.get("/organisations")
@login_required()
@blp.arguments(schemas.OrganisationListArgs, location="query")
@blp.response(200, page_of(schemas.OrganisationSchema))
def list_organisations(args: dict[str, Any]) -> dict[str, Any]:
    """Organisers and reviewers see all organisations; others see their own."""
    return paginate(service.organisations_query(require_user(), args), args)


@blp.get("/organisations/<int:organisation_id>")
@login_required()
@blp.response(200, schemas.OrganisationSchema)
def get_organisation(organisation_id: int) -> Organisation:
    """One organisation, for its members, organisers and reviewers.

    Anyone else gets 404, as for an organisation that does not exist.
    """
    return service.visible_organisation(require_user(), organisation_id)


@blp.patch("/organisations/<int:organisation_id>")
@login_required()
@blp.arguments(schemas.OrganisationSchema(partial=True))
@blp.response(200, schemas.OrganisationSchema)
def update_organisation(data: dict[str, Any], organisation_id: int) -> Organisation:
    """Change an organisation's details (its members and organisers).

    Only the fields sent change.
    """
    organisation = service.editable_organisation(require_user(), organisation_id)
    service.update_organisation(organisation, data)
    db.session.commit()
    return organisation


@blp.get("/organisations/<int:organisation_id>/members")
@operation_id("list_organisation_members")
@login_required()
@blp.response(200, schemas.MemberSchema(many=True))
def list_members(organisation_id: int) -> list[Any]:
    """The organisation's members, for its members, organisers and reviewers."""
    return service.visible_organisation(require_user(), organisation_id).memberships


@blp.get("/organisations/<int:organisation_id>/invitations")
@operation_id("list_organisation_invitations")
@login_required()
@blp.response(200, schemas.InvitationSchema(many=True))
def list_invitations(organisation_id: int) -> list[Any]:
    """The organisation's invitations still waiting for an answer."""
    return invitations.open_of(service.visible_organisation(require_user(), organisation_id))


@blp.post("/organisations/<int:organisation_id>/invitations")
@login_required()
@blp.arguments(schemas.MemberAddSchema)
@blp.response(201, schemas.InvitationSchema)
def invite_member(data: dict[str, Any], organisation_id: int) -> Any:
    """Invite a colleague by email to join; they become a member when they accept.

    The address is mailed a link to the invitations page (and to sign up first if no account
    has it: the answer is the same either way); the invitation is open 14 days. Inviting
    again while one is open returns that one. Only members invite (403 ``forbidden``); 422
    naming ``email`` for the address of a member already.
    """
    user = require_user()
    organisation = service.visible_organisation(user, organisation_id)
    invitation = invitations.invite(organisation, user, data["email"])
    db.session.commit()
    return invitation


@blp.delete("/organisations/<int:organisation_id>/invitations/<int:invitation_id>")
@login_required()
@blp.response(204)
def cancel_invitation(organisation_id: int, invitation_id: int) -> None:
    """Withdraw an invitation not yet answered (members only)."""
    user = require_user()
    organisation = service.visible_organisation(user, organisation_id)
    invitations.cancel(organisation, user, invitation_id)
    db.session.commit()


@blp.get("/users/me/invitations")
@operation_id("list_my_invitations")
@login_required()
@blp.response(200, schemas.InvitationSchema(many=True))
def my_invitations() -> list[Any]:
    """Your invitations to join organisations, still waiting for your answer."""
    return invitations.open_for(require_user())


@blp.post("/users/me/invitations/<int:invitation_id>/accept")
@login_required()
@blp.response(201, schemas.MemberSchema)
def accept_invitation(invitation_id: int) -> Any:
    """Accept an invitation: you become a member of its organisation.

    409 ``invitation_not_open`` when it was answered or withdrawn, ``invitation_expired``
    after 14 days, ``organiser_not_member`` for an organiser.
    """
    membership = invitations.accept(require_user(), invitation_id)
    db.session.commit()
    return membership


@blp.post("/users/me/invitations/<int:invitation_id>/decline")
@login_required()
@blp.response(204)
def decline_invitation(invitation_id: int) -> None:
    """Decline an invitation: nothing changes, and the organisation sees it no more."""
    invitations.decline(require_user(), invitation_id)
    db.session.commit()


@blp.delete("/organisations/<int:organisation_id>/members/<int:user_id>")
@operation_id("remove_organisation_member")
@login_required()
@blp.response(204)
def remove_member(organisation_id: int, user_id: int) -> None:
    """Remove a member from the organisation (its members and organisers).

    409 ``last_member``: an organisation always keeps one member.
    """
    organisation = service.editable_organisation(require_user(), organisation_id)
    service.remove_member(organisation, user_id)
    db.session.commit()
