"""Issue 16's consent and breach pages on a 390 px phone, in Indonesian and English: an owner
withdraws a consent and sees it in the history; an admin records an incident (first with a
mistake), sees the deadline and the drafts, and sends the notices. No page is wider than the
screen; each is saved as a screenshot for a human to look at."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.extensions import db
from marketplace.profiles.models import Enterprise
from tests import factories
from tests.browser.conftest import CHROMIUM
from tests.browser.test_journeys import (
    assert_fits_phone,
    follow,
    log_in,
    press,
    screenshot,
    switch_to,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Chromium at {CHROMIUM}"),
]


def seed(server) -> dict:
    """An owner of a published, woman-led enterprise who shares it, created three days ago."""
    with server.app.app_context():
        make = factories.Factories(db)
        owner = make.user("owner", name="Sri Wahyuningsih", email="sri@warung.example.id")
        enterprise = make.enterprise(
            organisation=owner.organisation,
            published=True,
            name="Warung Makan Bu Sri Wahyuningsih Sumber Rejeki",
            women_led=True,
            share_women_led=True,
            created_by_id=owner.id,
        )
        three_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
        owner.created_at = enterprise.created_at = three_days_ago
        db.session.commit()
        ids = {"owner_email": owner.email, "enterprise_id": enterprise.id}
        db.session.remove()
    return ids


@pytest.mark.parametrize("locale", ["id", "en"])
def test_an_owner_withdraws_a_consent_on_a_phone(new_page, live_server, locale):
    ids = seed(live_server)
    page = new_page()
    log_in(page, live_server, ids["owner_email"])
    switch_to(page, locale)
    page.goto("/account")
    follow(page, "a[href='/privacy/consents']")
    assert_fits_phone(page)
    screenshot(page, f"issue16-consents-{locale}")
    page.click(f"a[href='/privacy/consents/enterprises/{ids['enterprise_id']}']")
    press(page.locator("#consent-share_women_led button"))
    assert page.locator("#consent-share_women_led .badge.ok").count() == 0
    assert "Sri Wahyuningsih" in page.inner_text("table")
    assert_fits_phone(page)
    screenshot(page, f"issue16-enterprise-consents-{locale}")
    with live_server.app.app_context():
        assert not db.session.get(Enterprise, ids["enterprise_id"]).share_women_led
        db.session.remove()


@pytest.mark.parametrize("locale", ["id", "en"])
def test_an_admin_records_a_breach_and_sends_the_notices_on_a_phone(new_page, live_server, locale):
    seed(live_server)
    page = new_page()
    log_in(page, live_server, live_server.admin_email)
    switch_to(page, locale)
    page.goto("/admin/breaches")
    assert_fits_phone(page)
    page.click("a[href='/admin/breaches/new']")
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=7)))
    page.fill("#title", "Ekspor terbuka")
    page.check("#data_kinds-0")
    page.fill("#occurred_from", (now - dt.timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#occurred_until", (now - dt.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#discovered_at", (now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#how_discovered", "Laporan dari peneliti keamanan.")
    page.fill("#what_happened", "")  # forgotten: the form comes back with everything else kept
    page.fill("#handling", "Tautan ekspor dimatikan dan kunci diganti.")
    press(page.locator("form.card button"))
    assert page.locator("#what_happened[aria-invalid=true]").count() == 1
    assert page.input_value("#how_discovered") == "Laporan dari peneliti keamanan."
    assert_fits_phone(page)
    screenshot(page, f"issue16-breach-form-error-{locale}")
    page.fill("#what_happened", "Berkas ekspor dapat diunduh tanpa login selama satu hari.")
    page.locator("form.card button").click()
    page.wait_for_url("**/admin/breaches/*")
    assert "Sri Wahyuningsih" in page.inner_text("#affected")
    assert "Pasal 46" in page.inner_text("#agency-notice")  # Indonesian in both languages
    assert_fits_phone(page)
    screenshot(page, f"issue16-breach-{locale}")
    people = page.locator("#people-notice form.confirm")
    people.locator("input[name=confirm]").check()
    press(people.locator("button"))
    assert "sri@warung.example.id" in page.inner_text("main")
    assert_fits_phone(page)
