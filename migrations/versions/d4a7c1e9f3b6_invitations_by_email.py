"""Membership invitations are for an email address, not an account.

Inviting an address no account has is no longer refused (which told any member which
addresses have accounts): the invitation is kept with the address (``email``, ``email_key``)
and ``user_id`` may be empty until an account that verified the address accepts it. One open
invitation per address and organisation (the partial unique index moves from ``user_id`` to
``email_key``). Existing invitations take their invitee's current address.

Downgrading drops the invitations that no account has answered for (``user_id`` empty), keeps
one open invitation per person and organisation (others are cancelled) and drops the address.

Revision ID: d4a7c1e9f3b6
Revises: c8e1f5a2d7b4
Create Date: 2026-12-07 00:10:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4a7c1e9f3b6'
down_revision = 'c8e1f5a2d7b4'
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def _drop_pending_index():
    # A partial index is not carried through SQLite's table copy: dropped first, made again.
    op.drop_index(
        'uq_membership_invitations_pending',
        table_name='membership_invitations',
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )


def _pending_index(column):
    op.create_index(
        'uq_membership_invitations_pending',
        'membership_invitations',
        ['organisation_id', column],
        unique=True,
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )


def upgrade():
    _drop_pending_index()
    with op.batch_alter_table('membership_invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('email_key', sa.String(length=254), nullable=True))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
    op.execute(
        'UPDATE membership_invitations SET'
        ' email = (SELECT email FROM users WHERE users.id = membership_invitations.user_id),'
        ' email_key = (SELECT email_key FROM users WHERE users.id = membership_invitations.user_id)'
    )
    with op.batch_alter_table('membership_invitations', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=False)
        batch_op.alter_column('email_key', existing_type=sa.String(length=254), nullable=False)
        batch_op.create_index(
            'ix_membership_invitations_email_key_status', ['email_key', 'status'], unique=False
        )
    _pending_index('email_key')


def downgrade():
    _drop_pending_index()
    op.execute('DELETE FROM membership_invitations WHERE user_id IS NULL')
    # Two open invitations of one person (invited at two addresses): the oldest stays open.
    op.execute(
        "UPDATE membership_invitations SET status = 'cancelled' WHERE status = 'pending'"
        ' AND EXISTS (SELECT 1 FROM membership_invitations AS older'
        " WHERE older.status = 'pending'"
        ' AND older.organisation_id = membership_invitations.organisation_id'
        ' AND older.user_id = membership_invitations.user_id'
        ' AND older.id < membership_invitations.id)'
    )
    with op.batch_alter_table('membership_invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_membership_invitations_email_key_status')
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('email_key')
        batch_op.drop_column('email')
    _pending_index('user_id')
