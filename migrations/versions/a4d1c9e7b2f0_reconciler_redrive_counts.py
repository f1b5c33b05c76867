"""Reconciler back-off: count the re-drives of passes, calendar feeds and report builds.

The reconcilers queue lost work again with a back-off that doubles with each re-drive of the
same row; this count is what it doubles on. It starts at 0 for every existing row. Downgrading
drops the counts: the reconcilers of that revision re-drive at a fixed interval.

Revision ID: a4d1c9e7b2f0
Revises: 7f0ae667d565
Create Date: 2026-12-06 02:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4d1c9e7b2f0'
down_revision = '7f0ae667d565'
branch_labels = None
depends_on = None

TABLES = ('passes', 'calendar_feeds', 'report_builds')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column('redrives', sa.Integer(), server_default='0', nullable=False)
            )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('redrives')
