"""payments: one way to sell a seat; hold time per event; refunds capped by what Stripe took

- every event with the old per-event `ticket_price` gets a ticket type of that price (named
  "Kursi investor", all the event's seats) and the column is dropped: seats are sold through
  ticket types only. Registrations made under the old price keep payment_state 'pending'
  (they were never charged; the organiser sees them as "registered before tickets, unpaid");
- event_registrations.payment_state may be 'refunded' (a ticket holder given the money back);
- ticket_settings: the hold time per event (30 minutes to 24 hours, Stripe's bounds);
- ticket_orders.amount_received: what Stripe took, which caps a flagged order's refunds.

Revision ID: 0015_one_way_to_sell_a_seat
Revises: 0014_ticket_orders
Create Date: 2026-12-06 00:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_one_way_to_sell_a_seat'
down_revision = '0014_ticket_orders'
branch_labels = None
depends_on = None

LEGACY_TICKET_NAME = 'Kursi investor'


def upgrade():
    op.create_table('ticket_settings',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('hold_minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('hold_minutes BETWEEN 30 AND 1440', name=op.f('ck_ticket_settings_hold_minutes')),
    sa.ForeignKeyConstraint(['event_id'], ['pitch_events.id'], name=op.f('fk_ticket_settings_event_id_pitch_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_ticket_settings'))
    )
    # The data: a priced event becomes an event with one ticket type of that price, unless the
    # organiser already set ticket types (then theirs stand and the old price goes).
    op.execute(sa.text(
        "INSERT INTO ticket_types (event_id, name, price, currency, capacity, created_at, updated_at) "
        "SELECT e.id, :name, e.ticket_price, e.currency, "
        "CASE WHEN e.capacity < 1 THEN 1 ELSE e.capacity END, "
        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM pitch_events e "
        "WHERE e.ticket_price > 0 "
        "AND NOT EXISTS (SELECT 1 FROM ticket_types t WHERE t.event_id = e.id)"
    ).bindparams(name=LEGACY_TICKET_NAME))
    with op.batch_alter_table('pitch_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_pitch_events_price_non_negative'), type_='check')
        batch_op.drop_column('ticket_price')
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_registrations_payment'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_event_registrations_payment'), "payment_state IN ('not_required','pending','paid','refunded')"
        )
    with op.batch_alter_table('ticket_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('amount_received', sa.BigInteger(), nullable=True))
        batch_op.drop_constraint(op.f('ck_ticket_orders_refunded'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_ticket_orders_refunded'),
            'refunded_amount >= 0 AND (refunded_amount <= amount '
            'OR refunded_amount <= amount_received)',
        )


def downgrade():
    with op.batch_alter_table('ticket_orders', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ticket_orders_refunded'), type_='check')
        batch_op.drop_column('amount_received')
        batch_op.create_check_constraint(
            op.f('ck_ticket_orders_refunded'), 'refunded_amount >= 0 AND refunded_amount <= amount'
        )
    op.execute("UPDATE event_registrations SET payment_state = 'paid' WHERE payment_state = 'refunded'")
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_registrations_payment'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_event_registrations_payment'), "payment_state IN ('not_required','pending','paid')"
        )
    with op.batch_alter_table('pitch_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ticket_price', sa.BigInteger(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_pitch_events_price_non_negative'), 'ticket_price IS NULL OR ticket_price >= 0'
        )
    # Back to one price per event: the migrated ticket type's.
    op.execute(sa.text(
        "UPDATE pitch_events SET ticket_price = (SELECT MAX(t.price) FROM ticket_types t "
        "WHERE t.event_id = pitch_events.id AND t.name = :name)"
    ).bindparams(name=LEGACY_TICKET_NAME))
    op.drop_table('ticket_settings')
