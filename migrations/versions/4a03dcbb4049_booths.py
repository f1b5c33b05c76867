"""Booths of an edition and their allocation to approved applications.

Written by hand. A booth's code is unique within its edition, and a booth is given at most
once: booth_allocations.booth_id is unique, so the database refuses the loser of a race. The
sum of an application's booth units is checked in the service under a row lock (it spans
rows, which a CHECK constraint cannot see).

Revision ID: 4a03dcbb4049
Revises: 2a820a621d9c
Create Date: 2026-11-29 12:34:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4a03dcbb4049'
down_revision = '2a820a621d9c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('booths',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('zone', sa.String(length=40), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('is_corner', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('units >= 1', name=op.f('ck_booths_units_positive')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_booths_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booths')),
    sa.UniqueConstraint('edition_id', 'code', name=op.f('uq_booths_edition_id_code'))
    )

    op.create_table('booth_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booth_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('allocated_by_id', sa.Integer(), nullable=True),
    sa.Column('allocated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booth_id'], ['booths.id'], name=op.f('fk_booth_allocations_booth_id_booths'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_booth_allocations_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['allocated_by_id'], ['users.id'], name=op.f('fk_booth_allocations_allocated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booth_allocations')),
    sa.UniqueConstraint('booth_id', name=op.f('uq_booth_allocations_booth_id'))
    )
    with op.batch_alter_table('booth_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booth_allocations_application_id'), ['application_id'], unique=False)


def downgrade():
    with op.batch_alter_table('booth_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booth_allocations_application_id'))

    op.drop_table('booth_allocations')
    op.drop_table('booths')
