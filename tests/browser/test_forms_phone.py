"""Forms and lists on a 390 px phone, in both languages: a profile form with several wrong
fields shows every error at once with a summary that takes focus, and the cohort page (its
status dropdown included) fits the screen."""

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


def _type_six_wrong_fields(page) -> None:
    page.fill("#name", "")
    page.fill("#capital", "lima juta")
    page.fill("#employees", "3")
    page.fill("#women_employees", "9")
    page.fill("#nik", "12345")
    page.fill("#owner_phone", "12345")
    page.fill("#tenor_months", "999")


def test_the_profile_form_shows_every_error_at_once_on_a_phone(new_page, live_server: LiveServer):
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
    edit_url = page.url
    _type_six_wrong_fields(page)
    submit(page, "#capital")

    summary = page.locator("#error-summary")
    expect_text(summary, "6 masalah perlu diperbaiki")
    assert page.title().startswith("Kesalahan:")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert summary.locator("li a").count() == 6
    for field_id in ("name", "capital", "women_employees", "nik", "owner_phone", "tenor_months"):
        assert page.get_attribute(f"#{field_id}", "aria-invalid") == "true", field_id
    assert page.input_value("#capital") == "lima juta"  # nothing typed is lost
    summary.locator("a[href='#nik']").click()
    assert page.evaluate("document.activeElement.id") == "nik"
    assert_fits_phone(page)
    screenshot(page, "profile-errors-id")

    page.goto(edit_url)
    switch_to(page, "en")
    _type_six_wrong_fields(page)
    submit(page, "#capital")
    expect_text(page.locator("#error-summary"), "6 problems to correct")
    assert page.title().startswith("Error:")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert_fits_phone(page)
    screenshot(page, "profile-errors-en")


def test_the_cohort_page_fits_a_phone_with_its_status_choices(new_page, live_server: LiveServer):
    page = new_page()
    register(
        page,
        live_server,
        role="facilitator",
        name="Fitri Pendamping",
        organisation="Yayasan Damping UMKM",
        email="fitri@example.org",
    )
    page.goto("/programmes/new")
    page.fill("#name", "Program Naik Kelas")
    submit(page, "#name")
    page.locator("main a[href*='/cohorts/new']").first.click()
    page.fill("#name", "Angkatan Jatinegara 2026")
    page.select_option("#province_code", "31")
    page.select_option("#regency_code", "31.75")
    submit(page, "#regency_code")
    page.wait_for_url("**/cohorts/*")
    cohort_url = page.url
    for name in ("Keripik Tempe Bu Sri Rahayu Makmur", "Batik Tulis Pak Joko"):
        page.goto(cohort_url)
        page.fill("#behalf-name", name)
        page.fill("#behalf-owner_phone", "0812 3456 7890")
        submit(page, "#behalf-owner_phone")
    page.goto(cohort_url)
    select = page.locator("select[name=status]").first
    expect_text(page.locator("main"), "Batik Tulis Pak Joko")
    box = select.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # the dropdown is not cut off
    assert_fits_phone(page)
    screenshot(page, "cohort-id")

    switch_to(page, "en")
    box = page.locator("select[name=status]").first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert_fits_phone(page)
    screenshot(page, "cohort-en")
