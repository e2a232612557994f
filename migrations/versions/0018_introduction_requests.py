"""matching: enterprises ask verified investor organisations for an introduction

One open request per enterprise and organisation (a partial unique index on pending rows).

Revision ID: 0018_introduction_requests
Revises: 0017_run_progress_reminders
Create Date: 2026-12-06 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_introduction_requests'
down_revision = '0017_run_progress_reminders'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('introduction_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('instrument', sa.String(length=30), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending','accepted','declined')", name=op.f('ck_introduction_requests_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_introduction_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_introduction_requests_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_introduction_requests_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_introduction_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_introduction_requests'))
    )
    with op.batch_alter_table('introduction_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_introduction_requests_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_introduction_requests_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_introduction_requests_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('uq_introduction_requests_open_pair', ['enterprise_id', 'organisation_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))


def downgrade():
    with op.batch_alter_table('introduction_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_introduction_requests_open_pair')
        batch_op.drop_index(batch_op.f('ix_introduction_requests_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_introduction_requests_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_introduction_requests_created_at'))

    op.drop_table('introduction_requests')
