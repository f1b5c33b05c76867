"""Attendee registrations, QR passes, signing keys, gates, devices, scans and leads.

Reviewed by hand: scans.id is a bigint on PostgreSQL (millions of scans a year), and an
every-row CHECK keeps a pass tied to exactly one holder, and revoked_tokens keeps no foreign
key to passes: a revocation must outlive the pass it revokes (offline scanners still hold it).

Revision ID: cd67e8afc346
Revises: 3ac9f7c00766
Create Date: 2026-11-29 13:12:17.759466

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cd67e8afc346'
down_revision = '3ac9f7c00766'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('gates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('name_ja', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_gates_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gates')),
    sa.UniqueConstraint('edition_id', 'name_ja', name=op.f('uq_gates_edition_id_name_ja'))
    )
    with op.batch_alter_table('gates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gates_edition_id'), ['edition_id'], unique=False)

    op.create_table('pass_settings',
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('registration_capacity', sa.Integer(), nullable=True),
    sa.Column('capacity_by_type', sa.JSON(), nullable=False),
    sa.Column('reentry_allowed', sa.Boolean(), nullable=False),
    sa.Column('auto_exit_at_close', sa.Boolean(), nullable=False),
    sa.CheckConstraint('registration_capacity IS NULL OR registration_capacity >= 0', name=op.f('ck_pass_settings_registration_capacity_positive')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_pass_settings_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('edition_id', name=op.f('pk_pass_settings'))
    )
    op.create_table('registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_kana', sa.String(length=100), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('email_key', sa.String(length=254), nullable=False),
    sa.Column('organisation_name', sa.String(length=200), nullable=True),
    sa.Column('prefecture_code', sa.Integer(), nullable=True),
    sa.Column('attendee_type', sa.String(length=20), nullable=False),
    sa.Column('terms_accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('shares_contact', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("attendee_type IN ('general', 'buyer', 'press', 'exhibitor_staff', 'vip')", name=op.f('ck_registrations_attendee_type_valid')),
    sa.CheckConstraint('prefecture_code IS NULL OR prefecture_code BETWEEN 1 AND 47', name=op.f('ck_registrations_prefecture_code_range')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_registrations_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations')),
    sa.UniqueConstraint('edition_id', 'email_key', name=op.f('uq_registrations_edition_id_email_key'))
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registrations_edition_id'), ['edition_id'], unique=False)

    op.create_table('signing_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('private_key_encrypted', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_signing_keys_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_keys')),
    sa.UniqueConstraint('edition_id', 'key_id', name=op.f('uq_signing_keys_edition_id_key_id'))
    )
    with op.batch_alter_table('signing_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signing_keys_edition_id'), ['edition_id'], unique=False)

    op.create_table('gate_devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('gate_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_gate_devices_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gate_id'], ['gates.id'], name=op.f('fk_gate_devices_gate_id_gates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_devices')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_gate_devices_token_hash'))
    )
    with op.batch_alter_table('gate_devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_devices_edition_id'), ['edition_id'], unique=False)

    op.create_table('leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('scanned_by_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating IS NULL OR rating BETWEEN 1 AND 5', name=op.f('ck_leads_rating_range')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_leads_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_leads_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scanned_by_id'], ['users.id'], name=op.f('fk_leads_scanned_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads')),
    sa.UniqueConstraint('application_id', 'registration_id', name=op.f('uq_leads_application_id_registration_id'))
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leads_application_id'), ['application_id'], unique=False)

    op.create_table('passes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('staff_member_id', sa.Integer(), nullable=True),
    sa.Column('holder_name', sa.String(length=100), nullable=False),
    sa.Column('holder_email', sa.String(length=254), nullable=False),
    sa.Column('valid_days', sa.JSON(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=200), nullable=True),
    sa.Column('key_id', sa.String(length=16), nullable=True),
    sa.Column('qr_png', sa.LargeBinary(), nullable=True),
    sa.Column('qr_svg', sa.Text(), nullable=True),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('general', 'buyer', 'press', 'exhibitor_staff', 'vip')", name=op.f('ck_passes_kind_valid')),
    sa.CheckConstraint("state IN ('pending', 'issued', 'revoked')", name=op.f('ck_passes_state_valid')),
    sa.CheckConstraint('(registration_id IS NULL) <> (staff_member_id IS NULL)', name=op.f('ck_passes_one_holder')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_passes_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_passes_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_member_id'], ['staff_members.id'], name=op.f('fk_passes_staff_member_id_staff_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passes')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_passes_registration_id')),
    sa.UniqueConstraint('staff_member_id', name=op.f('uq_passes_staff_member_id'))
    )
    with op.batch_alter_table('passes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passes_edition_id'), ['edition_id'], unique=False)
        batch_op.create_index('ix_passes_state_queued_at', ['state', 'queued_at'], unique=False)

    op.create_table('presences',
    sa.Column('pass_id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('inside', sa.Boolean(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('first_entry_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_change_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_presences_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pass_id'], ['passes.id'], name=op.f('fk_presences_pass_id_passes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pass_id', name=op.f('pk_presences'))
    )
    with op.batch_alter_table('presences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_presences_edition_id'), ['edition_id'], unique=False)

    op.create_table('revoked_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('pass_id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_revoked_tokens_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revoked_tokens')),
    sa.UniqueConstraint('pass_id', 'serial', name=op.f('uq_revoked_tokens_pass_id_serial'))
    )
    with op.batch_alter_table('revoked_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revoked_tokens_edition_id'), ['edition_id'], unique=False)

    op.create_table('scans',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('pass_id', sa.Integer(), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('gate_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=True),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('undoes_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint("direction IN ('entry', 'exit')", name=op.f('ck_scans_direction_valid')),
    sa.CheckConstraint("result IN ('admitted', 'reentry_admitted', 'already_inside', 'exited', 'not_inside', 'not_valid_today', 'revoked', 'wrong_edition', 'reentry_refused', 'unknown', 'forged')", name=op.f('ck_scans_result_valid')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_scans_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['device_id'], ['gate_devices.id'], name=op.f('fk_scans_device_id_gate_devices'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_scans_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gate_id'], ['gates.id'], name=op.f('fk_scans_gate_id_gates'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pass_id'], ['passes.id'], name=op.f('fk_scans_pass_id_passes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['undoes_id'], ['scans.id'], name=op.f('fk_scans_undoes_id_scans'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scans')),
    sa.UniqueConstraint('device_id', 'nonce', name=op.f('uq_scans_device_id_nonce')),
    sa.UniqueConstraint('undoes_id', name=op.f('uq_scans_undoes_id'))
    )
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.create_index('ix_scans_edition_id_id', ['edition_id', 'id'], unique=False)
        batch_op.create_index('ix_scans_pass_id_scanned_at', ['pass_id', 'scanned_at'], unique=False)



def downgrade():
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_index('ix_scans_pass_id_scanned_at')
        batch_op.drop_index('ix_scans_edition_id_id')

    op.drop_table('scans')
    with op.batch_alter_table('revoked_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revoked_tokens_edition_id'))

    op.drop_table('revoked_tokens')
    with op.batch_alter_table('presences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_presences_edition_id'))

    op.drop_table('presences')
    with op.batch_alter_table('passes', schema=None) as batch_op:
        batch_op.drop_index('ix_passes_state_queued_at')
        batch_op.drop_index(batch_op.f('ix_passes_edition_id'))

    op.drop_table('passes')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leads_application_id'))

    op.drop_table('leads')
    with op.batch_alter_table('gate_devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_devices_edition_id'))

    op.drop_table('gate_devices')
    with op.batch_alter_table('signing_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signing_keys_edition_id'))

    op.drop_table('signing_keys')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrations_edition_id'))

    op.drop_table('registrations')
    op.drop_table('pass_settings')
    with op.batch_alter_table('gates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gates_edition_id'))

    op.drop_table('gates')
