"""The paid-ticket journey in headless Chromium on phones (390×844), in Bahasa Indonesia,
against the FAKE Stripe transport (tests/payments/fake_stripe.py): the facilitator puts an
investor seat on sale (after a mistyped capacity), an investor pays (Stripe Checkout's page is
replaced by the fake's completion), comes back to a paid page and prints the receipt, and the
facilitator refunds the order. No call reaches Stripe."""

from __future__ import annotations

import re

import pytest

from marketplace.events import services as event_services
from marketplace.extensions import db
from tests import factories
from tests.browser.conftest import CHROMIUM, LiveServer
from tests.browser.test_journeys import (
    assert_fits_phone,
    expect_text,
    field_error,
    log_in,
    screenshot,
    submit,
    tr,
)
from tests.events.conftest import event_data
from tests.payments.fake_stripe import FakeStripe

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Chromium at {CHROMIUM}"),
]


def _in_english(page, name: str) -> None:
    """The same page in English fits the phone too (screenshot for a human), then back to id."""
    page.click("form.lang button[value=en]")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert_fits_phone(page)
    screenshot(page, name)
    page.click("form.lang button[value=id]")
    page.wait_for_function("document.documentElement.lang === 'id'")


def _seed(server: LiveServer) -> int:
    with server.app.app_context():
        make = factories.Factories(db)
        facilitator = make.facilitator(email="fitri@action.id", name="Fitri")
        make.investor(email="dana@impact.id", name="Dana")
        event = event_services.save_event(actor=facilitator, data=event_data(capacity=10))
        db.session.commit()
        event_id = event.id
        db.session.remove()
    return event_id


def test_an_investor_pays_for_a_seat_and_the_facilitator_refunds_it(
    live_server: LiveServer, new_page
):
    fake = FakeStripe()
    live_server.app.config.update(
        STRIPE_SECRET_KEY="sk_test_fake_browser",
        STRIPE_WEBHOOK_SECRET="whsec_fake_browser",
        STRIPE_HTTP_CLIENT=fake,
        STRIPE_MAX_NETWORK_RETRIES=0,
    )
    event_id = _seed(live_server)

    organiser = new_page()
    log_in(organiser, live_server, "fitri@action.id")
    organiser.goto(f"/events/{event_id}/tickets/manage")
    organiser.fill("#type-name", "Kursi investor")
    organiser.fill("#type-price", "Rp 250.000")
    organiser.fill("#type-capacity", "50")  # more than the event's 10 seats
    submit(organiser, "#type-name")
    expect_text(field_error(organiser, "type-capacity"), "10")
    assert organiser.input_value("#type-name") == "Kursi investor"  # nothing typed is lost
    organiser.fill("#type-capacity", "5")
    submit(organiser, "#type-name")
    expect_text(organiser.locator("table"), "Kursi investor")
    assert_fits_phone(organiser)
    # The hold time: under Stripe's 30 minutes is refused next to the field, 45 is kept.
    organiser.fill("#hold-hold_minutes", "20")
    submit(organiser, "#hold-hold_minutes")
    expect_text(field_error(organiser, "hold-hold_minutes"), "30")
    assert organiser.input_value("#hold-hold_minutes") == "20"
    organiser.fill("#hold-hold_minutes", "45")
    submit(organiser, "#hold-hold_minutes")
    assert organiser.input_value("#hold-hold_minutes") == "45"
    assert_fits_phone(organiser)

    buyer = new_page()
    # Stripe Checkout cannot be reached from here: the app's redirect to it is caught in the
    # browser and answered with a stand-in page, and the fake plays the buyer paying there.
    sent_to: list[str] = []

    def to_checkout(route):
        response = route.fetch(max_redirects=0)
        sent_to.append(response.headers.get("location", ""))
        route.fulfill(status=200, content_type="text/html", body="<main>Stripe (fake)</main>")

    buyer.route(re.compile(r".*/tickets/\d+/buy$"), to_checkout)
    log_in(buyer, live_server, "dana@impact.id")
    buyer.goto(f"/events/{event_id}/tickets")
    expect_text(buyer.locator("main"), tr(live_server, "Tickets"))
    expect_text(buyer.locator("main"), "45")  # the hold time, told before paying
    assert_fits_phone(buyer)
    screenshot(buyer, "tickets-purchase-id")
    _in_english(buyer, "tickets-purchase-en")
    buyer.locator("form[action$='/buy'] button").click()
    expect_text(buyer.locator("main"), "Stripe (fake)")
    assert sent_to[0].startswith("https://checkout.stripe.com/")
    (session,) = fake.sessions.values()
    fake.pay(session["id"])
    buyer.goto(session["success_url"])

    expect_text(buyer.locator("main"), tr(live_server, "Paid"))
    assert_fits_phone(buyer)
    buyer.get_by_role("link", name=tr(live_server, "Receipt (kuitansi)")).click()
    expect_text(buyer.locator("main"), "KW/")
    expect_text(buyer.locator("main"), "250.000")
    assert_fits_phone(buyer)
    screenshot(buyer, "receipt-id")
    _in_english(buyer, "receipt-en")
    order_path = re.search(r"/orders/\d+", buyer.url).group(0)

    organiser.goto(order_path + "/refund")
    organiser.fill("#reason", "Acara diundur")
    submit(organiser, "#reason")
    expect_text(organiser.locator("main"), tr(live_server, "Refunded"))
    charge = fake.charges[fake.charge_of(session["id"])]
    assert charge["amount_refunded"] == 250_000 * 100
