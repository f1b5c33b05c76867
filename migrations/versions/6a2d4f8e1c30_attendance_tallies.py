"""Attendance tallies: an edition's stored figures and breakdowns, the passes seen entering
that the incremental recompute keeps, online participation and closed deals; indexes on
scans (undos) and registrations (per attendee type).

Reviewed by hand: tally_passes has no foreign keys on purpose (a full recompute inserts
hundreds of thousands of rows, and a referential check per row would cost more than the
tally); the scans and registrations indexes are added, no column of either table changes.
Deals may come from a booking, so this revision follows the bookings revision.

Revision ID: 6a2d4f8e1c30
Revises: 5e1c0a7d3b21
Create Date: 2026-11-30 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6a2d4f8e1c30'
down_revision = '5e1c0a7d3b21'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('edition_tallies',
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('watermark', BigId, nullable=False),
    sa.Column('exhibitors', sa.Integer(), nullable=False),
    sa.Column('exhibitors_present', sa.Integer(), nullable=False),
    sa.Column('municipalities', sa.Integer(), nullable=False),
    sa.Column('booth_units', sa.Integer(), nullable=False),
    sa.Column('registrations', sa.Integer(), nullable=False),
    sa.Column('visitors', sa.Integer(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('online_participants', sa.Integer(), nullable=True),
    sa.Column('business_meetings', sa.Integer(), nullable=False),
    sa.Column('deals', sa.Integer(), nullable=True),
    sa.Column('hands_on_seats_used', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('full_computed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('full_requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_edition_tallies_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('edition_id', name=op.f('pk_edition_tallies'))
    )
    with op.batch_alter_table('edition_tallies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_edition_tallies_full_requested_at'), ['full_requested_at'], unique=False)

    op.create_table('tally_breakdowns',
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=24), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.CheckConstraint("dimension IN ('visitors', 'entries', 'visitor_day', 'entry_hour', 'visitor_gate', 'visitor_type', 'visitor_prefecture', 'organisation_kind', 'exhibitor_prefecture', 'registration_type')", name=op.f('ck_tally_breakdowns_dimension_valid')),
    sa.ForeignKeyConstraint(['edition_id'], ['edition_tallies.edition_id'], name=op.f('fk_tally_breakdowns_edition_id_edition_tallies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('edition_id', 'dimension', 'key', name=op.f('pk_tally_breakdowns'))
    )
    op.create_table('tally_passes',
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('pass_id', sa.Integer(), nullable=False),
    sa.Column('staff', sa.Boolean(), nullable=False),
    sa.Column('attendee_type', sa.String(length=20), nullable=True),
    sa.Column('prefecture_code', sa.Integer(), nullable=True),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('edition_id', 'pass_id', name=op.f('pk_tally_passes'))
    )
    op.create_table('online_participations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("source IN ('organiser', 'platform')", name=op.f('ck_online_participations_source_valid')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_online_participations_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_online_participations_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_online_participations')),
    sa.UniqueConstraint('registration_id', 'day', name=op.f('uq_online_participations_registration_id_day'))
    )
    with op.batch_alter_table('online_participations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_online_participations_edition_id'), ['edition_id'], unique=False)

    op.create_table('deals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('amount_yen', sa.BigInteger(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(lead_id IS NULL) <> (booking_id IS NULL)', name=op.f('ck_deals_one_origin')),
    sa.CheckConstraint('amount_yen IS NULL OR amount_yen >= 0', name=op.f('ck_deals_amount_positive')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_deals_booking_id_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_deals_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_deals_lead_id_leads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_deals_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deals')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_deals_booking_id')),
    sa.UniqueConstraint('lead_id', name=op.f('uq_deals_lead_id'))
    )
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deals_edition_id'), ['edition_id'], unique=False)

    # New indexes on scans and registrations; neither table is altered (no batch copy on SQLite).
    op.create_index(
        'ix_scans_edition_id_undo', 'scans', ['edition_id', 'id'], unique=False,
        postgresql_where=sa.text('undoes_id IS NOT NULL'),
        sqlite_where=sa.text('undoes_id IS NOT NULL'),
    )
    op.create_index(
        'ix_registrations_edition_id_attendee_type', 'registrations',
        ['edition_id', 'attendee_type'], unique=False,
    )


def downgrade():
    op.drop_index('ix_registrations_edition_id_attendee_type', table_name='registrations')
    op.drop_index('ix_scans_edition_id_undo', table_name='scans')
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deals_edition_id'))

    op.drop_table('deals')
    with op.batch_alter_table('online_participations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_online_participations_edition_id'))

    op.drop_table('online_participations')
    op.drop_table('tally_passes')
    op.drop_table('tally_breakdowns')
    with op.batch_alter_table('edition_tallies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_edition_tallies_full_requested_at'))

    op.drop_table('edition_tallies')
