"""Results report: entered figures of past editions, report builds and their files.

Written by hand: past_edition_figures keeps one row per series, fiscal year and edition
number (the CSV import's key); report_builds allows one queued or running build per fiscal
year through a partial unique index; report_outputs holds each build's files.

Revision ID: 7b3e5a9f2d41
Revises: cd67e8afc346
Create Date: 2026-11-29 15:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b3e5a9f2d41'
down_revision = 'cd67e8afc346'
branch_labels = None
depends_on = None

ACTIVE = "status IN ('queued', 'running')"


def upgrade():
    op.create_table('past_edition_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('edition_no', sa.Integer(), nullable=False),
    sa.Column('held_from', sa.Date(), nullable=True),
    sa.Column('held_until', sa.Date(), nullable=True),
    sa.Column('venue_ja', sa.String(length=200), nullable=True),
    sa.Column('venue_en', sa.String(length=200), nullable=True),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('cancellation_reason_ja', sa.Text(), nullable=True),
    sa.Column('cancellation_reason_en', sa.Text(), nullable=True),
    sa.Column('exhibitors', sa.Integer(), nullable=True),
    sa.Column('prefecture_codes', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('prefectures_printed', sa.String(length=20), nullable=True),
    sa.Column('municipalities_ja', sa.String(length=40), nullable=True),
    sa.Column('visitors', sa.Integer(), nullable=True),
    sa.Column('visitors_approximate', sa.Boolean(), nullable=False),
    sa.Column('online_participants', sa.Integer(), nullable=True),
    sa.Column('online_participants_approximate', sa.Boolean(), nullable=False),
    sa.Column('business_meetings', sa.Integer(), nullable=True),
    sa.Column('note_ja', sa.Text(), nullable=True),
    sa.Column('note_en', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("format IN ('in_person', 'online', 'hybrid')", name=op.f('ck_past_edition_figures_format_valid')),
    sa.CheckConstraint("status IN ('held', 'cancelled')", name=op.f('ck_past_edition_figures_status_valid')),
    sa.CheckConstraint('edition_no >= 1', name=op.f('ck_past_edition_figures_edition_no_positive')),
    sa.CheckConstraint('held_until IS NULL OR (held_from IS NOT NULL AND held_until >= held_from)', name=op.f('ck_past_edition_figures_held_until_after_from')),
    sa.CheckConstraint("status <> 'cancelled' OR cancellation_reason_ja IS NOT NULL", name=op.f('ck_past_edition_figures_cancelled_has_reason')),
    sa.CheckConstraint('prefecture_codes IS NULL OR prefectures_printed IS NULL', name=op.f('ck_past_edition_figures_one_prefecture_form')),
    sa.CheckConstraint('(exhibitors IS NULL OR exhibitors >= 0) AND (visitors IS NULL OR visitors >= 0) AND (online_participants IS NULL OR online_participants >= 0) AND (business_meetings IS NULL OR business_meetings >= 0)', name=op.f('ck_past_edition_figures_counts_not_negative')),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_past_edition_figures_series_id_series')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_past_edition_figures')),
    sa.UniqueConstraint('series_id', 'fiscal_year', 'edition_no', name=op.f('uq_past_edition_figures_series_id_fiscal_year_edition_no'))
    )
    op.create_table('report_builds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('progress_done', sa.Integer(), nullable=False),
    sa.Column('progress_total', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_report_builds_status_valid')),
    sa.CheckConstraint('progress_done >= 0 AND progress_total >= 0 AND progress_done <= progress_total', name=op.f('ck_report_builds_progress_in_range')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_report_builds_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_builds'))
    )
    with op.batch_alter_table('report_builds', schema=None) as batch_op:
        batch_op.create_index('ix_report_builds_active_fiscal_year', ['fiscal_year'], unique=True, postgresql_where=sa.text(ACTIVE), sqlite_where=sa.text(ACTIVE))

    op.create_table('report_outputs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('build_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['build_id'], ['report_builds.id'], name=op.f('fk_report_outputs_build_id_report_builds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_outputs')),
    sa.UniqueConstraint('build_id', 'name', name=op.f('uq_report_outputs_build_id_name'))
    )


def downgrade():
    op.drop_table('report_outputs')
    with op.batch_alter_table('report_builds', schema=None) as batch_op:
        batch_op.drop_index('ix_report_builds_active_fiscal_year', postgresql_where=sa.text(ACTIVE), sqlite_where=sa.text(ACTIVE))

    op.drop_table('report_builds')
    op.drop_table('past_edition_figures')
