"""Login throttles: recent failed logins per email, and the lock they lead to.

One row per email key that failed to log in lately, whether or not an account has it, so that a
lock tells nothing about which accounts exist. A successful login deletes the row. Downgrading
drops the table and with it every lock in force.

Revision ID: 7f0ae667d565
Revises: 9c4f2b7e8a10
Create Date: 2026-11-29 20:59:19.164567
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7f0ae667d565'
down_revision = '9c4f2b7e8a10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttles',
    sa.Column('email_key', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('failures > 0', name=op.f('ck_login_throttles_failures_positive')),
    sa.PrimaryKeyConstraint('email_key', name=op.f('pk_login_throttles'))
    )


def downgrade():
    op.drop_table('login_throttles')
