"""events: a schedule run's last sign of life; the reminders sent before an event (issue 10)

`schedule_runs.progress_at` lets the sweep tell a build whose worker died from a slow one;
`event_reminders` records who was reminded of which event, once each.

Revision ID: 0017_run_progress_reminders
Revises: 0016_notification_settings
Create Date: 2026-12-06 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_run_progress_reminders'
down_revision = '0016_notification_settings'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('schedule_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('progress_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('event_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['pitch_events.id'], name=op.f('fk_event_reminders_event_id_pitch_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_reminders_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_reminders')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_event_reminders_event_id_user_id'))
    )
    with op.batch_alter_table('event_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_reminders_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_reminders_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('event_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_reminders_user_id'))
        batch_op.drop_index(batch_op.f('ix_event_reminders_event_id'))

    op.drop_table('event_reminders')
    with op.batch_alter_table('schedule_runs', schema=None) as batch_op:
        batch_op.drop_column('progress_at')
