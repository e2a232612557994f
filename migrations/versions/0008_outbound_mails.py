"""mail: outbound_mails, every e-mail written in the transaction that causes it and delivered
after the commit (retried by `flask mail send-pending`)

Revision ID: 0008_outbound_mails
Revises: 0007_enrolment_consent
Create Date: 2026-12-05 21:56:28.545844

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_outbound_mails'
down_revision = '0007_enrolment_consent'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbound_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('message_id', sa.String(length=250), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued','sending','sent','failed')", name=op.f('ck_outbound_mails_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_mails')),
    sa.UniqueConstraint('key', name=op.f('uq_outbound_mails_key'))
    )
    with op.batch_alter_table('outbound_mails', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_mails_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)



def downgrade():
    with op.batch_alter_table('outbound_mails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_mails_status_next_attempt_at')

    op.drop_table('outbound_mails')
