"""privacy: retention period per event, purge moment, archived ballot exports

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_days', sa.Integer(), server_default='90', nullable=False))
        batch_op.add_column(sa.Column('purged_at', sa.DateTime(), nullable=True))

    op.create_table('ballot_archives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('ballots_csv', sa.Text(), nullable=False),
    sa.Column('manifest_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_ballot_archives_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_archives')),
    sa.UniqueConstraint('event_id', name=op.f('uq_ballot_archives_event_id'))
    )


def downgrade():
    op.drop_table('ballot_archives')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('purged_at')
        batch_op.drop_column('retention_days')
