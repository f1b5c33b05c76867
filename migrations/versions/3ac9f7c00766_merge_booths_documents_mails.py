"""Join the booths, documents and outgoing mails branches into one head.

The three were built side by side on top of the applications revision; nothing to change.

Revision ID: 3ac9f7c00766
Revises: 4a03dcbb4049, 87fb73205f6a, f11e2530774a
Create Date: 2026-11-29 13:01:56.418195

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3ac9f7c00766'
down_revision = ('4a03dcbb4049', '87fb73205f6a', 'f11e2530774a')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
