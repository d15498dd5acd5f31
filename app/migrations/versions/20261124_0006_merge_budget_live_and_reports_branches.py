"""merge budget, live and reports branches

Revision ID: 0006
Revises: 0003, 0004, 0005
Create Date: 2026-11-24 04:35:52.993201

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = ('0003', '0004', '0005')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
