"""Outgoing mails: the outbox that workers send exhibitor notifications from.

Written by hand. A row is written in the transaction that makes a mail necessary (a submitted
or decided application); a worker claims it (pending -> sending), sends it over SMTP and marks it
sent, or puts it back to pending with a back-off, and gives up (failed) after the last attempt.
The unique dedupe_key makes queueing the same mail twice a no-op. The index on (status,
next_attempt_at) serves the periodic reconciler. Downgrading drops the table and with it any
mail not yet sent.

Revision ID: 87fb73205f6a
Revises: 2a820a621d9c
Create Date: 2026-11-29 12:34:19.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '87fb73205f6a'
down_revision = '2a820a621d9c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outgoing_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_outgoing_mails_status_valid')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outgoing_mails_attempts_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mails')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outgoing_mails_dedupe_key'))
    )
    with op.batch_alter_table('outgoing_mails', schema=None) as batch_op:
        batch_op.create_index('ix_outgoing_mails_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outgoing_mails', schema=None) as batch_op:
        batch_op.drop_index('ix_outgoing_mails_status_next_attempt_at')

    op.drop_table('outgoing_mails')
