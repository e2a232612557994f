"""versions on records several people edit: enterprises, mandates, pitch events (issue 13)

A save is checked against the version the form was opened at (marketplace.editing), so two
people editing one record never silently overwrite each other.

Revision ID: 0023_edit_versions
Revises: 0022_saved_searches
Create Date: 2026-12-06 01:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_edit_versions'
down_revision = '0022_saved_searches'
branch_labels = None
depends_on = None

TABLES = ('enterprises', 'mandates', 'pitch_events')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column('version', sa.Integer(), server_default='1', nullable=False)
            )


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
