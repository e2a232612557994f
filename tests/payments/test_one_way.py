"""After the old per-event price: the organiser's hold time and price floor on the tickets
page, the admin's receipt re-send, a flagged order's refund page, and a refunded buyer's
cancelled calendar, over HTTP against the FAKE Stripe transport (no live Stripe call)."""

from __future__ import annotations

import icalendar
import pytest
from sqlalchemy import select

from marketplace import mail
from marketplace.events import registrations, schedules
from marketplace.payments import cancellation, services, tickets
from marketplace.payments.models import TicketOrder
from tests.events.conftest import open_event, pitch_day  # noqa: F401  (fixtures)
from tests.payments.conftest import WEBHOOK_SECRET


@pytest.fixture
def app_config(fake_stripe):
    # The payments tests' FAKE Stripe, and schedule builds run at once (as in tests/events).
    return {
        "STRIPE_SECRET_KEY": "sk_test_fake_temumodal",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_HTTP_CLIENT": fake_stripe,
        "STRIPE_MAX_NETWORK_RETRIES": 0,
        "EVENTS_BUILD_IN_THREAD": False,
        "EVENT_SCHEDULE_TIME_LIMIT_S": 5.0,
    }


def _paid_order(db, fake_stripe, investor, ticket_type):
    order = services.hold_ticket(actor=investor, ticket_type=ticket_type)
    db.session.commit()
    services.open_checkout(order=order, success_url="s", cancel_url="c", locale="id")
    db.session.commit()
    fake_stripe.pay(order.stripe_session_id)
    services.check_order(order=order)
    db.session.commit()
    return order


def test_the_organiser_sets_the_hold_time_and_a_wrong_one_is_kept_with_its_message(
    client, db, login, shop
):
    login(shop.facilitator)
    page = client.get(f"/events/{shop.event.id}/tickets/manage").get_data(as_text=True)
    assert 'name="hold-hold_minutes"' in page and 'value="30"' in page and "Rp10.000" in page

    refused = client.post(f"/events/{shop.event.id}/tickets/hold", data={"hold-hold_minutes": "20"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'id="hold-hold_minutes-error"' in text and 'value="20"' in text

    saved = client.post(f"/events/{shop.event.id}/tickets/hold", data={"hold-hold_minutes": "120"})
    assert saved.status_code == 302 and tickets.hold_minutes(shop.event) == 120
    login(shop.investors[0])
    assert "120" in client.get(f"/events/{shop.event.id}/tickets").get_data(as_text=True)


def test_a_price_under_stripes_minimum_is_refused_on_the_tickets_page(client, db, login, shop):
    login(shop.facilitator)
    response = client.post(
        f"/events/{shop.event.id}/tickets/manage",
        data={"type-name": "Murah", "type-price": "Rp 5 rb", "type-capacity": "1"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="type-price-error"' in page and "Rp10.000" in page and 'value="Rp 5 rb"' in page


def test_an_admin_resends_a_receipt_from_the_order_page(client, db, login, shop, make, fake_stripe):
    order = _paid_order(db, fake_stripe, shop.investors[0], shop.seat)
    admin = make.admin()
    db.session.commit()
    login(admin)
    assert "receipt/resend" in client.get(f"/orders/{order.id}").get_data(as_text=True)
    mail.outbox.clear()

    response = client.post(f"/orders/{order.id}/receipt/resend")

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [shop.investors[0].email]
    assert order.receipt_number in mail.outbox[0].subject
    login(shop.investors[0])
    assert "receipt/resend" not in client.get(f"/orders/{order.id}").get_data(as_text=True)


def test_a_flagged_orders_refund_page_offers_what_stripe_took(client, db, login, shop, fake_stripe):
    order = services.hold_ticket(actor=shop.investors[0], ticket_type=shop.seat)
    db.session.commit()
    services.open_checkout(order=order, success_url="s", cancel_url="c", locale="id")
    db.session.commit()
    fake_stripe.pay(order.stripe_session_id, amount=200_000 * 100)
    services.check_order(order=order)
    db.session.commit()
    login(shop.facilitator)

    page = client.get(f"/orders/{order.id}/refund").get_data(as_text=True)

    assert 'value="200.000"' in page
    too_much = client.post(
        f"/orders/{order.id}/refund", data={"amount": "250.000", "reason": "Selisih"}
    )
    assert too_much.status_code == 422 and "Rp200.000" in too_much.get_data(as_text=True)


def test_a_refunded_buyer_keeps_the_cancelled_calendar_of_a_cancelled_event(
    client, db, login, fake_stripe, request
):
    day = request.getfixturevalue("open_event")
    buyer, free_investor = day.investors
    registrations.cancel_registration(actor=buyer, event=day.event)  # to buy a ticket instead
    seat = tickets.save_ticket_type(
        actor=day.facilitator,
        event=day.event,
        data=tickets.TicketTypeData(name="Kursi investor", price=250_000, capacity=5),
    )
    db.session.commit()
    order = _paid_order(db, fake_stripe, buyer, seat)
    schedules.start_build(actor=day.facilitator, event=day.event)
    db.session.commit()
    schedules.publish(actor=day.facilitator, event=day.event)
    db.session.commit()
    login(buyer)
    before = client.get(f"/events/{day.event.id}/agenda.ics")
    assert before.status_code == 200

    cancellation.cancel_event(actor=day.facilitator, event=day.event, reason="Banjir")
    db.session.commit()

    order = db.session.scalar(select(TicketOrder).where(TicketOrder.id == order.id))
    assert order.status == "refunded" and order.registration.payment_state == "refunded"
    after = client.get(f"/events/{day.event.id}/agenda.ics")
    assert after.status_code == 200
    entries = icalendar.Calendar.from_ical(after.data).walk("VEVENT")
    old = icalendar.Calendar.from_ical(before.data).walk("VEVENT")
    assert [str(e["uid"]) for e in entries] == [str(e["uid"]) for e in old]
    assert entries and all(str(e["status"]) == "CANCELLED" for e in entries)
    page = client.get(f"/events/{day.event.id}").get_data(as_text=True)
    assert "dikembalikan" in page or "refunded" in page
    login(free_investor)  # a free seat is not refunded: still registered, calendar as before
    assert client.get(f"/events/{day.event.id}/agenda.ics").status_code == 200
