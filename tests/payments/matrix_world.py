"""The tickets of the access matrix's world (tests/test_access_matrix.py).

Event {ev} gets a free "Observer" ticket type ({tt}, kind investor), and investor I (registered
already) an order ({order}) recorded as paid by Stripe with a refund that failed ({refund}). A
second event of F, {oev}, offers observer places ({ott}, free): any confirmed account may see it
and buy one. The order is written directly: the matrix world makes no call to Stripe, fake or
real.
"""

from __future__ import annotations

import datetime as dt

from marketplace.events.models import PitchEvent
from marketplace.models import utcnow
from marketplace.payments import tickets
from marketplace.payments.models import OrderRefund, TicketOrder


def build_payments_world(db, *, facilitator, investor, event_id: int) -> dict[str, int]:
    """Create the rows and return the ids the policy's paths name. Flushes, never commits."""
    event = db.session.get(PitchEvent, event_id)
    ticket_type = tickets.save_ticket_type(
        actor=facilitator,
        event=event,
        data=tickets.TicketTypeData(name="Observer", price=0, capacity=2),
    )
    now = utcnow()
    order = TicketOrder(
        event_id=event.id,
        ticket_type_id=ticket_type.id,
        user_id=investor.id,
        status="paid",
        list_price=150_000,
        amount=150_000,
        currency="IDR",
        hold_expires_at=now + dt.timedelta(minutes=31),
        stripe_session_id="cs_matrix_world",
        stripe_payment_intent_id="pi_matrix_world",
        paid_at=now,
        receipt_number="KW/MATRIX/000001",
    )
    db.session.add(order)
    db.session.flush()
    refund = OrderRefund(order_id=order.id, amount=10_000, reason="matrix", status="failed")
    db.session.add(refund)
    db.session.flush()
    from marketplace.events import services as event_services
    from tests.events.conftest import event_data

    observed = event_services.save_event(
        actor=facilitator, data=event_data(title="Hari Pitching terbuka", capacity=6)
    )
    observer_type = tickets.save_ticket_type(
        actor=facilitator,
        event=observed,
        data=tickets.TicketTypeData(name="Pengamat", price=0, capacity=4, kind="observer"),
    )
    return {
        "tt": ticket_type.id,
        "order": order.id,
        "refund": refund.id,
        "oev": observed.id,
        "ott": observer_type.id,
    }
