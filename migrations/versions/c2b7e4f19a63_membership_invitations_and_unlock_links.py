"""Membership invitations, and account links that lift a login lock.

membership_invitations holds a member's invitation for an existing account to join their
organisation; the membership begins only when the invitee accepts, so nobody is made a member
without saying so. One open invitation per person and organisation (a partial unique index).
account_links accepts a fourth purpose, unlock_login: the link mailed when failed logins lock
an address.

Downgrading drops the invitations (memberships already accepted stay) and the unlock links.

Revision ID: c2b7e4f19a63
Revises: 5e2b8c41d7a9
Create Date: 2026-12-06 21:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c2b7e4f19a63'
down_revision = '5e2b8c41d7a9'
branch_labels = None
depends_on = None

PURPOSES = ('verify_email', 'reset_password', 'change_email')


def _purposes(purposes):
    return 'purpose IN (' + ', '.join(f"'{p}'" for p in purposes) + ')'


def upgrade():
    op.create_table(
        'membership_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'cancelled')",
            name=op.f('ck_membership_invitations_status_valid'),
        ),
        sa.CheckConstraint(
            'expires_at > created_at',
            name=op.f('ck_membership_invitations_expires_after_creation'),
        ),
        sa.ForeignKeyConstraint(
            ['invited_by_id'], ['users.id'],
            name=op.f('fk_membership_invitations_invited_by_id_users'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['organisation_id'], ['organisations.id'],
            name=op.f('fk_membership_invitations_organisation_id_organisations'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'],
            name=op.f('fk_membership_invitations_user_id_users'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_invitations')),
    )
    with op.batch_alter_table('membership_invitations', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_membership_invitations_organisation_id'),
            ['organisation_id'],
            unique=False,
        )
        batch_op.create_index(
            'ix_membership_invitations_user_id_status', ['user_id', 'status'], unique=False
        )
        batch_op.create_index(
            'uq_membership_invitations_pending',
            ['organisation_id', 'user_id'],
            unique=True,
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )
    with op.batch_alter_table('account_links', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_account_links_purpose_valid'), type_='check')
        batch_op.create_check_constraint(
            'purpose_valid', _purposes(PURPOSES + ('unlock_login',))
        )


def downgrade():
    op.execute("DELETE FROM account_links WHERE purpose = 'unlock_login'")
    with op.batch_alter_table('account_links', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_account_links_purpose_valid'), type_='check')
        batch_op.create_check_constraint('purpose_valid', _purposes(PURPOSES))
    with op.batch_alter_table('membership_invitations', schema=None) as batch_op:
        batch_op.drop_index(
            'uq_membership_invitations_pending',
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index('ix_membership_invitations_user_id_status')
        batch_op.drop_index(batch_op.f('ix_membership_invitations_organisation_id'))
    op.drop_table('membership_invitations')
