"""matching: saved searches and the profiles each was notified of (issue 12)

Revision ID: 0022_saved_searches
Revises: 0021_organisation_members
Create Date: 2026-12-06 01:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_saved_searches'
down_revision = '0021_organisation_members'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saved_searches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('params', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_searches_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_searches')),
    sa.UniqueConstraint('user_id', 'name', name=op.f('uq_saved_searches_user_id_name'))
    )
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_searches_user_id'), ['user_id'], unique=False)

    op.create_table('saved_search_hits',
    sa.Column('saved_search_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_saved_search_hits_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['saved_search_id'], ['saved_searches.id'], name=op.f('fk_saved_search_hits_saved_search_id_saved_searches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('saved_search_id', 'enterprise_id', name=op.f('pk_saved_search_hits'))
    )
    with op.batch_alter_table('saved_search_hits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_search_hits_enterprise_id'), ['enterprise_id'], unique=False)


def downgrade():
    with op.batch_alter_table('saved_search_hits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_search_hits_enterprise_id'))
    op.drop_table('saved_search_hits')
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_searches_user_id'))
    op.drop_table('saved_searches')
