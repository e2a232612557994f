"""privacy: rights requests under UU PDP (access, correction, deletion) with their deadlines (issue 16)

Revision ID: 0026_rights_requests
Revises: 0025_consent_history
Create Date: 2026-12-06 03:11:53.353697

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0026_rights_requests"
down_revision = "0025_consent_history"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rights_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=True),
    sa.Column('subject_user_id', sa.Integer(), nullable=True),
    sa.Column('subject_enterprise_id', sa.Integer(), nullable=True),
    sa.Column('on_behalf', sa.Boolean(), nullable=False),
    sa.Column('topic', sa.String(length=20), nullable=True),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('export_key', sa.String(length=80), nullable=True),
    sa.Column('export_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('access', 'correction', 'deletion')", name=op.f('ck_rights_requests_kind')),
    sa.CheckConstraint("status IN ('open', 'done', 'rejected', 'cancelled')", name=op.f('ck_rights_requests_status')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_rights_requests_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_rights_requests_requester_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_enterprise_id'], ['enterprises.id'], name=op.f('fk_rights_requests_subject_enterprise_id_enterprises'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_user_id'], ['users.id'], name=op.f('fk_rights_requests_subject_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rights_requests'))
    )
    with op.batch_alter_table('rights_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rights_requests_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_rights_requests_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_rights_requests_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rights_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_rights_requests_subject_enterprise_id'), ['subject_enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rights_requests_subject_user_id'), ['subject_user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('rights_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rights_requests_subject_user_id'))
        batch_op.drop_index(batch_op.f('ix_rights_requests_subject_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_rights_requests_status'))
        batch_op.drop_index(batch_op.f('ix_rights_requests_requester_id'))
        batch_op.drop_index(batch_op.f('ix_rights_requests_kind'))
        batch_op.drop_index(batch_op.f('ix_rights_requests_due_at'))

    op.drop_table('rights_requests')
