"""Exhibitors' staff members remember when the retention purge erased them.

The purge now erases staff members as it erases attendees: the name and address go, from the
staff list and from the pass, and ``erased_at`` says so (and makes a purge that runs again skip
them). Downgrading drops the column; the erased names stay erased.

Revision ID: d4a9e2c7b130
Revises: d4a7c1e9f3b6
Create Date: 2026-12-07 00:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4a9e2c7b130'
down_revision = 'd4a7c1e9f3b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
