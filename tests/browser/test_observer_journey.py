"""Observer tickets in headless Chromium on phones (390×844), in Bahasa Indonesia (and each
page once in English for a screenshot): the facilitator adds an observer ticket (after a
mistyped price), an enterprise owner finds the event in their list, takes a free observer
place and sees it on their orders page next to a seat reserved unpaid before tickets existed;
the facilitator sees the owner among the attendees as an observer, cancels the event, and the
owner finds the cancellation among their notifications. No call reaches Stripe."""

from __future__ import annotations

import pytest

from marketplace.events import services as event_services
from marketplace.events.models import EventRegistration
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
from tests.browser.test_ticket_journey import _in_english
from tests.events.conftest import event_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Chromium at {CHROMIUM}"),
]


def _seed(server: LiveServer) -> tuple[int, int]:
    with server.app.app_context():
        make = factories.Factories(db)
        facilitator = make.facilitator(email="fitri@action.id", name="Fitri")
        make.owner(email="sari@tenun.id", name="Sari Tenun")
        investor = make.investor(email="dana@impact.id", name="Dana")
        event = event_services.save_event(actor=facilitator, data=event_data(capacity=10))
        old = event_services.save_event(
            actor=facilitator, data=event_data(title="Hari Pitching lama", capacity=5)
        )
        # A seat registered under the old per-event price, before tickets (migration 0015).
        db.session.add(
            EventRegistration(
                event_id=old.id,
                user_id=investor.id,
                organisation_id=investor.organisation_id,
                status="registered",
                payment_state="pending",
                price=150_000,
            )
        )
        db.session.commit()
        ids = event.id, old.id
        db.session.remove()
    return ids


def test_an_owner_observes_a_pitch_day_and_hears_of_its_cancellation(
    live_server: LiveServer, new_page
):
    event_id, _old_id = _seed(live_server)

    organiser = new_page()
    log_in(organiser, live_server, "fitri@action.id")
    organiser.goto(f"/events/{event_id}/tickets/manage")
    organiser.fill("#type-name", "Pengamat")
    organiser.select_option("#type-kind", "observer")
    organiser.fill("#type-price", "gratis")  # not a number
    organiser.fill("#type-capacity", "3")
    submit(organiser, "#type-name")
    assert field_error(organiser, "type-price").count() == 1
    assert organiser.input_value("#type-kind") == "observer"  # nothing chosen is lost
    organiser.fill("#type-price", "0")
    submit(organiser, "#type-name")
    expect_text(organiser.locator("table"), tr(live_server, "Observers"))
    assert_fits_phone(organiser)
    screenshot(organiser, "observer-manage-id")
    _in_english(organiser, "observer-manage-en")

    owner = new_page()
    log_in(owner, live_server, "sari@tenun.id")
    owner.goto("/events")
    owner.get_by_role("link", name="Hari Pitching ACTION Makassar").click()
    owner.get_by_role("link", name=tr(live_server, "Observer tickets")).click()
    expect_text(owner.locator("main"), "Pengamat")
    assert_fits_phone(owner)
    screenshot(owner, "observer-tickets-id")
    _in_english(owner, "observer-tickets-en")
    owner.get_by_role("button", name=tr(live_server, "Take a free seat")).click()
    expect_text(owner.locator("main"), tr(live_server, "Paid"))
    owner.goto("/orders")
    expect_text(owner.locator("main"), "Hari Pitching ACTION Makassar")
    assert_fits_phone(owner)
    screenshot(owner, "my-orders-id")
    _in_english(owner, "my-orders-en")

    investor = new_page()
    log_in(investor, live_server, "dana@impact.id")
    investor.goto("/orders")
    expect_text(investor.locator("#unpaid-seats"), "Hari Pitching lama")
    expect_text(
        investor.locator("#unpaid-seats"), tr(live_server, "Registered before tickets, unpaid")
    )
    assert_fits_phone(investor)
    screenshot(investor, "orders-unpaid-before-tickets-id")
    _in_english(investor, "orders-unpaid-before-tickets-en")

    organiser.goto(f"/events/{event_id}/orders")
    expect_text(organiser.locator("main"), "Sari Tenun")
    expect_text(organiser.locator("main"), tr(live_server, "Observer"))
    assert_fits_phone(organiser)
    screenshot(organiser, "attendees-id")
    _in_english(organiser, "attendees-en")
    organiser.goto(f"/events/{event_id}/cancel")
    submit(organiser, "#reason")  # no reason given
    assert field_error(organiser, "reason").count() == 1
    organiser.fill("#reason", "Banjir di Makassar")
    submit(organiser, "#reason")
    expect_text(organiser.locator("main"), tr(live_server, "Orders"))

    owner.goto("/notifications")
    expect_text(owner.locator("main"), "Hari Pitching ACTION Makassar")
    assert_fits_phone(owner)
    screenshot(owner, "cancelled-notice-id")
    _in_english(owner, "cancelled-notice-en")
