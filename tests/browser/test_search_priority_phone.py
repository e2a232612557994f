"""A facilitator keeps search to its programme's priority kabupaten/kota on a 390 px phone, from
the search page's own filter (no script), in both languages."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from tests import factories
from tests.browser.conftest import CHROMIUM, LiveServer
from tests.browser.test_journeys import (
    assert_fits_phone,
    expect_text,
    log_in,
    screenshot,
    switch_to,
)
from tests.matching.helpers import published

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Chromium at {CHROMIUM}"),
]


def test_a_facilitator_filters_search_by_priority_areas_on_a_phone(
    new_page, live_server: LiveServer
):
    from marketplace.programmes import groups

    with live_server.app.app_context():
        make = factories.Factories(db)
        published(make, name="Keripik Bogor", province_code="32", regency_code="32.01")
        published(make, name="Keripik Bandung", province_code="32", regency_code="32.73")
        facilitator = make.facilitator(email="rina@pendamping.example", name="Rina")
        programme = make.programme(
            facilitator, name="Penghapusan Kemiskinan Ekstrem Kabupaten Prioritas 2026"
        )
        groups.set_priority_areas(actor=facilitator, programme=programme, regency_codes=["32.01"])
        db.session.commit()
    page = new_page()
    log_in(page, live_server, "rina@pendamping.example")

    page.goto("/search?q=keripik")
    expect_text(page.locator("#search-form"), "Kabupaten/kota prioritas program")
    assert_fits_phone(page)
    page.select_option(
        "#f-priority", label="Penghapusan Kemiskinan Ekstrem Kabupaten Prioritas 2026"
    )
    page.click("#search-button")
    page.wait_for_url("**/search?**priority=**")
    expect_text(page.locator("#result-count"), "1 usaha")
    expect_text(page.locator("main"), "Keripik Bogor")
    assert page.locator("text=Keripik Bandung").count() == 0
    assert_fits_phone(page)
    screenshot(page, "search-priority-id")

    switch_to(page, "en")
    expect_text(page.locator("#search-form"), "Priority kabupaten/kota of a programme")
    assert_fits_phone(page)
    screenshot(page, "search-priority-en")
