"""Audit log: who did what, when and from where.

One append-only table of organisers' and reviewers' consequential actions, without foreign
keys so that it outlives what it names. Indexed for the organisers' list: newest first,
overall and per edition, and by actor. Downgrading drops it.

Revision ID: 9cdd705e580b
Revises: 1770bb96a4bf
Create Date: 2026-12-06 18:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9cdd705e580b'
down_revision = '1770bb96a4bf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_email', sa.String(length=254), nullable=True),
        sa.Column('action', sa.String(length=60), nullable=False),
        sa.Column('target_type', sa.String(length=40), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=True),
        sa.Column('edition_id', sa.Integer(), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('client_address', sa.String(length=45), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_audit_events_created_at'), ['created_at'], unique=False
        )
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(
            'ix_audit_events_edition_id_created_at', ['edition_id', 'created_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_edition_id_created_at')
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_created_at'))
    op.drop_table('audit_events')
