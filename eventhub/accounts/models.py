from __future__ import annotations

import enum
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin, UTCDateTime, enum_check, utcnow
from eventhub.extensions import Model

if TYPE_CHECKING:
    from eventhub.events.models import Edition


class Locale(enum.StrEnum):
    JA = "ja"
    EN = "en"


class Role(enum.StrEnum):
    ORGANISER = "organiser"
    REVIEWER = "reviewer"
    #: Acts for one prefecture: sees and endorses applications that name it.
    PREFECTURE_CONTACT = "prefecture_contact"
    GATE_STAFF = "gate_staff"
    # Exhibitors are not a granted role: a user exhibits through membership of an organisation.


class OrganisationKind(enum.StrEnum):
    COMPANY = "company"
    ASSOCIATION = "association"
    MUNICIPALITY = "municipality"
    OTHER = "other"


class TokenScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"


def normalise_email(email: str) -> str:
    # Full-width letters typed on a Japanese keyboard are the same address.
    return unicodedata.normalize("NFKC", email).strip()


def email_key(email: str) -> str:
    return normalise_email(email).casefold()


class User(TimestampMixin, Model):
    __tablename__ = "users"
    __table_args__ = (enum_check("locale", Locale),)
    # Lets ``pending_email`` below be a plain attribute: it is not a column.
    __allow_unmapped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    #: The email as compared: NFKC and casefolded in Python, because SQL lower() differs
    #: between databases (SQLite folds ASCII only). Unique, so one account per address.
    email_key: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    display_name: Mapped[str] = mapped_column(sa.String(100))
    locale: Mapped[str] = mapped_column(sa.String(2), default=Locale.JA)
    is_active: Mapped[bool] = mapped_column(default=True)
    #: When the owner proved the address by opening a mailed link; None until then. An
    #: unverified account can log in and prepare drafts but not submit applications.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list[RoleGrant]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="selectin",
        foreign_keys="RoleGrant.user_id",
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    #: The address an email change waits to be confirmed for; set by the view that shows it
    #: (eventhub.accounts.links.load_pending_email), never stored here.
    pending_email: str | None = None

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def has_role(self, *roles: Role) -> bool:
        return any(grant.role in roles for grant in self.roles)

    def gate_grants(self, edition_id: int) -> list[RoleGrant]:
        """The user's gate staff grants for the edition, ended or not."""
        return [g for g in self.roles if g.role == Role.GATE_STAFF and g.edition_id == edition_id]

    def contact_prefectures(self) -> set[int]:
        return {
            grant.prefecture_code
            for grant in self.roles
            if grant.role == Role.PREFECTURE_CONTACT and grant.prefecture_code is not None
        }


class RoleGrant(Model):
    __tablename__ = "role_grants"
    __table_args__ = (
        enum_check("role", Role),
        # Only a prefecture contact is tied to a prefecture, and it always is.
        sa.CheckConstraint(
            "(role = 'prefecture_contact') = (prefecture_code IS NOT NULL)",
            name="prefecture_only_for_contact",
        ),
        sa.CheckConstraint(
            "prefecture_code IS NULL OR prefecture_code BETWEEN 1 AND 47",
            name="prefecture_code_range",
        ),
        # Gate staff work at one edition each grant, and see only its visitors.
        sa.CheckConstraint(
            "(role = 'gate_staff') = (edition_id IS NOT NULL)",
            name="edition_only_for_gate_staff",
        ),
        sa.Index(
            "uq_role_grants_user_role_scope",
            "user_id",
            "role",
            sa.func.coalesce(sa.text("prefecture_code"), 0),
            sa.func.coalesce(sa.text("edition_id"), 0),
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(32))
    #: JIS X 0401 code, for prefecture contacts only.
    prefecture_code: Mapped[int | None]
    #: The edition a gate staff grant is for (gate staff only, always set for them).
    edition_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])
    #: A gate staff grant's edition; loaded when asked (only gate staff grants ask).
    edition: Mapped[Edition | None] = relationship(viewonly=True)

    @property
    def ends_at(self) -> datetime | None:
        """When the grant stops authorising: a gate staff grant ends when its edition's gates
        close (``Edition.gate_closes_at``); other roles do not end (None)."""
        if self.role != Role.GATE_STAFF or self.edition is None:
            return None
        return self.edition.gate_closes_at

    def active_at(self, now: datetime) -> bool:
        ends_at = self.ends_at
        return ends_at is None or now < ends_at


