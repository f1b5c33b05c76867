"""Report builds: published by an organiser, and the editions each build left out.

A build's ``published_at`` makes its report and files public (the fiscal year's public report
is its build published last); ``published_by_id`` says who published it. ``omitted`` lists
the editions of the fiscal year the report leaves out, with why, for the organisers. Existing
builds stay unpublished. Downgrading drops the three columns: every build is private again.

Revision ID: 5e2b8c41d7a9
Revises: 9cdd705e580b
Create Date: 2026-12-06 21:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e2b8c41d7a9'
down_revision = '9cdd705e580b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_builds') as batch_op:
        batch_op.add_column(sa.Column('omitted', sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_report_builds_published_by_id_users'),
            'users', ['published_by_id'], ['id'], ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('report_builds') as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_report_builds_published_by_id_users'), type_='foreignkey'
        )
        batch_op.drop_column('published_by_id')
        batch_op.drop_column('published_at')
        batch_op.drop_column('omitted')
