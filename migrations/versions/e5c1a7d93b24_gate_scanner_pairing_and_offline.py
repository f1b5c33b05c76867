"""Gate scanner: pairing codes and offline policy of devices, scans decided offline.

A device gets a one-time pairing code (stored hashed, with its expiry) that the scanner
exchanges for the device token, and an offline policy (auto, manual or never; existing
devices fall back automatically, as before). A scan remembers whether its device decided it
alone while offline, and what it showed then. Downgrading drops all of these.

Revision ID: e5c1a7d93b24
Revises: e7c41b9a2d58
Create Date: 2026-12-06 05:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5c1a7d93b24'
down_revision = 'e7c41b9a2d58'
branch_labels = None
depends_on = None

RESULTS = (
    'admitted', 'reentry_admitted', 'already_inside', 'exited', 'not_inside',
    'not_valid_today', 'revoked', 'wrong_edition', 'reentry_refused', 'unknown', 'forged',
)


def upgrade():
    with op.batch_alter_table('gate_devices', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('offline_policy', sa.String(length=8), server_default='auto', nullable=False)
        )
        batch_op.add_column(sa.Column('pairing_code_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column('pairing_expires_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('paired_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_gate_devices_pairing_code_hash'), ['pairing_code_hash']
        )
        batch_op.create_check_constraint(
            'offline_policy_valid', "offline_policy IN ('auto', 'manual', 'never')"
        )
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('decided_offline', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column('offline_result', sa.String(length=20), nullable=True))
        batch_op.create_check_constraint(
            'offline_result_valid',
            'offline_result IS NULL OR offline_result IN ('
            + ', '.join(f"'{result}'" for result in RESULTS)
            + ')',
        )


def downgrade():
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_scans_offline_result_valid'), type_='check')
        batch_op.drop_column('offline_result')
        batch_op.drop_column('decided_offline')
    with op.batch_alter_table('gate_devices', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('ck_gate_devices_offline_policy_valid'), type_='check'
        )
        batch_op.drop_constraint(
            batch_op.f('uq_gate_devices_pairing_code_hash'), type_='unique'
        )
        batch_op.drop_column('paired_at')
        batch_op.drop_column('pairing_expires_at')
        batch_op.drop_column('pairing_code_hash')
        batch_op.drop_column('offline_policy')
