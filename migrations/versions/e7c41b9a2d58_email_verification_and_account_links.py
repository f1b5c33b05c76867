"""Email verification and account links: users.email_verified_at, and the account_links table.

An account now proves its address by opening a mailed link before it may submit applications.
Accounts that exist already predate that rule and count as verified: their email_verified_at
is their created_at. account_links holds the single-use links mailed to users (verify the
address, reset the password, confirm a new address), by the SHA-256 of their token.

Downgrading drops the table, and with it every link not yet opened, and the column, and with it
which accounts are unverified (the previous revision has no such notion).

Revision ID: e7c41b9a2d58
Revises: a4d1c9e7b2f0
Create Date: 2026-12-06 05:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7c41b9a2d58'
down_revision = 'a4d1c9e7b2f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
    op.execute('UPDATE users SET email_verified_at = created_at')

    op.create_table('account_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('new_email', sa.String(length=254), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("purpose IN ('verify_email', 'reset_password', 'change_email')", name=op.f('ck_account_links_purpose_valid')),
    sa.CheckConstraint("(purpose = 'change_email') = (new_email IS NOT NULL)", name=op.f('ck_account_links_new_email_only_for_change')),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_account_links_expires_after_creation')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_links_token_hash'))
    )
    op.create_index('ix_account_links_user_id_purpose', 'account_links', ['user_id', 'purpose', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_account_links_user_id_purpose', table_name='account_links')
    op.drop_table('account_links')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('email_verified_at')
