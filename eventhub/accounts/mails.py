"""The mails of the accounts area: what they say, in the user's language, and queueing them.

Each mail is written in the account's locale (ja or en) from the gettext catalogue and
queued in the outbox (``eventhub.notifications.service.queue_mail``) in the caller's
transaction; the dedupe key names the link, so a mail is queued once per link. Links point
to the pages under ``EVENTHUB_BASE_URL``.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import force_locale, gettext

from eventhub import links
from eventhub.accounts.models import AccountLink, LinkPurpose, MembershipInvitation, User
from eventhub.i18n import is_english
from eventhub.notifications.service import queue_mail

TOKYO = ZoneInfo("Asia/Tokyo")

#: The page each kind of link opens, below the base URL.
PAGES: dict[LinkPurpose, str] = {
    LinkPurpose.VERIFY_EMAIL: "/account/verify/",
    LinkPurpose.RESET_PASSWORD: "/account/password/reset/",
    LinkPurpose.CHANGE_EMAIL: "/account/email/",
    LinkPurpose.UNLOCK_LOGIN: "/account/unlock/",
}
ACCOUNT_PAGE = "/account"
INVITATIONS_PAGE = "/account/invitations"
SIGNUP_PAGE = "/signup"


def _url(path: str) -> str:
    return links.base_url() + path


def link_url(purpose: LinkPurpose, token: str) -> str:
    return _url(PAGES[purpose] + token)


def when(moment: datetime, locale: str) -> str:
    """A moment as Tokyo wall-clock time, written the way the locale writes dates."""
    local = moment.astimezone(TOKYO)
    if is_english(locale):
        text = f"{local.day} {local:%B %Y, %H:%M}"
    else:
        text = f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return gettext("%(when)s (Japan time)", when=text)


def _body(user: User, *paragraphs: str) -> str:
    return _text(gettext("Dear %(name)s,", name=user.display_name), *paragraphs)


def _text(greeting: str, *paragraphs: str) -> str:
    footer = "-- \neventhub\n" + gettext(
        "This message was sent automatically; replies are not read."
    )
    return "\n\n".join([greeting, *paragraphs, footer]) + "\n"


def _queue(key: str, to: str, subject: str, body: str) -> None:
    queue_mail(key, to, subject, body)


def verify_email(user: User, link: AccountLink, token: str) -> None:
    with force_locale(user.locale):
        subject = gettext("[eventhub] Confirm your email address")
        body = _body(
            user,
            gettext(
                "Thank you for signing up to eventhub. Open the link below to confirm that "
                "this address is yours. Until then you can prepare applications but not "
                "submit them."
            ),
            link_url(LinkPurpose.VERIFY_EMAIL, token),
            gettext(
                "The link works once, until %(expires)s.",
                expires=when(link.expires_at, user.locale),
            ),
            gettext("If you did not sign up, ignore this mail: the account stays unconfirmed."),
        )
    _queue(f"account-link:{link.id}:verify", user.email, subject, body)


def reset_password(user: User, link: AccountLink, token: str) -> None:
    with force_locale(user.locale):
        subject = gettext("[eventhub] Reset your password")
        body = _body(
            user,
            gettext(
                "We were asked to reset the password of your eventhub account. Open the link "
                "below to choose a new one; every device logged in to your account will then "
                "be logged out."
            ),
            link_url(LinkPurpose.RESET_PASSWORD, token),
            gettext(
                "The link works once, until %(expires)s.",
                expires=when(link.expires_at, user.locale),
            ),
            gettext("If you did not ask for this, ignore this mail: your password stays as it is."),
        )
    _queue(f"account-link:{link.id}:reset", user.email, subject, body)


def confirm_email_change(user: User, link: AccountLink, token: str) -> None:
    """To the new address: the link that makes it the account's."""
    assert link.new_email is not None
    with force_locale(user.locale):
        subject = gettext("[eventhub] Confirm your new email address")
        body = _body(
            user,
            gettext(
                "You asked to use this address for your eventhub account instead of "
                "%(old)s. Open the link below to confirm it; the change takes effect then.",
                old=user.email,
            ),
            link_url(LinkPurpose.CHANGE_EMAIL, token),
            gettext(
                "The link works once, until %(expires)s.",
                expires=when(link.expires_at, user.locale),
            ),
            gettext(
                "If you did not ask for this, ignore this mail: the account keeps its "
                "current address."
            ),
        )
    _queue(f"account-link:{link.id}:change-confirm", link.new_email, subject, body)


