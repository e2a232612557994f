"""Issue 14's pages on a 390 px phone, in both languages: the readiness page of a business idea
of a PKH graduate (embryo steps beside the social-investment checklist) and a group's page with
its combined profile."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from tests import factories
from tests.browser.conftest import CHROMIUM, LiveServer
from tests.browser.test_journeys import (
    assert_fits_phone,
    expect_text,
    log_in,
    register,
    screenshot,
    submit,
    switch_to,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Chromium at {CHROMIUM}"),
]


def test_a_business_idea_sees_its_steps_and_the_social_checklist_on_a_phone(
    new_page, live_server: LiveServer
):
    page = new_page()
    register(
        page,
        live_server,
        role="owner",
        name="Ani Lestari",
        organisation="Kue Bu Ani",
        email="ani@example.org",
    )
    page.click("main a[href$='/edit']")
    page.select_option("#legal_form", "perorangan")
    page.select_option("#sector", "food")
    page.fill("#capital", "3.000.000")
    page.fill("#ask_amount", "5.000.000")
    page.fill("#use_of_funds", "Oven kecil dan bahan kue untuk dua bulan")
    page.select_option("#graduated_from", "pkh")
    page.fill("#graduated_on", "2026-03-01")
    submit(page, "#capital")
    readiness_url = page.url.removesuffix("/edit") + "/readiness"

    page.goto(readiness_url)
    expect_text(page.locator("h2 .badge.stage-embrio"), "Ide atau embrio usaha")
    expect_text(page.locator("ol.embryo-steps"), "Sebagai keluarga graduasi PKH")
    expect_text(page.locator("#social"), "Kesiapan investasi sosial")
    assert_fits_phone(page)
    screenshot(page, "readiness-embryo-id")

    switch_to(page, "en")
    expect_text(page.locator("ol.embryo-steps"), "As a PKH (Program Keluarga Harapan) graduate")
    expect_text(page.locator("#social"), "Use of funds: the ask and what the money will buy")
    assert_fits_phone(page)
    screenshot(page, "readiness-embryo-en")


def test_a_groups_combined_profile_fits_a_phone_in_both_languages(
    new_page, live_server: LiveServer
):
    from marketplace.programmes import groups

    with live_server.app.app_context():
        make = factories.Factories(db)
        facilitator = make.facilitator(email="pendamping@example.org")
        programme = make.programme(facilitator, name="Pemberdayaan Kemiskinan Ekstrem")
        cohort = make.cohort(programme)
        group = groups.create_group(
            actor=facilitator, programme=programme, kind="koperasi", name="Koperasi Wanita Mawar"
        )
        for name, turnover in (("Kue Bu Ani", 60_000_000), ("Jahit Bu Rina", 90_000_000)):
            enterprise = make.enterprise(name=name, annual_turnover=turnover, employees=2)
            make.enrol(facilitator, enterprise, cohort=cohort)
            groups.add_member(actor=facilitator, group=group, enterprise=enterprise)
        db.session.commit()
        group_id = group.id
        db.session.remove()

    page = new_page()
    log_in(page, live_server, "pendamping@example.org")
    page.goto(f"/groups/{group_id}")
    expect_text(page.locator("dl.facts"), "Rp150.000.000")
    expect_text(page.locator("main"), "LPDB kini mendahulukan pembiayaan koperasi")
    assert_fits_phone(page)
    screenshot(page, "group-id")

    switch_to(page, "en")
    expect_text(page.locator("main"), "Combined annual turnover")
    expect_text(page.locator("dl.facts"), "Rp150,000,000")
    assert_fits_phone(page)
    screenshot(page, "group-en")
