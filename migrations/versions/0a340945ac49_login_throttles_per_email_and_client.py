"""Login throttles per email and client address, so a lock stops only the guessing client.

Failed logins are counted per (email key, client address), plus one row per email key with
client '*' that counts every client together against a much higher ceiling. The table is
recreated with the new primary key: its rows are short-lived locks, and dropping them ends
the locks in force, which a deploy may do. Downgrading does the same the other way.

Revision ID: 0a340945ac49
Revises: e5c1a7d93b24
Create Date: 2026-12-06 18:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0a340945ac49'
down_revision = 'e5c1a7d93b24'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('login_throttles')
    op.create_table('login_throttles',
    sa.Column('email_key', sa.String(length=254), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('failures > 0', name=op.f('ck_login_throttles_failures_positive')),
    sa.PrimaryKeyConstraint('email_key', 'client', name=op.f('pk_login_throttles'))
    )


def downgrade():
    op.drop_table('login_throttles')
    op.create_table('login_throttles',
    sa.Column('email_key', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('failures > 0', name=op.f('ck_login_throttles_failures_positive')),
    sa.PrimaryKeyConstraint('email_key', name=op.f('pk_login_throttles'))
    )
