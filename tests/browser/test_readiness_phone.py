"""The readiness page of a food business after the halal deadline, on a 390 px phone, in both
languages: it fits the screen, says halal is overdue, and lists the rules it applies."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHROMIUM, LiveServer
from tests.browser.test_journeys import (
    assert_fits_phone,
    expect_text,
    register,
    screenshot,
    submit,
    switch_to,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Chromium at {CHROMIUM}"),
]


def test_the_readiness_page_of_a_food_business_fits_a_phone_in_both_languages(
    new_page, live_server: LiveServer
):
    page = new_page()
    register(
        page,
        live_server,
        role="owner",
        name="Sri Wahyuni",
        organisation="Keripik Tempe Sri",
        email="sri@example.org",
    )
    page.click("main a[href$='/edit']")
    page.select_option("#legal_form", "perorangan")
    page.select_option("#sector", "food")
    page.fill("#founded_on", "2023-01-15")
    page.fill("#capital", "15.000.000")
    page.fill("#annual_turnover", "120.000.000")
    page.fill("#ask_amount", "8.000.000")
    page.check("#in_business_group")
    submit(page, "#capital")
    edit_url = page.url
    readiness_url = edit_url.removesuffix("/edit") + "/readiness"

    page.goto(readiness_url)
    # The page assesses on the real date, which is after 18 October 2026 from now on; the rule's
    # own tests pin the day before, on and after.
    expect_text(page.locator("ul.checklist").first, "Terlambat: sertifikasi halal wajib")
    expect_text(page.locator("ul.rules"), "PP 42/2024 pasal 160")
    assert_fits_phone(page)
    screenshot(page, "readiness-food-id")

    switch_to(page, "en")
    expect_text(page.locator("ul.rules"), "PP 42/2024 art. 160")
    expect_text(page.locator("ul.checklist").first, "Overdue: halal certification")
    assert_fits_phone(page)
    screenshot(page, "readiness-food-en")