def email_change_requested(user: User, link: AccountLink) -> None:
    """To the current address: a change was asked for, and how to stop it."""
    with force_locale(user.locale):
        subject = gettext("[eventhub] A change of your email address was requested")
        body = _body(
            user,
            gettext(
                "Someone logged in to your eventhub account asked to change its email address "
                "to %(new)s. It changes only if the link sent to that address is opened before "
                "%(expires)s.",
                new=link.new_email,
                expires=when(link.expires_at, user.locale),
            ),
            gettext(
                "If this was not you, change your password now: that cancels the change and "
                "logs out every other device. Your account page:"
            ),
            _url(ACCOUNT_PAGE),
        )
    _queue(f"account-link:{link.id}:change-requested", user.email, subject, body)


def email_changed(user: User, old_email: str, link: AccountLink) -> None:
    """To the old address, once the new one is confirmed."""
    with force_locale(user.locale):
        subject = gettext("[eventhub] Your email address was changed")
        body = _body(
            user,
            gettext(
                "The email address of your eventhub account is now %(new)s; mails from "
                "eventhub go there from now on, and you log in with it.",
                new=user.email,
            ),
            gettext("If this was not you, contact the organiser at once."),
        )
    _queue(f"account-link:{link.id}:changed", old_email, subject, body)


def unlock_login(user: User, link: AccountLink, token: str) -> None:
    """To the owner, when failed logins lock the address: the link lifts the lock."""
    with force_locale(user.locale):
        subject = gettext("[eventhub] Logging in to your account is locked for a while")
        body = _body(
            user,
            gettext(
                "Several wrong passwords were given for your eventhub account, so logging in "
                "with it is refused for a while. If that was you, open the link below to log "
                "in again at once."
            ),
            link_url(LinkPurpose.UNLOCK_LOGIN, token),
            gettext(
                "The link works once, until %(expires)s.",
                expires=when(link.expires_at, user.locale),
            ),
            gettext(
                "If it was not you, someone may be guessing your password: choose a long one "
                "that you use nowhere else. Your account page:"
            ),
            _url(ACCOUNT_PAGE),
        )
    _queue(f"account-link:{link.id}:unlock", user.email, subject, body)


def invited(invitation: MembershipInvitation) -> None:
    """To the invited address: who invited them to which organisation, and where to answer.
    The link needs no token: only the invitee, logged in, can accept. An address without an
    account is asked to sign up with it first (in the inviter's language, a colleague's best
    guess); the same mail is queued either way, so the inviter learns nothing from it."""
    user = invitation.user
    inviter = invitation.invited_by
    locale = user.locale if user else inviter.locale if inviter else "ja"
    with force_locale(locale):
        subject = gettext(
            "[eventhub] You are invited to join %(organisation)s",
            organisation=invitation.organisation.name,
        )
        invited = gettext(
            "%(inviter)s invited you to join %(organisation)s on eventhub. As a member you "
            "will see and manage its applications, booths and staff.",
            inviter=inviter.display_name if inviter else "eventhub",
            organisation=invitation.organisation.name,
        )
        open_until = gettext(
            "The invitation is open until %(expires)s. If you do not know this "
            "organisation, decline it or ignore this mail: nothing changes until you accept.",
            expires=when(invitation.expires_at, locale),
        )
        if user is not None:
            answer = [
                gettext("Log in and accept or decline the invitation on this page:"),
                _url(INVITATIONS_PAGE),
            ]
        else:
            answer = [
                gettext(
                    "You have no eventhub account with this address yet. Sign up with this "
                    "address and confirm it with the link we then mail you:"
                ),
                _url(SIGNUP_PAGE),
                gettext("The invitation then waits for your answer on this page:"),
                _url(INVITATIONS_PAGE),
            ]
        greeting = gettext("Dear %(name)s,", name=user.display_name) if user else gettext("Hello,")
        body = _text(greeting, invited, *answer, open_until)
    to = user.email if user else invitation.email  # as the account writes it, if one has it
    _queue(f"membership-invitation:{invitation.id}", to, subject, body)
