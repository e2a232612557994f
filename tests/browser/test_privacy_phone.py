"""Data Saya on a 390 px phone, in Indonesian and English (issue 16): an owner asks for a copy of
their data and downloads it, asks for a correction of a facilitator's attestation (first with
nothing written: the errors show, the choice stays), the facilitator answers it, and the
administrator's queue shows the deadlines with an overdue request flagged."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.extensions import db
from marketplace.models import utcnow
from tests import factories
from tests.browser.conftest import CHROMIUM
from tests.browser.test_journeys import (
    assert_fits_phone,
    follow,
    log_in,
    press,
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
        from marketplace.privacy import requests as services

        make = factories.Factories(db)
        owner = make.owner(name="Sari Wulandari", email="sari@keripik.example.id")
        enterprise = make.enterprise_of(owner)
        enterprise.name = "Keripik Singkong Sari Rasa Makmur Sejahtera"
        facilitator = make.facilitator(name="Dewi Pendamping", email="dewi@ypuk.example.id")
        make.enrol(facilitator, enterprise)
        late_owner = make.owner(name="Budi Santoso", email="budi@warung.example.id")
        late = services.request_correction(
            requester=late_owner, enterprise=None, topic="other", details="Nama saya salah eja."
        )
        late.due_at = utcnow() - dt.timedelta(hours=2)
        db.session.commit()
        ids = {"owner": owner.email, "facilitator": facilitator.email}
        db.session.remove()
    return ids


@pytest.mark.parametrize("locale", ["id", "en"])
def test_data_saya_journey_fits_a_phone(new_page, live_server, locale):
    seeded = seed(live_server)
    page = new_page()
    log_in(page, live_server, seeded["owner"])
    switch_to(page, locale)

    page.goto("/account")
    follow(page, "a[href='/data-saya']")
    assert_fits_phone(page)

    # A correction with nothing written: both errors, the enterprise chosen stays.
    page.select_option("#topic", "attestation")
    submit(page, "#details")
    assert page.locator("#details-error").count() == 1
    assert page.input_value("#topic") == "attestation"
    assert_fits_phone(page)
    page.fill("#details", "Tanggal pernyataan salah: seharusnya 12 Maret 2026.")
    submit(page, "#details")
    assert page.locator(".flash-success").count() == 1

    press(page.locator("form[action$='/data-saya/copy'] button"))
    assert page.locator(".flash-success").count() == 1
    link = page.locator("a[href^='/data-saya/copy/']")
    assert link.count() == 1
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".zip")
    assert_fits_phone(page)
    screenshot(page, f"issue16-data-saya-{locale}")

    helper = new_page()
    log_in(helper, live_server, seeded["facilitator"])
    switch_to(helper, locale)
    helper.goto("/data-saya")
    press(helper.locator("a[href^='/data-saya/requests/']").first)
    assert_fits_phone(helper)
    helper.check("input[name=decision][value=accept]")
    helper.fill("#answer", "Tanggal diperbaiki menjadi 12 Maret 2026.")
    submit(helper, "#answer")
    assert helper.locator(".flash-success").count() == 1
    screenshot(helper, f"issue16-correction-answered-{locale}")

    admin = new_page()
    log_in(admin, live_server, live_server.admin_email)
    switch_to(admin, locale)
    admin.goto("/admin/privacy")
    assert admin.locator("li.card.overdue").count() == 1
    assert_fits_phone(admin)
    screenshot(admin, f"issue16-admin-privacy-{locale}")
