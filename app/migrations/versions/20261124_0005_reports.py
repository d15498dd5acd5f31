"""advice reports: committee assignments, committee links, committee decisions

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-24 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('committee_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_committee_assignments_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_committee_assignments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_assignments')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_committee_assignments_event_id'))
    )
    with op.batch_alter_table('committee_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_assignments_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_committee_assignments_user_id'), ['user_id'], unique=False)

    op.create_table('committee_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_committee_links_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_committee_links_token_hash'))
    )
    with op.batch_alter_table('committee_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_links_event_id'), ['event_id'], unique=False)

    op.create_table('committee_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('bidder_id', sa.Integer(), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=254), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['bidder_id'], ['bidders.id'], name=op.f('fk_committee_decisions_bidder_id_bidders'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_committee_decisions_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_decisions')),
    sa.UniqueConstraint('event_id', name=op.f('uq_committee_decisions_event_id'))
    )


def downgrade():
    op.drop_table('committee_decisions')
    with op.batch_alter_table('committee_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_links_event_id'))
    op.drop_table('committee_links')
    with op.batch_alter_table('committee_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_assignments_user_id'))
        batch_op.drop_index(batch_op.f('ix_committee_assignments_event_id'))
    op.drop_table('committee_assignments')