class Organisation(TimestampMixin, Model):
    __tablename__ = "organisations"
    __table_args__ = (
        enum_check("kind", OrganisationKind),
        sa.CheckConstraint("prefecture_code BETWEEN 1 AND 47", name="prefecture_code_range"),
        sa.Index(
            "uq_organisations_corporate_number",
            "corporate_number",
            unique=True,
            postgresql_where=sa.text("corporate_number IS NOT NULL"),
            sqlite_where=sa.text("corporate_number IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Furigana in katakana.
    name_kana: Mapped[str] = mapped_column(sa.String(200))
    #: 法人番号, 13 digits with its check digit; municipalities and groups may have none.
    corporate_number: Mapped[str | None] = mapped_column(sa.String(13))
    kind: Mapped[str] = mapped_column(sa.String(16))
    prefecture_code: Mapped[int]
    postal_code: Mapped[str] = mapped_column(sa.String(8))
    address: Mapped[str] = mapped_column(sa.String(300))
    phone: Mapped[str] = mapped_column(sa.String(20))
    website: Mapped[str | None] = mapped_column(sa.String(500))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )


class Membership(Model):
    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    #: Withdrawn by a member before the invitee answered.
    CANCELLED = "cancelled"


class MembershipInvitation(Model):
    """A member's invitation for an email address to join their organisation. Nobody becomes a
    member without saying so: the membership begins when the invitee accepts.

    It is for an address, not an account, so that inviting tells the inviter nothing about
    which addresses have accounts: ``user_id`` names the account that had the address when
    the invitation was sent, and stays empty otherwise, until an account that proved it owns
    the address (a verified email) accepts it."""

    __tablename__ = "membership_invitations"
    __table_args__ = (
        enum_check("status", InvitationStatus),
        sa.CheckConstraint("expires_at > created_at", name="expires_after_creation"),
        # One open invitation per address and organisation: inviting again is the same one.
        sa.Index(
            "uq_membership_invitations_pending",
            "organisation_id",
            "email_key",
            unique=True,
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        ),
        # The questions asked: this person's open invitations, by account and by address.
        sa.Index("ix_membership_invitations_user_id_status", "user_id", "status"),
        sa.Index("ix_membership_invitations_email_key_status", "email_key", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    #: The address invited, as normalised for accounts (``normalise_email``).
    email: Mapped[str] = mapped_column(sa.String(254))
    #: The address as compared (``email_key``).
    email_key: Mapped[str] = mapped_column(sa.String(254))
    #: The invitee's account: the one with the address when it was sent, or the one that
    #: accepted it; None while no account has answered for an address that had none.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(sa.String(10), default=InvitationStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the invitee accepted or declined, or a member cancelled it.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


class ApiToken(Model):
    __tablename__ = "api_tokens"
    # Lets ``raw`` below be a plain attribute: an annotation without Mapped[] is not a column.
    __allow_unmapped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    #: Space-separated scopes, e.g. "read write".
    scopes: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")
    #: The token itself, set only on the object just issued: shown once, never stored.
    raw: str | None = None

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())


#: The ``client`` of the row that counts an email's failures from every client together.
EVERY_CLIENT = "*"


class LoginThrottle(Model):
    """Recent failed logins for one email, known or not (a lock then says nothing about which
    accounts exist), from one client address, or from every client together
    (``client`` = EVERY_CLIENT). A client's row is deleted by its successful login; every row
    is stale after an hour."""

    __tablename__ = "login_throttles"
    __table_args__ = (sa.CheckConstraint("failures > 0", name="failures_positive"),)

    email_key: Mapped[str] = mapped_column(sa.String(254), primary_key=True)
    #: The client's address as the app sees it (``request.remote_addr``), or EVERY_CLIENT.
    client: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int]
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: No login for this email, right or wrong, before this time.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LinkPurpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105  (a purpose, not a password)
    CHANGE_EMAIL = "change_email"
    #: Mailed when failed logins lock the address: opening it lifts the lock.
    UNLOCK_LOGIN = "unlock_login"


class AccountLink(Model):
    """A single-use link mailed to a user: verify the address, reset the password, confirm
    a new address, or lift a login lock. Only the SHA-256 of its token is kept; the token is
    in the mail alone."""

    __tablename__ = "account_links"
    __table_args__ = (
        enum_check("purpose", LinkPurpose),
        # Only an email change names a new address, and it always does.
        sa.CheckConstraint(
            "(purpose = 'change_email') = (new_email IS NOT NULL)",
            name="new_email_only_for_change",
        ),
        sa.CheckConstraint("expires_at > created_at", name="expires_after_creation"),
        # The questions asked: this user's links of one purpose, newest first.
        sa.Index("ix_account_links_user_id_purpose", "user_id", "purpose", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(16))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    #: SHA-256 of the token (256 random bits); the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: For change_email: the address that becomes the account's once the link is opened.
    new_email: Mapped[str | None] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When it was opened, or replaced by a newer link or a new password: it works no more.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
