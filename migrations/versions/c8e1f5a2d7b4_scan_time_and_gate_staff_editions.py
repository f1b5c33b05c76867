"""Scans dated out of range get their own result; gate staff are granted per edition.

A scan that a device dates further ahead than clock skew explains, or in the past outside the
edition's days, is refused as ``time_out_of_range``: the result (and what a device showed
offline) may now take that value. Downgrading turns such scans into ``forged``, the refusal
closest in meaning among the older results, so no scan row is lost.

A ``gate_staff`` grant now names its edition (``role_grants.edition_id``, required for gate
staff and only for them), and gate staff see only that edition's visitors. Each existing
grant, which applied to every edition, becomes one grant per edition that has not ended when
the migration runs (the editions gate staff may still work at), with its grant time and
granter kept; a person for whom no such edition exists keeps a grant to the edition that ended
last, so nobody's role is lost. Organisers then revoke what is not needed. Downgrading folds a
person's gate staff grants back into one unscoped grant (the earliest).

Revision ID: c8e1f5a2d7b4
Revises: c2b7e4f19a63
Create Date: 2026-12-06 20:45:00.000000
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c8e1f5a2d7b4'
down_revision = 'c2b7e4f19a63'
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


grants = sa.table(
    'role_grants',
    sa.column('id', sa.Integer),
    sa.column('user_id', sa.Integer),
    sa.column('role', sa.String),
    sa.column('prefecture_code', sa.Integer),
    sa.column('edition_id', sa.Integer),
    sa.column('granted_at', sa.DateTime(timezone=True)),
    sa.column('granted_by_id', sa.Integer),
)
editions = sa.table(
    'editions', sa.column('id', sa.Integer), sa.column('ends_at', sa.DateTime(timezone=True))
)


def _aware(moment):
    # SQLite gives naive UTC back.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _scope_gate_staff():
    """Each unscoped gate staff grant becomes one per edition not yet ended (or, if none, the
    edition that ended last)."""
    bind = op.get_bind()
    now = datetime.now(timezone.utc)
    ordered = bind.execute(
        sa.select(editions.c.id, editions.c.ends_at).order_by(editions.c.ends_at, editions.c.id)
    ).all()
    running = [row.id for row in ordered if _aware(row.ends_at) >= now]
    scope = running or [row.id for row in ordered[-1:]]
    old = bind.execute(
        sa.select(grants).where(grants.c.role == 'gate_staff', grants.c.edition_id.is_(None))
    ).all()
    rows = [
        {
            'user_id': grant.user_id,
            'role': 'gate_staff',
            'prefecture_code': None,
            'edition_id': edition_id,
            'granted_at': grant.granted_at,
            'granted_by_id': grant.granted_by_id,
        }
        for grant in old
        for edition_id in scope
    ]
    if rows:
        bind.execute(sa.insert(grants), rows)
    if old:
        bind.execute(sa.delete(grants).where(grants.c.id.in_([grant.id for grant in old])))


def upgrade():
    _scan_results(NEW_RESULTS)
    # Expression indexes do not survive SQLite's table copy: dropped first, made again after.
    op.drop_index('uq_role_grants_user_role_prefecture', table_name='role_grants')
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edition_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_role_grants_edition_id'), ['edition_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_role_grants_edition_id_editions'),
            'editions',
            ['edition_id'],
            ['id'],
            ondelete='CASCADE',
        )
    _scope_gate_staff()
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.create_check_constraint(
            'edition_only_for_gate_staff', "(role = 'gate_staff') = (edition_id IS NOT NULL)"
        )
    op.create_index(
        'uq_role_grants_user_role_scope',
        'role_grants',
        [
            'user_id',
            'role',
            sa.text('coalesce(prefecture_code, 0)'),
            sa.text('coalesce(edition_id, 0)'),
        ],
        unique=True,
    )


def _unscope_gate_staff():
    bind = op.get_bind()
    scoped = bind.execute(
        sa.select(grants)
        .where(grants.c.role == 'gate_staff')
        .order_by(grants.c.user_id, grants.c.granted_at, grants.c.id)
    ).all()
    kept = {}
    for grant in scoped:
        kept.setdefault(grant.user_id, grant)
    if scoped:
        bind.execute(
            sa.delete(grants).where(
                grants.c.role == 'gate_staff',
                grants.c.id.not_in([grant.id for grant in kept.values()]),
            )
        )
        bind.execute(
            sa.update(grants).where(grants.c.role == 'gate_staff').values(edition_id=None)
        )


def downgrade():
    op.drop_index('uq_role_grants_user_role_scope', table_name='role_grants')
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('ck_role_grants_edition_only_for_gate_staff'), type_='check'
        )
    _unscope_gate_staff()
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_role_grants_edition_id_editions'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_role_grants_edition_id'))
        batch_op.drop_column('edition_id')
    op.create_index(
        'uq_role_grants_user_role_prefecture',
        'role_grants',
        ['user_id', 'role', sa.text('coalesce(prefecture_code, 0)')],
        unique=True,
    )
    op.execute("UPDATE scans SET result = 'forged' WHERE result = 'time_out_of_range'")
    op.execute(
        "UPDATE scans SET offline_result = 'forged' WHERE offline_result = 'time_out_of_range'"
    )
    _scan_results(OLD_RESULTS)
