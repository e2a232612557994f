"""events: judges are invited by e-mail and become judges only when they accept

The organiser's answer no longer depends on whether the address has an account; the invitation
waits for the person behind the address. Judges assigned before this revision stay judges.

Revision ID: 0010_judge_invitations
Revises: 0009_email_confirmation
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_judge_invitations'
down_revision = '0009_email_confirmation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('judge_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('email_key', sa.String(length=254), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending','accepted','declined','withdrawn')", name=op.f('ck_judge_invitations_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_judge_invitations_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['pitch_events.id'], name=op.f('fk_judge_invitations_event_id_pitch_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_judge_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['room_id'], ['event_rooms.id'], name=op.f('fk_judge_invitations_room_id_event_rooms'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judge_invitations'))
    )
    with op.batch_alter_table('judge_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judge_invitations_email_key'), ['email_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_judge_invitations_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('judge_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_judge_invitations_event_id'))
        batch_op.drop_index(batch_op.f('ix_judge_invitations_email_key'))

    op.drop_table('judge_invitations')
