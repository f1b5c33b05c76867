"""Exhibitor applications, their transitions, prefecture quotas and exhibitor staff.

Reviewed by hand: one active application per organisation and edition is a partial unique
index (rejected and withdrawn ones do not count), on SQLite and PostgreSQL alike.

Revision ID: 2a820a621d9c
Revises: b3320b061193
Create Date: 2026-11-29 12:25:36.175499
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2a820a621d9c'
down_revision = 'b3320b061193'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=True),
    sa.Column('contact_name_kana', sa.String(length=100), nullable=True),
    sa.Column('contact_title', sa.String(length=100), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('summary_ja', sa.Text(), nullable=True),
    sa.Column('summary_en', sa.Text(), nullable=True),
    sa.Column('products', sa.Text(), nullable=True),
    sa.Column('industry_category', sa.String(length=40), nullable=True),
    sa.Column('booth_type', sa.String(length=20), nullable=True),
    sa.Column('booth_units', sa.Integer(), nullable=True),
    sa.Column('co_exhibitors', sa.JSON(), nullable=False),
    sa.Column('will_sell', sa.Boolean(), nullable=False),
    sa.Column('needs_electricity', sa.Boolean(), nullable=False),
    sa.Column('heavy_items', sa.Boolean(), nullable=False),
    sa.Column('terms_accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('series_fields', sa.JSON(), nullable=False),
    sa.Column('recommending_prefecture_code', sa.Integer(), nullable=True),
    sa.Column('endorsed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('endorsed_by_id', sa.Integer(), nullable=True),
    sa.Column('offer_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'under_review', 'approved', 'rejected', 'waitlisted', 'offered', 'withdrawn', 'offer_expired')", name=op.f('ck_applications_status_valid')),
    sa.CheckConstraint('booth_units IS NULL OR booth_units >= 1', name=op.f('ck_applications_booth_units_positive')),
    sa.CheckConstraint('recommending_prefecture_code IS NULL OR recommending_prefecture_code BETWEEN 1 AND 47', name=op.f('ck_applications_recommending_prefecture_code_range')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_applications_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['endorsed_by_id'], ['users.id'], name=op.f('fk_applications_endorsed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_applications_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_edition_id_status', ['edition_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_recommending_prefecture_code'), ['recommending_prefecture_code'], unique=False)
        batch_op.create_index('uq_applications_active_per_organisation', ['edition_id', 'organisation_id'], unique=True, postgresql_where=sa.text("status NOT IN ('rejected', 'withdrawn', 'offer_expired')"), sqlite_where=sa.text("status NOT IN ('rejected', 'withdrawn', 'offer_expired')"))

    op.create_table('application_transitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_application_transitions_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_transitions_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_transitions'))
    )
    with op.batch_alter_table('application_transitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_transitions_application_id'), ['application_id'], unique=False)

    op.create_table('prefecture_quotas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('prefecture_code', sa.Integer(), nullable=False),
    sa.Column('max_endorsements', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_endorsements >= 0', name=op.f('ck_prefecture_quotas_max_endorsements_positive')),
    sa.CheckConstraint('prefecture_code BETWEEN 1 AND 47', name=op.f('ck_prefecture_quotas_prefecture_code_range')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_prefecture_quotas_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prefecture_quotas')),
    sa.UniqueConstraint('edition_id', 'prefecture_code', name=op.f('uq_prefecture_quotas_edition_id_prefecture_code'))
    )
    op.create_table('staff_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_kana', sa.String(length=100), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('email_key', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_staff_members_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_members')),
    sa.UniqueConstraint('application_id', 'email_key', name=op.f('uq_staff_members_application_id_email_key'))
    )
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_members_application_id'), ['application_id'], unique=False)



def downgrade():
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_members_application_id'))

    op.drop_table('staff_members')
    op.drop_table('prefecture_quotas')
    with op.batch_alter_table('application_transitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_transitions_application_id'))

    op.drop_table('application_transitions')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('uq_applications_active_per_organisation', postgresql_where=sa.text("status NOT IN ('rejected', 'withdrawn', 'offer_expired')"), sqlite_where=sa.text("status NOT IN ('rejected', 'withdrawn', 'offer_expired')"))
        batch_op.drop_index(batch_op.f('ix_applications_recommending_prefecture_code'))
        batch_op.drop_index(batch_op.f('ix_applications_organisation_id'))
        batch_op.drop_index('ix_applications_edition_id_status')

    op.drop_table('applications')
