"""Registrations remember when their personal data was erased.

An erased registration keeps its edition, attendee type and prefecture (the tallies and the
report count them) and loses everything that names the person; ``erased_at`` says so, and
makes a retention purge that runs again skip it. Downgrading drops the column.

Revision ID: 1770bb96a4bf
Revises: 0a340945ac49
Create Date: 2026-12-06 18:35:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1770bb96a4bf'
down_revision = '0a340945ac49'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
