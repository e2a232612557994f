"""payments: ticket types, discount codes, orders, refunds, Stripe events (issue 11)

Ticket orders hold seats for the checkout's lifetime and are settled against Stripe; each
webhook event is stored once (its id the primary key) so a repeat delivery changes nothing.

Revision ID: 0014_ticket_orders
Revises: 0013_financing_facts_2026
Create Date: 2026-12-05 23:47:25.536414

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_ticket_orders'
down_revision = '0013_financing_facts_2026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('webhook_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=True),
    sa.Column('type', sa.String(length=80), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_failures'))
    )
    op.create_table('discount_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('percent_off', sa.Integer(), nullable=False),
    sa.Column('max_uses', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('max_uses >= 1', name=op.f('ck_discount_codes_max_uses_positive')),
    sa.CheckConstraint('percent_off BETWEEN 1 AND 100', name=op.f('ck_discount_codes_percent_off')),
    sa.ForeignKeyConstraint(['event_id'], ['pitch_events.id'], name=op.f('fk_discount_codes_event_id_pitch_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discount_codes')),
    sa.UniqueConstraint('event_id', 'code', name=op.f('uq_discount_codes_event_id_code'))
    )
    with op.batch_alter_table('discount_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discount_codes_event_id'), ['event_id'], unique=False)

    op.create_table('ticket_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('price', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('sale_starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sale_ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_ticket_types_capacity_positive')),
    sa.CheckConstraint('price >= 0', name=op.f('ck_ticket_types_price_non_negative')),
    sa.CheckConstraint('sale_ends_at IS NULL OR sale_starts_at IS NULL OR sale_ends_at > sale_starts_at', name=op.f('ck_ticket_types_sale_window_in_order')),
    sa.ForeignKeyConstraint(['event_id'], ['pitch_events.id'], name=op.f('fk_ticket_types_event_id_pitch_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_types')),
    sa.UniqueConstraint('event_id', 'name', name=op.f('uq_ticket_types_event_id_name'))
    )
    with op.batch_alter_table('ticket_types', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_types_event_id'), ['event_id'], unique=False)

    op.create_table('ticket_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('ticket_type_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('discount_code_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('list_price', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('hold_expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('stripe_session_id', sa.String(length=255), nullable=True),
    sa.Column('checkout_url', sa.Text(), nullable=True),
    sa.Column('stripe_payment_intent_id', sa.String(length=255), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('receipt_number', sa.String(length=40), nullable=True),
    sa.Column('refunded_amount', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending','processing','paid','expired','failed','refund_due','refunded','flagged')", name=op.f('ck_ticket_orders_status')),
    sa.CheckConstraint('amount >= 0 AND list_price >= amount', name=op.f('ck_ticket_orders_amount')),
    sa.CheckConstraint('refunded_amount >= 0 AND refunded_amount <= amount', name=op.f('ck_ticket_orders_refunded')),
    sa.ForeignKeyConstraint(['discount_code_id'], ['discount_codes.id'], name=op.f('fk_ticket_orders_discount_code_id_discount_codes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['pitch_events.id'], name=op.f('fk_ticket_orders_event_id_pitch_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['event_registrations.id'], name=op.f('fk_ticket_orders_registration_id_event_registrations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_type_id'], ['ticket_types.id'], name=op.f('fk_ticket_orders_ticket_type_id_ticket_types'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ticket_orders_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_orders')),
    sa.UniqueConstraint('receipt_number', name=op.f('uq_ticket_orders_receipt_number')),
    sa.UniqueConstraint('stripe_session_id', name=op.f('uq_ticket_orders_stripe_session_id'))
    )
    with op.batch_alter_table('ticket_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_orders_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_orders_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_orders_stripe_payment_intent_id'), ['stripe_payment_intent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_orders_ticket_type_id'), ['ticket_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_orders_user_id'), ['user_id'], unique=False)

    op.create_table('order_refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('stripe_refund_id', sa.String(length=255), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('requested','succeeded','failed')", name=op.f('ck_order_refunds_status')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_order_refunds_amount_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['ticket_orders.id'], name=op.f('fk_order_refunds_order_id_ticket_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_order_refunds_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_refunds')),
    sa.UniqueConstraint('stripe_refund_id', name=op.f('uq_order_refunds_stripe_refund_id'))
    )
    with op.batch_alter_table('order_refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_refunds_order_id'), ['order_id'], unique=False)

    op.create_table('stripe_events',
    sa.Column('id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=80), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['ticket_orders.id'], name=op.f('fk_stripe_events_order_id_ticket_orders'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stripe_events'))
    )
    with op.batch_alter_table('stripe_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stripe_events_order_id'), ['order_id'], unique=False)



def downgrade():
    with op.batch_alter_table('stripe_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stripe_events_order_id'))

    op.drop_table('stripe_events')
    with op.batch_alter_table('order_refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_refunds_order_id'))

    op.drop_table('order_refunds')
    with op.batch_alter_table('ticket_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_orders_user_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_orders_ticket_type_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_orders_stripe_payment_intent_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_orders_status'))
        batch_op.drop_index(batch_op.f('ix_ticket_orders_event_id'))

    op.drop_table('ticket_orders')
    with op.batch_alter_table('ticket_types', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_types_event_id'))

    op.drop_table('ticket_types')
    with op.batch_alter_table('discount_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discount_codes_event_id'))

    op.drop_table('discount_codes')
    op.drop_table('webhook_failures')
