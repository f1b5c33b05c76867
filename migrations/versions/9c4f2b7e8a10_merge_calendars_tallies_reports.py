"""Join the calendars, bookings and tallies branch with the results report branch.

Both were built side by side on top of the passes revision; nothing to change.

Revision ID: 9c4f2b7e8a10
Revises: 6a2d4f8e1c30, 7b3e5a9f2d41
Create Date: 2026-11-29 15:35:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c4f2b7e8a10'
down_revision = ('6a2d4f8e1c30', '7b3e5a9f2d41')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
