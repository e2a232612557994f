"""Payments tests: the FAKE Stripe transport (tests/payments/fake_stripe.py) plugged into the
real StripeClient, an event of facilitator F with a paid and a free ticket, and investors."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest

from marketplace.events import services as event_services
from marketplace.payments import tickets
from tests.events.conftest import event_data
from tests.payments.fake_stripe import FakeStripe, sign

WEBHOOK_SECRET = "whsec_test_fake_temumodal"
PRICE = 250_000


@pytest.fixture
def fake_stripe():
    return FakeStripe()


@pytest.fixture
def app_config(fake_stripe):
    return {
        "STRIPE_SECRET_KEY": "sk_test_fake_temumodal",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_HTTP_CLIENT": fake_stripe,
        "STRIPE_MAX_NETWORK_RETRIES": 0,
    }


@dataclass
class Shop:
    facilitator: object
    event: object
    seat: object  # the paid "Investor seat"
    free: object  # the free "Observer" ticket
    investors: list


@pytest.fixture
def shop(db, make):
    facilitator = make.facilitator()
    event = event_services.save_event(actor=facilitator, data=event_data(capacity=10))
    seat = tickets.save_ticket_type(
        actor=facilitator,
        event=event,
        data=tickets.TicketTypeData(name="Investor seat", price=PRICE, capacity=5),
    )
    free = tickets.save_ticket_type(
        actor=facilitator,
        event=event,
        data=tickets.TicketTypeData(name="Observer", price=0, capacity=3),
    )
    investors = [make.investor() for _ in range(3)]
    db.session.commit()
    return Shop(facilitator, event, seat, free, investors)


def post_webhook(client, payload: bytes, *, secret: str = WEBHOOK_SECRET, timestamp=None):
    return client.post(
        "/payments/stripe/webhook",
        data=payload,
        headers={
            "Stripe-Signature": sign(payload, secret, timestamp),
            "Content-Type": "application/json",
        },
    )


def event_id_of(payload: bytes) -> str:
    return json.loads(payload)["id"]


NOW = dt.datetime(2026, 8, 1, 3, 0, tzinfo=dt.UTC)
