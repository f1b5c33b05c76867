"""Scans dated out of range get their own result.

A scan that a device dates further ahead than clock skew explains, or in the past outside the
edition's days, is refused as ``time_out_of_range``: the result (and what a device showed
offline) may now take that value. Downgrading turns such scans into ``forged``, the refusal
closest in meaning among the older results, so no scan row is lost.

Revision ID: c8e1f5a2d7b4
Revises: 9cdd705e580b
Create Date: 2026-12-06 20:45:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c8e1f5a2d7b4'
down_revision = '9cdd705e580b'
branch_labels = None
depends_on = None

OLD_RESULTS = (
    'admitted', 'reentry_admitted', 'already_inside', 'exited', 'not_inside',
    'not_valid_today', 'revoked', 'wrong_edition', 'reentry_refused', 'unknown', 'forged',
)
NEW_RESULTS = (*OLD_RESULTS, 'time_out_of_range')


def _in(results):
    return ', '.join(f"'{result}'" for result in results)


def _scan_results(results):
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_scans_result_valid'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_scans_offline_result_valid'), type_='check')
        batch_op.create_check_constraint('result_valid', f'result IN ({_in(results)})')
        batch_op.create_check_constraint(
            'offline_result_valid',
            f'offline_result IS NULL OR offline_result IN ({_in(results)})',
        )


def upgrade():
    _scan_results(NEW_RESULTS)


def downgrade():
    op.execute("UPDATE scans SET result = 'forged' WHERE result = 'time_out_of_range'")
    op.execute(
        "UPDATE scans SET offline_result = 'forged' WHERE offline_result = 'time_out_of_range'"
    )
    _scan_results(OLD_RESULTS)
