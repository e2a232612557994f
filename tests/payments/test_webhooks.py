"""Stripe's webhook against the FAKE Stripe transport: authenticity (QUALITY.md), exactly
once, any order of events. Payloads are signed locally with Stripe's scheme."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from sqlalchemy import func, select

from marketplace import mail
from marketplace.mail.models import OutboundMail
from marketplace.payments import services
from marketplace.payments.models import StripeEvent, TicketOrder
from tests.payments.conftest import PRICE, post_webhook
from tests.payments.fake_stripe import sign


def _order(db, shop, fake_stripe, investor=None):
    order = services.hold_ticket(actor=investor or shop.investors[0], ticket_type=shop.seat)
    db.session.commit()
    services.open_checkout(order=order, success_url="s", cancel_url="c", locale="id")
    db.session.commit()
    return order


def _state(db, order_id):
    db.session.expire_all()
    order = db.session.get(TicketOrder, order_id)
    return order.status, order.refunded_amount, order.registration_id is not None


@pytest.mark.parametrize("problem", ["missing", "wrong secret", "stale", "tampered", "not json"])
def test_a_webhook_without_a_good_signature_is_refused_and_changes_nothing(
    client, db, shop, fake_stripe, problem
):
    order = _order(db, shop, fake_stripe)
    fake_stripe.pay(order.stripe_session_id)
    payload = fake_stripe.event("checkout.session.completed", order.stripe_session_id)
    headers = {"Content-Type": "application/json"}
    if problem == "wrong secret":
        headers["Stripe-Signature"] = sign(payload, "whsec_someone_else")
    elif problem == "stale":
        headers["Stripe-Signature"] = sign(
            payload, client.application.config["STRIPE_WEBHOOK_SECRET"], int(time.time()) - 301
        )
    elif problem == "tampered":
        headers["Stripe-Signature"] = sign(
            payload, client.application.config["STRIPE_WEBHOOK_SECRET"]
        )
        payload = payload.replace(b"checkout.session.completed", b"checkout.session.expired")
    elif problem == "not json":
        payload = b"not json at all"
        headers["Stripe-Signature"] = sign(
            payload, client.application.config["STRIPE_WEBHOOK_SECRET"]
        )

    response = client.post("/payments/stripe/webhook", data=payload, headers=headers)

    assert response.status_code == 400
    assert _state(db, order.id) == ("pending", 0, False)
    assert db.session.scalar(select(func.count()).select_from(StripeEvent)) == 0


def test_the_same_event_ten_times_in_a_row_fulfils_once(client, db, shop, fake_stripe):
    order = _order(db, shop, fake_stripe)
    fake_stripe.pay(order.stripe_session_id)
    payload = fake_stripe.event("checkout.session.completed", order.stripe_session_id)

    statuses = [post_webhook(client, payload).status_code for _ in range(10)]

    assert statuses == [200] * 10
    assert _state(db, order.id) == ("paid", 0, True)
    assert db.session.scalar(select(func.count()).select_from(StripeEvent)) == 1
    receipts = db.session.scalar(
        select(func.count()).select_from(OutboundMail).where(OutboundMail.key.like("order-%"))
    )
    assert receipts == 1 and len(mail.outbox) == 1


def test_the_same_event_ten_times_at_once_fulfils_once(app, db, shop, fake_stripe):
    order = _order(db, shop, fake_stripe)
    fake_stripe.pay(order.stripe_session_id)
    payload = fake_stripe.event("checkout.session.completed", order.stripe_session_id)
    barrier = threading.Barrier(10)
    statuses: list[int] = []

    def deliver():
        client = app.test_client()
        barrier.wait(timeout=30)
        statuses.append(post_webhook(client, payload).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # A delivery that could not get the lock in time is answered 503 for Stripe to retry; none
    # may fail otherwise, and the order is fulfilled exactly once.
    assert len(statuses) == 10 and set(statuses) <= {200, 503} and 200 in statuses
    assert _state(db, order.id) == ("paid", 0, True)
    assert shop.event.registered_count == 1
    assert db.session.scalar(select(func.count()).select_from(OutboundMail)) == 1


FOUR = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.expired",
    "charge.refunded",
)


@pytest.mark.parametrize("order_of_events", list(itertools.permutations(FOUR)))
def test_four_events_in_any_order_end_in_the_state_stripe_says(
    client, db, shop, fake_stripe, order_of_events
):
    """Stripe's objects at the end: the session paid, its charge refunded in full. Whatever
    order the four events come in, the order ends refunded with its seat given back."""
    order = _order(db, shop, fake_stripe)
    fake_stripe.pay(order.stripe_session_id)
    charge = fake_stripe.refund_on_dashboard(order.stripe_session_id)

    for type_ in order_of_events:
        object_id = charge if type_.startswith("charge.") else order.stripe_session_id
        assert post_webhook(client, fake_stripe.event(type_, object_id)).status_code == 200

    assert _state(db, order.id) == ("refunded", PRICE, order.registration_id is not None)
    assert shop.event.registered_count == 0


def test_a_refund_made_on_stripes_dashboard_reaches_the_order(client, db, shop, fake_stripe):
    order = _order(db, shop, fake_stripe)
    fake_stripe.pay(order.stripe_session_id)
    post_webhook(client, fake_stripe.event("checkout.session.completed", order.stripe_session_id))
    charge = fake_stripe.refund_on_dashboard(order.stripe_session_id, amount=100_000 * 100)

    post_webhook(client, fake_stripe.event("charge.refunded", charge))

    assert _state(db, order.id) == ("paid", 100_000, True)


def test_stripe_unreachable_while_handling_answers_503_and_is_handled_on_retry(
    client, db, shop, fake_stripe
):
    order = _order(db, shop, fake_stripe)
    fake_stripe.pay(order.stripe_session_id)
    payload = fake_stripe.event("checkout.session.completed", order.stripe_session_id)
    fake_stripe.down = True

    assert post_webhook(client, payload).status_code == 503
    assert _state(db, order.id) == ("pending", 0, False)

    fake_stripe.down = False
    assert post_webhook(client, payload).status_code == 200
    assert _state(db, order.id) == ("paid", 0, True)


def test_an_event_for_a_session_that_is_not_ours_is_acknowledged(client, db, shop, fake_stripe):
    payload = fake_stripe.event("checkout.session.completed", "cs_someone_elses")
    assert post_webhook(client, payload).status_code == 200
    payload = fake_stripe.event("customer.created", "cus_1")
    assert post_webhook(client, payload).status_code == 200
