"""Issue 16's deletion on a 390 px phone, in Indonesian and English: an owner asks to delete
their account (first with a wrong password), is logged out, is told at the login page that the
deletion is pending, and cancels it through the mailed link; a facilitator opens the page to
delete a phone-only owner's profile on their behalf. No page is wider than the screen; each is
saved as a screenshot for a human to look at."""

from __future__ import annotations

import re

import pytest

from marketplace import mail
from marketplace.extensions import db
from tests import factories
from tests.browser.conftest import CHROMIUM
from tests.browser.test_journeys import (
    assert_fits_phone,
    follow,
    log_in,
    screenshot,
    submit,
    switch_to,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Chromium at {CHROMIUM}"),
]


def seed(server) -> dict:
    with server.app.app_context():
        make = factories.Factories(db)
        owner = make.user("owner", name="Sri Wahyuningsih", email="sri@warung.example.id")
        make.enterprise(
            organisation=owner.organisation,
            published=True,
            name="Warung Makan Bu Sri Wahyuningsih Sumber Rejeki",
            created_by_id=owner.id,
        )
        from marketplace.programmes import services as programmes

        facilitator = make.facilitator(email="pendamping@action.example.id")
        behalf = programmes.create_enterprise_on_behalf(
            facilitator=facilitator,
            cohort=make.cohort(make.programme(facilitator)),
            name="Warung Bu Tini",
            owner_name="Tini",
            owner_phone="081234567890",
        )
        db.session.commit()
        ids = {
            "owner_email": owner.email,
            "facilitator_email": facilitator.email,
            "behalf": behalf.id,
        }
        db.session.remove()
    return ids


@pytest.mark.parametrize("locale", ["id", "en"])
def test_an_owner_asks_for_deletion_and_cancels_it_on_a_phone(new_page, live_server, locale):
    ids = seed(live_server)
    mail.outbox.clear()
    page = new_page()
    log_in(page, live_server, ids["owner_email"])
    switch_to(page, locale)
    page.goto("/account")
    follow(page, "a[href='/privacy/delete']")
    assert_fits_phone(page)
    screenshot(page, f"issue16-delete-{locale}")

    page.check("#confirm")
    page.fill("#password", "not-my-password")
    submit(page, "#password")
    assert page.locator("#error-summary").is_visible()
    assert page.is_checked("#confirm")  # what was typed is kept
    assert_fits_phone(page)
    screenshot(page, f"issue16-delete-error-{locale}")

    page.fill("#password", live_server.password)
    submit(page, "#password")
    page.wait_for_url("**/login")
    assert_fits_phone(page)
    screenshot(page, f"issue16-delete-requested-{locale}")

    page.fill("#email", ids["owner_email"])
    page.fill("#password", live_server.password)
    submit(page, "#password")
    message = page.locator(".error-summary").inner_text()
    assert ("tautan" if locale == "id" else "link") in message
    screenshot(page, f"issue16-delete-login-refused-{locale}")

    (sent,) = [m for m in mail.outbox if "/privacy/delete/cancel/" in m.body]
    link = re.search(r"(/privacy/delete/cancel/[\w-]+)", sent.body).group(1)
    page.goto(link)
    assert_fits_phone(page)
    screenshot(page, f"issue16-delete-cancel-{locale}")
    page.locator("main form button").last.click()
    page.wait_for_url("**/login")
    log_in(page, live_server, ids["owner_email"])


@pytest.mark.parametrize("locale", ["id", "en"])
def test_a_facilitator_opens_the_deletion_of_a_phone_only_profile(new_page, live_server, locale):
    ids = seed(live_server)
    page = new_page()
    log_in(page, live_server, ids["facilitator_email"])
    switch_to(page, locale)
    page.goto("/privacy/delete")
    follow(page, f"a[href='/privacy/delete/enterprises/{ids['behalf']}']")
    assert_fits_phone(page)
    screenshot(page, f"issue16-delete-behalf-{locale}")
