"""Accounts, organisations, series, editions, timetables and worker heartbeats.

The first schema. Reviewed by hand: Alembic cannot see expression indexes (the role
grant uniqueness), and the three series are seeded here.
Times are timezone-aware (timestamptz on PostgreSQL); the models store them as UTC.

Revision ID: b3320b061193
Revises:
Create Date: 2026-11-29 12:00:07.702448
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3320b061193'
down_revision = None
branch_labels = None
depends_on = None


SERIES = [
    {
        'slug': 'national-zone',
        'name_ja': '産業交流展「全国ゾーン」',
        'name_en': 'Industrial Exchange Expo: National Zone',
    },
    {
        'slug': 'takumi',
        'name_ja': 'ものづくり・匠の技の祭典',
        'name_en': 'Monozukuri: A Celebration of Japanese Artisanal Techniques',
    },
    {
        'slug': 'mokucolle',
        'name_ja': 'WOODコレクション（モクコレ）',
        'name_en': 'WOOD Collection (Mokucolle)',
    },
]


def upgrade():
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_kana', sa.String(length=200), nullable=False),
    sa.Column('corporate_number', sa.String(length=13), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('prefecture_code', sa.Integer(), nullable=False),
    sa.Column('postal_code', sa.String(length=8), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('company', 'association', 'municipality', 'other')", name=op.f('ck_organisations_kind_valid')),
    sa.CheckConstraint('prefecture_code BETWEEN 1 AND 47', name=op.f('ck_organisations_prefecture_code_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index('uq_organisations_corporate_number', ['corporate_number'], unique=True, postgresql_where=sa.text('corporate_number IS NOT NULL'), sqlite_where=sa.text('corporate_number IS NOT NULL'))

    series = op.create_table('series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('name_ja', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    sa.UniqueConstraint('slug', name=op.f('uq_series_slug'))
    )
    op.bulk_insert(series, SERIES)
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('email_key', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('locale', sa.String(length=2), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("locale IN ('ja', 'en')", name=op.f('ck_users_locale_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email_key', name=op.f('uq_users_email_key'))
    )
    op.create_table('worker_heartbeats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('worker_host', sa.String(length=255), nullable=True),
    sa.Column('worker_pid', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worker_heartbeats'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('scopes', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('editions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('title_ja', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('venue_ja', sa.String(length=200), nullable=True),
    sa.Column('venue_en', sa.String(length=200), nullable=True),
    sa.Column('venue_address', sa.String(length=300), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('applications_open_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('applications_close_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('booth_capacity', sa.Integer(), nullable=True),
    sa.Column('waitlist_offer_hours', sa.Integer(), nullable=False),
    sa.Column('waitlist_when_full', sa.Boolean(), nullable=False),
    sa.Column('staff_per_unit', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('cancellation_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("format IN ('in_person', 'online', 'hybrid')", name=op.f('ck_editions_format_valid')),
    sa.CheckConstraint("status IN ('draft', 'open', 'closed', 'held', 'cancelled')", name=op.f('ck_editions_status_valid')),
    sa.CheckConstraint('applications_close_at IS NULL OR applications_open_at IS NULL OR applications_close_at > applications_open_at', name=op.f('ck_editions_application_window_order')),
    sa.CheckConstraint('booth_capacity IS NULL OR booth_capacity >= 0', name=op.f('ck_editions_capacity')),
    sa.CheckConstraint('waitlist_offer_hours > 0', name=op.f('ck_editions_waitlist_offer_hours_positive')),
    sa.CheckConstraint('staff_per_unit >= 0', name=op.f('ck_editions_staff_per_unit_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_editions_ends_after_start')),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_editions_series_id_series')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_editions'))
    )
    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.create_index('ix_editions_series_id_fiscal_year', ['series_id', 'fiscal_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_editions_status'), ['status'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_memberships_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
    sa.UniqueConstraint('user_id', 'organisation_id', name=op.f('uq_memberships_user_id_organisation_id'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('role_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('prefecture_code', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(role = 'prefecture_contact') = (prefecture_code IS NOT NULL)", name=op.f('ck_role_grants_prefecture_only_for_contact')),
    sa.CheckConstraint("role IN ('organiser', 'reviewer', 'prefecture_contact', 'gate_staff')", name=op.f('ck_role_grants_role_valid')),
    sa.CheckConstraint('prefecture_code IS NULL OR prefecture_code BETWEEN 1 AND 47', name=op.f('ck_role_grants_prefecture_code_range')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_role_grants_granted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_grants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grants'))
    )
    op.create_index(
        'uq_role_grants_user_role_prefecture',
        'role_grants',
        ['user_id', 'role', sa.text('coalesce(prefecture_code, 0)')],
        unique=True,
    )
    op.create_table('timetable_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title_ja', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=True),
    sa.Column('description_ja', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('seats', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('demonstration', 'hands_on', 'seminar', 'business_meeting')", name=op.f('ck_timetable_sessions_kind_valid')),
    sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name=op.f('ck_timetable_sessions_status_valid')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_timetable_sessions_ends_after_start')),
    sa.CheckConstraint('seats IS NULL OR seats > 0', name=op.f('ck_timetable_sessions_seats_positive')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_timetable_sessions_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_timetable_sessions_organisation_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timetable_sessions'))
    )
    with op.batch_alter_table('timetable_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_timetable_sessions_edition_id_starts_at', ['edition_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_timetable_sessions_organisation_id'), ['organisation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('timetable_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timetable_sessions_organisation_id'))
        batch_op.drop_index('ix_timetable_sessions_edition_id_starts_at')

    op.drop_table('timetable_sessions')
    op.drop_index('uq_role_grants_user_role_prefecture', table_name='role_grants')
    op.drop_table('role_grants')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_organisation_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_editions_status'))
        batch_op.drop_index('ix_editions_series_id_fiscal_year')

    op.drop_table('editions')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('worker_heartbeats')
    op.drop_table('users')
    op.drop_table('series')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index('uq_organisations_corporate_number', postgresql_where=sa.text('corporate_number IS NOT NULL'), sqlite_where=sa.text('corporate_number IS NOT NULL'))

    op.drop_table('organisations')
