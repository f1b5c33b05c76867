"""Bookings of hands-on slots and business meetings; calendar feeds, schedule items, feed tokens.

Reviewed by hand: one live booking per attendee and session is a partial unique index (a
cancelled booking stays as history and does not block booking again).

Revision ID: 5e1c0a7d3b21
Revises: cd67e8afc346
Create Date: 2026-11-30 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1c0a7d3b21'
down_revision = 'cd67e8afc346'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('booked', 'cancelled')", name=op.f('ck_bookings_status_valid')),
    sa.CheckConstraint('seats > 0', name=op.f('ck_bookings_seats_positive')),
    sa.CheckConstraint("(status = 'cancelled') = (cancelled_at IS NOT NULL)", name=op.f('ck_bookings_cancelled_at_iff_cancelled')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_bookings_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['timetable_sessions.id'], name=op.f('fk_bookings_session_id_timetable_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_bookings_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bookings_edition_id'), ['edition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index('uq_bookings_live_per_registration', ['session_id', 'registration_id'], unique=True, postgresql_where=sa.text("status = 'booked'"), sqlite_where=sa.text("status = 'booked'"))

    op.create_table('edition_schedule_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note_ja', sa.String(length=200), nullable=True),
    sa.Column('note_en', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('opening', 'setup', 'teardown')", name=op.f('ck_edition_schedule_items_kind_valid')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_edition_schedule_items_ends_after_start')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_edition_schedule_items_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_edition_schedule_items'))
    )
    with op.batch_alter_table('edition_schedule_items', schema=None) as batch_op:
        batch_op.create_index('ix_edition_schedule_items_edition_id_starts_at', ['edition_id', 'starts_at'], unique=False)

    op.create_table('calendar_feed_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("lang IN ('ja', 'en')", name=op.f('ck_calendar_feed_tokens_lang_valid')),
    sa.CheckConstraint('(organisation_id IS NULL) <> (registration_id IS NULL)', name=op.f('ck_calendar_feed_tokens_one_subject')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_calendar_feed_tokens_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_calendar_feed_tokens_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_calendar_feed_tokens_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_tokens_token_hash'))
    )
    with op.batch_alter_table('calendar_feed_tokens', schema=None) as batch_op:
        batch_op.create_index('uq_calendar_feed_tokens_live_organisation', ['organisation_id'], unique=True, postgresql_where=sa.text('revoked_at IS NULL AND organisation_id IS NOT NULL'), sqlite_where=sa.text('revoked_at IS NULL AND organisation_id IS NOT NULL'))
        batch_op.create_index('uq_calendar_feed_tokens_live_registration', ['registration_id'], unique=True, postgresql_where=sa.text('revoked_at IS NULL AND registration_id IS NOT NULL'), sqlite_where=sa.text('revoked_at IS NULL AND registration_id IS NOT NULL'))

    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('fiscal_year', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('session_kinds', sa.String(length=80), nullable=True),
    sa.Column('body', sa.LargeBinary(), nullable=True),
    sa.Column('body_gzip', sa.LargeBinary(), nullable=True),
    sa.Column('etag', sa.String(length=64), nullable=True),
    sa.Column('last_modified', sa.DateTime(timezone=True), nullable=True),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('build_count', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('built_generation', sa.Integer(), nullable=False),
    sa.Column('stale_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('edition', 'series', 'programme', 'exhibitor', 'attendee')", name=op.f('ck_calendar_feeds_kind_valid')),
    sa.CheckConstraint("lang IN ('ja', 'en')", name=op.f('ck_calendar_feeds_lang_valid')),
    sa.CheckConstraint('built_generation <= generation', name=op.f('ck_calendar_feeds_built_not_ahead')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_calendar_feeds_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_calendar_feeds_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_calendar_feeds_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_calendar_feeds_series_id_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('key', name=op.f('uq_calendar_feeds_key'))
    )
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feeds_fiscal_year'), ['fiscal_year'], unique=False)
        batch_op.create_index('ix_calendar_feeds_kind_edition_id', ['kind', 'edition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_feeds_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_feeds_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_feeds_series_id'), ['series_id'], unique=False)


def downgrade():
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feeds_series_id'))
        batch_op.drop_index(batch_op.f('ix_calendar_feeds_registration_id'))
        batch_op.drop_index(batch_op.f('ix_calendar_feeds_organisation_id'))
        batch_op.drop_index('ix_calendar_feeds_kind_edition_id')
        batch_op.drop_index(batch_op.f('ix_calendar_feeds_fiscal_year'))

    op.drop_table('calendar_feeds')
    with op.batch_alter_table('calendar_feed_tokens', schema=None) as batch_op:
        batch_op.drop_index('uq_calendar_feed_tokens_live_registration', postgresql_where=sa.text('revoked_at IS NULL AND registration_id IS NOT NULL'), sqlite_where=sa.text('revoked_at IS NULL AND registration_id IS NOT NULL'))
        batch_op.drop_index('uq_calendar_feed_tokens_live_organisation', postgresql_where=sa.text('revoked_at IS NULL AND organisation_id IS NOT NULL'), sqlite_where=sa.text('revoked_at IS NULL AND organisation_id IS NOT NULL'))

    op.drop_table('calendar_feed_tokens')
    with op.batch_alter_table('edition_schedule_items', schema=None) as batch_op:
        batch_op.drop_index('ix_edition_schedule_items_edition_id_starts_at')

    op.drop_table('edition_schedule_items')

    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_bookings_live_per_registration', postgresql_where=sa.text("status = 'booked'"), sqlite_where=sa.text("status = 'booked'"))
        batch_op.drop_index(batch_op.f('ix_bookings_registration_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_session_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_edition_id'))

    op.drop_table('bookings')
