"""jobs: the record of each job handed to the queue, re-queued by the sweep if it is lost

Revision ID: 0011_pending_jobs
Revises: 0010_judge_invitations
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_pending_jobs'
down_revision = '0010_judge_invitations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kwargs', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_jobs'))
    )
    with op.batch_alter_table('pending_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_jobs_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_jobs_created_at'))

    op.drop_table('pending_jobs')
