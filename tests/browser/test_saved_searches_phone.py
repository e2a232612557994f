"""Saving a search on a 390 px phone, in both languages: from the search page to the list of
saved searches, with a refused name (already used) that keeps what was typed."""

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
    submit,
    switch_to,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Chromium at {CHROMIUM}"),
]


def test_an_investor_saves_a_search_on_a_phone_in_both_languages(new_page, live_server: LiveServer):
    with live_server.app.app_context():
        factories.Factories(db).investor(email="dewi@modal.example", name="Dewi Investasi")
        db.session.commit()
    page = new_page()
    log_in(page, live_server, "dewi@modal.example")

    page.goto("/search?q=keripik&province=32")
    page.click("#save-search-link")
    page.wait_for_url("**/searches/new?**")
    page.fill("#name", "Keripik Jawa Barat dengan nama yang cukup panjang untuk layar kecil")
    submit(page, "#name")
    page.wait_for_url("**/searches")
    expect_text(page.locator(".flash-success"), "Pencarian disimpan.")
    expect_text(page.locator("article.saved-search"), "“keripik” · Jawa Barat")

    # The same name again: refused, the name typed is still there.
    page.goto("/search?q=keripik&province=32")
    page.click("#save-search-link")
    page.fill("#name", "Keripik Jawa Barat dengan nama yang cukup panjang untuk layar kecil")
    submit(page, "#name")
    expect_text(page.locator("#save-search"), "Anda sudah punya pencarian tersimpan bernama")
    assert page.input_value("#name").startswith("Keripik Jawa Barat")
    assert_fits_phone(page)
    screenshot(page, "saved-searches-id")

    page.goto("/searches")
    switch_to(page, "en")
    expect_text(page.locator("main h1"), "Saved searches")
    page.locator("article.saved-search summary").click()
    assert_fits_phone(page)
    screenshot(page, "saved-searches-en")
