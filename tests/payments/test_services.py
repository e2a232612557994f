"""Orders against the FAKE Stripe transport: holds, checkout, settling, refunds, the periodic
check. No live Stripe call is made."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from marketplace import mail
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.events import permissions as event_permissions
from marketplace.events import registrations
from marketplace.events.models import EventRegistration
from marketplace.models import utcnow
from marketplace.payments import cancellation, gateway, refunds, services, tickets
from marketplace.payments.models import OrderRefund, TicketOrder
from tests.payments.conftest import PRICE


def _buy(db, shop, investor, *, ticket=None, code="", now=None):
    order = services.hold_ticket(
        actor=investor, ticket_type=ticket or shop.seat, code=code, now=now
    )
    db.session.commit()
    if order.amount:
        services.open_checkout(
            order=order,
            success_url="http://localhost/orders/x?from=stripe",
            cancel_url="http://localhost/orders/x",
            locale="id",
            now=now,
        )
        db.session.commit()
    return order


def _check(db, order, now=None):
    services.check_order(order=order, now=now)
    db.session.commit()
    db.session.refresh(order)
    return order


def test_a_rupiah_is_sent_to_stripe_as_one_hundred_and_read_back_as_one():
    assert gateway.to_minor(250_000) == 25_000_000
    assert gateway.from_minor(25_000_000) == 250_000
    assert gateway.to_minor(1) == 100


def test_buying_holds_a_seat_and_opens_checkout_for_the_price_in_hundredths(db, shop, fake_stripe):
    order = _buy(db, shop, shop.investors[0])

    assert order.status == "pending" and order.amount == PRICE
    assert order.hold_expires_at - order.created_at >= dt.timedelta(minutes=30)
    method, path, params, key = fake_stripe.calls[-1]
    assert (method, path) == ("POST", "/v1/checkout/sessions")
    assert params["line_items[0][price_data][unit_amount]"] == str(PRICE * 100)
    assert params["line_items[0][price_data][currency]"] == "idr"
    assert params["client_reference_id"] == str(order.id)
    assert params["metadata[order_id]"] == str(order.id)
    assert key == f"temumodal-order-{order.id}-attempt-1"
    assert order.checkout_url.startswith("https://checkout.stripe.com/")
    assert tickets.seats_left(shop.seat, now=utcnow()).type_left == 4


def test_paying_by_card_seats_the_buyer_with_a_receipt_and_one_email(db, shop, fake_stripe):
    order = _buy(db, shop, shop.investors[0])
    fake_stripe.pay(order.stripe_session_id)

    _check(db, order)
    _check(db, order)  # the return page reloaded: nothing more happens

    assert order.status == "paid" and order.receipt_number.startswith("KW/")
    registration = db.session.get(EventRegistration, order.registration_id)
    assert registration.status == "registered" and registration.payment_state == "paid"
    assert shop.event.registered_count == 1
    receipts = [m for m in mail.outbox if "receipt" in m.subject or "kuitansi" in m.subject]
    assert len(receipts) == 1 and receipts[0].to == shop.investors[0].email


def test_a_free_ticket_is_seated_at_once_without_stripe(db, shop, fake_stripe):
    order = _buy(db, shop, shop.investors[0], ticket=shop.free)

    assert order.status == "paid" and order.amount == 0 and order.receipt_number
    assert fake_stripe.calls == []


def test_a_waiver_code_makes_the_ticket_free_until_its_uses_run_out(db, shop, fake_stripe):
    tickets.add_discount_code(
        actor=shop.facilitator, event=shop.event, code="pers-2026", percent_off=100, max_uses=1
    )
    db.session.commit()
    first = _buy(db, shop, shop.investors[0], code="PERS-2026")
    assert first.status == "paid" and first.amount == 0 and first.list_price == PRICE

    with pytest.raises(ValidationError) as refused:
        services.hold_ticket(actor=shop.investors[1], ticket_type=shop.seat, code="PERS-2026")
    assert refused.value.field == "code"
    db.session.rollback()
    with pytest.raises(ValidationError):
        services.hold_ticket(actor=shop.investors[1], ticket_type=shop.seat, code="NOPE")


def test_a_discount_code_lowers_the_amount_sent_to_stripe(db, shop, fake_stripe):
    tickets.add_discount_code(
        actor=shop.facilitator, event=shop.event, code="LSM", percent_off=40, max_uses=5
    )
    db.session.commit()
    order = _buy(db, shop, shop.investors[0], code="lsm")

    assert order.amount == 150_000
    assert fake_stripe.calls[-1][2]["line_items[0][price_data][unit_amount]"] == "15000000"


def test_an_expired_hold_frees_its_seat_with_no_job_run(db, shop, fake_stripe):
    start = utcnow()
    _buy(db, shop, shop.investors[0], now=start)

    assert tickets.seats_left(shop.seat, now=start).type_left == 4
    later = start + dt.timedelta(minutes=32)
    assert tickets.seats_left(shop.seat, now=later).type_left == 5


def test_the_last_seat_cannot_be_held_twice(db, make, shop, fake_stripe):
    shop.seat.capacity = 1
    db.session.commit()
    _buy(db, shop, shop.investors[0])
    with pytest.raises(Conflict):
        services.hold_ticket(actor=shop.investors[1], ticket_type=shop.seat)


def test_a_late_payment_for_a_seat_taken_meanwhile_is_refunded_and_the_buyer_told(
    db, shop, fake_stripe
):
    shop.seat.capacity = 1
    db.session.commit()
    start = utcnow() - dt.timedelta(minutes=40)
    late = _buy(db, shop, shop.investors[0], now=start)  # its hold ended 9 minutes ago
    taker = _buy(db, shop, shop.investors[1])
    fake_stripe.pay(taker.stripe_session_id)
    _check(db, taker)
    fake_stripe.pay(late.stripe_session_id)  # the first buyer pays after all

    _check(db, late)

    assert taker.status == "paid"
    assert late.status == "refunded" and late.note == "seat_gone"
    assert late.refunded_amount == PRICE and late.registration_id is None
    refund = db.session.scalar(select(OrderRefund).where(OrderRefund.order_id == late.id))
    assert refund.status == "succeeded" and refund.amount == PRICE
    charge = fake_stripe.charges[fake_stripe.charge_of(late.stripe_session_id)]
    assert charge["amount_refunded"] == PRICE * 100
    told = [m for m in mail.outbox if m.to == shop.investors[0].email]
    assert any("refund" in m.subject.lower() or "dikembalikan" in m.subject for m in told)
    assert shop.event.registered_count == 1


def test_a_late_payment_is_accepted_while_a_seat_is_still_free(db, shop, fake_stripe):
    start = utcnow() - dt.timedelta(minutes=40)
    order = _buy(db, shop, shop.investors[0], now=start)
    _check(db, order)  # the periodic check: the hold is over, Stripe's session still open
    fake_stripe.pay(order.stripe_session_id)

    _check(db, order)

    assert order.status == "paid"


def test_an_amount_other_than_the_orders_is_flagged_not_fulfilled(db, shop, fake_stripe):
    order = _buy(db, shop, shop.investors[0])
    fake_stripe.pay(order.stripe_session_id, amount=100 * 100)

    _check(db, order)

    assert order.status == "flagged" and order.note == "amount_mismatch"
    assert order.registration_id is None and shop.event.registered_count == 0


def test_a_delayed_payment_holds_the_seat_while_processing_then_is_paid(db, shop, fake_stripe):
    start = utcnow() - dt.timedelta(minutes=10)
    order = _buy(db, shop, shop.investors[0], now=start)
    fake_stripe.pay(order.stripe_session_id, delayed=True)
    _check(db, order, now=start + dt.timedelta(minutes=5))
    assert order.status == "processing"
    # Long after the hold's time, the processing order still keeps its seat.
    assert tickets.seats_left(shop.seat, now=start + dt.timedelta(days=2)).type_left == 4

    fake_stripe.settle(order.stripe_session_id, succeed=True)
    _check(db, order)

    assert order.status == "paid"


def test_a_failed_delayed_payment_frees_the_seat(db, shop, fake_stripe):
    order = _buy(db, shop, shop.investors[0])
    fake_stripe.pay(order.stripe_session_id, delayed=True)
    _check(db, order)
    fake_stripe.settle(order.stripe_session_id, succeed=False)

    _check(db, order)

    assert order.status == "failed"
    assert tickets.seats_left(shop.seat, now=utcnow()).type_left == 5


def test_the_periodic_check_settles_an_order_whose_webhook_never_came(app, db, shop, fake_stripe):
    start = utcnow() - dt.timedelta(minutes=45)
    paid = _buy(db, shop, shop.investors[0], now=start)
    fake_stripe.pay(paid.stripe_session_id)
    abandoned = _buy(db, shop, shop.investors[1], now=start)
    fake_stripe.expire(abandoned.stripe_session_id)

    counts = services.check_pending_job()

    db.session.expire_all()
    assert counts == {"paid": 1, "expired": 1}
    assert db.session.get(TicketOrder, paid.id).status == "paid"
    assert db.session.get(TicketOrder, abandoned.id).status == "expired"


def test_stripe_unreachable_when_opening_checkout_releases_the_hold(db, shop, fake_stripe):
    order = services.hold_ticket(actor=shop.investors[0], ticket_type=shop.seat)
    db.session.commit()
    fake_stripe.down = True

    with pytest.raises(Conflict):
        services.open_checkout(order=order, success_url="x", cancel_url="y", locale="id")
    db.session.commit()

    assert order.status == "failed"
    assert tickets.seats_left(shop.seat, now=utcnow()).type_left == 5


def test_a_partial_refund_keeps_the_seat_and_a_full_one_gives_it_back(db, shop, fake_stripe):
    order = _buy(db, shop, shop.investors[0])
    fake_stripe.pay(order.stripe_session_id)
    _check(db, order)

    refunds.request_refund(actor=shop.facilitator, order=order, amount=50_000, reason="Diskon")
    db.session.commit()
    db.session.refresh(order)
    assert order.status == "paid" and order.refunded_amount == 50_000

    with pytest.raises(ValidationError):
        refunds.request_refund(actor=shop.facilitator, order=order, amount=PRICE, reason="Too much")
    db.session.rollback()
    refunds.request_refund(
        actor=shop.facilitator, order=order, amount=PRICE - 50_000, reason="Batal hadir"
    )
    db.session.commit()
    db.session.refresh(order)

    assert order.status == "refunded" and order.refunded_amount == PRICE
    assert db.session.get(EventRegistration, order.registration_id).status == "cancelled"
    assert shop.event.registered_count == 0
    keys = [key for method, path, _, key in fake_stripe.calls if path == "/v1/refunds"]
    assert len(keys) == 2 and all(k.startswith("temumodal-refund-") for k in keys)


def test_a_buyer_cannot_cancel_a_paid_seat_themselves(db, shop, fake_stripe):
    order = _buy(db, shop, shop.investors[0])
    fake_stripe.pay(order.stripe_session_id)
    _check(db, order)

    with pytest.raises(Conflict):
        registrations.cancel_registration(actor=shop.investors[0], event=shop.event)


def test_the_register_button_is_refused_once_an_event_sells_tickets(db, shop):
    with pytest.raises(Conflict):
        registrations.register_investor(actor=shop.investors[0], event=shop.event)


def test_paid_tickets_cannot_go_on_sale_without_stripe(app, db, shop):
    app.config["STRIPE_SECRET_KEY"] = None
    with pytest.raises(ValidationError) as refused:
        tickets.save_ticket_type(
            actor=shop.facilitator,
            event=shop.event,
            data=tickets.TicketTypeData(name="Late seat", price=100_000, capacity=1),
        )
    assert refused.value.field == "price" and "pembayaran online" in str(refused.value.message)


def test_ticket_capacities_stay_within_the_events_seats(db, shop):
    with pytest.raises(ValidationError) as refused:
        tickets.save_ticket_type(
            actor=shop.facilitator,
            event=shop.event,
            data=tickets.TicketTypeData(name="Press", price=0, capacity=3),
        )
    assert refused.value.field == "capacity"


def test_one_buyer_holds_one_ticket_per_event(db, shop, fake_stripe):
    _buy(db, shop, shop.investors[0])
    with pytest.raises(Conflict):
        services.hold_ticket(actor=shop.investors[0], ticket_type=shop.free)
    assert db.session.scalar(select(func.count(TicketOrder.id))) == 1


def test_cancelling_an_event_refunds_every_paid_order_and_tells_everyone(db, shop, fake_stripe):
    paid = _buy(db, shop, shop.investors[0])
    fake_stripe.pay(paid.stripe_session_id)
    _check(db, paid)
    free = _buy(db, shop, shop.investors[1], ticket=shop.free)
    waiting = _buy(db, shop, shop.investors[2])
    mail.outbox.clear()

    refunds = cancellation.cancel_event(actor=shop.facilitator, event=shop.event, reason="Banjir")
    db.session.commit()

    db.session.expire_all()
    assert refunds == 1 and shop.event.status == "cancelled"
    assert db.session.get(TicketOrder, paid.id).status == "refunded"
    assert db.session.get(TicketOrder, paid.id).refunded_amount == PRICE
    assert db.session.get(TicketOrder, free.id).status == "paid"  # nothing to give back
    assert db.session.get(TicketOrder, waiting.id).status == "expired"
    told = {m.to for m in mail.outbox if "Banjir" in m.body}
    assert {shop.investors[0].email, shop.investors[1].email} <= told
    with pytest.raises(Conflict):
        cancellation.cancel_event(actor=shop.facilitator, event=shop.event, reason="Lagi")


def test_a_flagged_order_can_be_refunded_after_looking_at_it(db, shop, fake_stripe):
    order = _buy(db, shop, shop.investors[0])
    fake_stripe.pay(order.stripe_session_id, amount=100 * 100)
    _check(db, order)
    assert order.status == "flagged"

    refunds.request_refund(actor=shop.facilitator, order=order, amount=100, reason="Selisih")
    db.session.commit()

    charge = fake_stripe.charges[fake_stripe.charge_of(order.stripe_session_id)]
    assert charge["amount_refunded"] == 100 * 100


# --- one way to sell a seat, Stripe's minimum, the hold time, what Stripe took ---------------
def test_a_paid_ticket_under_stripes_minimum_charge_is_refused_naming_the_minimum(db, shop):
    with pytest.raises(ValidationError) as refused:
        tickets.save_ticket_type(
            actor=shop.facilitator,
            event=shop.event,
            data=tickets.TicketTypeData(name="Murah", price=5_000, capacity=1),
        )
    assert refused.value.field == "price" and "Rp10.000" in str(refused.value.message)
    cheapest = tickets.save_ticket_type(
        actor=shop.facilitator,
        event=shop.event,
        data=tickets.TicketTypeData(name="Murah", price=10_000, capacity=1),
    )
    assert cheapest.price == 10_000


def test_the_minimum_charge_can_be_set_for_the_stripe_account(app, db, shop):
    app.config["TICKET_MIN_PRICE_IDR"] = 20_000
    with pytest.raises(ValidationError) as refused:
        tickets.save_ticket_type(
            actor=shop.facilitator,
            event=shop.event,
            data=tickets.TicketTypeData(name="Murah", price=15_000, capacity=1),
        )
    assert "Rp20.000" in str(refused.value.message)


def test_a_discount_never_takes_a_paid_ticket_under_stripes_minimum(db, shop):
    code = tickets.add_discount_code(
        actor=shop.facilitator, event=shop.event, code="LSM90", percent_off=90, max_uses=5
    )
    assert tickets.price_with_code(250_000, code) == 25_000
    assert tickets.price_with_code(50_000, code) == 10_000  # 5.000 would be under the minimum
    assert tickets.price_with_code(8_000, code) == 8_000  # never more than the list price


def test_the_seat_is_held_for_the_checkouts_whole_life_at_least_stripes_30_minutes(
    db, shop, fake_stripe
):
    start = utcnow()
    order = _buy(db, shop, shop.investors[0], now=start)

    session = fake_stripe.sessions[order.stripe_session_id]
    assert session["expires_at"] >= int((start + dt.timedelta(minutes=30)).timestamp())
    assert int(order.hold_expires_at.timestamp()) == session["expires_at"]


def test_an_organiser_sets_the_hold_time_within_stripes_bounds(db, shop, fake_stripe):
    for minutes in (29, 1441, None):
        with pytest.raises(ValidationError) as refused:
            tickets.set_hold_minutes(actor=shop.facilitator, event=shop.event, minutes=minutes)
        assert refused.value.field == "hold_minutes"
    with pytest.raises(PermissionDenied):
        tickets.set_hold_minutes(actor=shop.investors[0], event=shop.event, minutes=60)

    tickets.set_hold_minutes(actor=shop.facilitator, event=shop.event, minutes=90)
    db.session.commit()
    start = utcnow()
    order = _buy(db, shop, shop.investors[0], now=start)

    assert tickets.hold_minutes(shop.event) == 90
    held = order.hold_expires_at.replace(tzinfo=dt.UTC) - start
    assert dt.timedelta(minutes=90) <= held < dt.timedelta(minutes=91)
    session = fake_stripe.sessions[order.stripe_session_id]
    assert session["expires_at"] == int(order.hold_expires_at.timestamp())


def test_a_flagged_order_is_refunded_at_most_what_stripe_took(db, shop, fake_stripe):
    order = _buy(db, shop, shop.investors[0])
    fake_stripe.pay(order.stripe_session_id, amount=200_000 * 100)  # less than the order
    _check(db, order)
    assert order.status == "flagged"

    with pytest.raises(ValidationError) as refused:
        refunds.request_refund(actor=shop.facilitator, order=order, amount=PRICE, reason="x")
    assert refused.value.field == "amount" and "200.000" in str(refused.value.message)
    db.session.rollback()
    refunds.request_refund(actor=shop.facilitator, order=order, amount=200_000, reason="Selisih")
    db.session.commit()
    db.session.refresh(order)

    assert order.amount_received == 200_000
    assert order.status == "refunded" and order.refunded_amount == 200_000
    charge = fake_stripe.charges[fake_stripe.charge_of(order.stripe_session_id)]
    assert charge["amount_refunded"] == charge["amount"] == 200_000 * 100


def test_a_flagged_order_that_took_more_than_its_price_can_be_refunded_all_of_it(
    db, shop, fake_stripe
):
    order = _buy(db, shop, shop.investors[0])
    fake_stripe.pay(order.stripe_session_id, amount=300_000 * 100)
    _check(db, order)

    refunds.request_refund(actor=shop.facilitator, order=order, amount=300_000, reason="Lebih")
    db.session.commit()
    db.session.refresh(order)

    assert order.status == "refunded" and order.refunded_amount == 300_000 > order.amount


def test_an_admin_sends_the_receipt_again_and_only_an_admin(db, shop, fake_stripe, make):
    order = _buy(db, shop, shop.investors[0])
    fake_stripe.pay(order.stripe_session_id)
    _check(db, order)
    receipts = [m for m in mail.outbox if order.receipt_number in m.subject]
    assert len(receipts) == 1

    with pytest.raises(PermissionDenied):
        services.resend_receipt(actor=shop.facilitator, order=order)
    admin = make.admin()
    services.resend_receipt(actor=admin, order=order)
    services.resend_receipt(actor=admin, order=order)
    db.session.commit()

    receipts = [m for m in mail.outbox if order.receipt_number in m.subject]
    assert len(receipts) == 3 and {m.to for m in receipts} == {shop.investors[0].email}
    unpaid = _buy(db, shop, shop.investors[1])
    with pytest.raises(Conflict):
        services.resend_receipt(actor=admin, order=unpaid)


def test_after_a_cancellation_a_refunded_buyers_registration_says_refunded(db, shop, fake_stripe):
    order = _buy(db, shop, shop.investors[0])
    fake_stripe.pay(order.stripe_session_id)
    _check(db, order)

    cancellation.cancel_event(actor=shop.facilitator, event=shop.event, reason="Banjir")
    db.session.commit()
    db.session.expire_all()

    registration = db.session.get(EventRegistration, order.registration_id)
    assert (registration.status, registration.payment_state) == ("cancelled", "refunded")
    assert shop.event.registered_count == 0
    assert event_permissions.had_seat_at_cancelled_event(shop.investors[0], shop.event)
    assert not event_permissions.had_seat_at_cancelled_event(shop.investors[1], shop.event)
