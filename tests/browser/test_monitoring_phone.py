"""Monitoring on a 390 px phone, in Indonesian and English (issue 15): a facilitator sets a
programme target (first with a malformed period: the error shows beside its field and the figures
typed stay), opens the dashboard and downloads the donor workbook; an owner whose check-in is
due reaches the check-in from their dashboard ("Lapor perkembangan") and files one."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from marketplace.extensions import db
from marketplace.monitoring import targets
from marketplace.programmes import groups
from tests import factories
from tests.browser.conftest import CHROMIUM
from tests.browser.test_journeys import (
    ARTIFACTS,
    assert_fits_phone,
    expect_text,
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
        facilitator = make.facilitator(name="Dewi Pendamping", email="dewi@ypuk.example.id")
        programme = make.programme(facilitator)
        cohort = make.cohort(programme, name="Angkatan 1")
        owner = make.owner(name="Sari Wulandari", email="sari@keripik.example.id")
        enterprise = make.enterprise_of(owner)
        enterprise.name = "Keripik Singkong Sari Rasa Makmur Sejahtera"
        make.enrol(facilitator, enterprise, cohort=cohort)
        for n in range(6):
            make.enrol(facilitator, make.enterprise(name=f"Usaha {n + 1}"), cohort=cohort)
        groups.set_priority_areas(
            actor=facilitator, programme=programme, regency_codes=["32.01", "52.03"]
        )
        # A target whose label and figures are long, in rupiah: its chart label must wrap.
        targets.set_target(
            actor=facilitator,
            programme=programme,
            indicator="finance_mobilised",
            period="2026-Q4",
            target=2_500_000_000,
        )
        db.session.commit()
        ids = {
            "facilitator": facilitator.email,
            "owner": owner.email,
            "programme": programme.id,
            "enterprise": enterprise.id,
        }
        db.session.remove()
    return ids


@pytest.mark.parametrize("locale", ["id", "en"])
def test_targets_dashboard_workbook_and_check_in_fit_a_phone(new_page, live_server, locale):
    seeded = seed(live_server)
    page = new_page()
    log_in(page, live_server, seeded["facilitator"])
    switch_to(page, locale)

    page.goto(f"/programmes/{seeded['programme']}")
    follow(page, f"a[href='/programmes/{seeded['programme']}/monitoring']")
    assert_fits_phone(page)

    # A period that is no period: the error beside it, the figures typed kept.
    page.locator("details:has(#period) summary").click()
    page.select_option("#indicator", "bankable")
    page.fill("#period", "2026-Q5")
    page.fill("#target", "50")
    submit(page, "#period")
    assert page.locator("#period-error").count() == 1
    assert page.input_value("#target") == "50"
    assert page.input_value("#indicator") == "bankable"
    assert_fits_phone(page)
    screenshot(page, f"issue15-target-error-{locale}")
    page.fill("#period", "2026")
    submit(page, "#period")
    assert page.locator(".flash-success").count() == 1
    assert page.locator("#period-error").count() == 0
    assert_fits_phone(page)
    screenshot(page, f"issue15-dashboard-{locale}")
    assert_charts_readable(page)
    # Targets against actuals: one card per target on a phone, each figure under its column's
    # name (no header row whose words break mid-word).
    targets = page.locator("#targets table.stack")
    assert targets.locator("tr.head").is_hidden()
    card = targets.locator("tr:not(.head)").first
    assert card.locator("td[data-label]").count() == 5
    labels = card.evaluate(
        "row => [...row.querySelectorAll('td[data-label]')].map("
        "td => getComputedStyle(td, '::before').content)"
    )
    assert labels[0].strip('"') == ("Periode" if locale == "id" else "Period")
    box = card.bounding_box()
    assert box["width"] <= 390
    page.locator("#targets").screenshot(path=str(ARTIFACTS / f"issue15-targets-{locale}.png"))

    with page.expect_download() as download:
        page.click(f"a[href='/programmes/{seeded['programme']}/monitoring/report.xlsx']")
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    indicators = list(book.worksheets[0].iter_rows(values_only=True))
    bankable = next(row for row in indicators if row[1] == "bankable")
    assert 50 in bankable  # the target just set, beside its period's actual

    # The programme's priority kabupaten/kota: every figure for the enterprises there only.
    with page.expect_navigation():
        page.click("#areas a")
    assert page.url.endswith("/monitoring?areas=priority")
    expect_text(page.locator("#areas strong"), "2")
    assert_fits_phone(page)
    page.locator("#areas").screenshot(path=str(ARTIFACTS / f"issue14-areas-{locale}.png"))

    owner = new_page()
    log_in(owner, live_server, seeded["owner"])
    switch_to(owner, locale)
    owner.goto("/dashboard")
    follow(owner, f"a.button[href='/enterprises/{seeded['enterprise']}/check-in']")
    assert_fits_phone(owner)
    owner.fill("#revenue", "-5 jt")
    owner.fill("#employees_women", "2")
    submit(owner, "#revenue")
    assert owner.locator("#revenue-error").count() == 1
    assert owner.input_value("#employees_women") == "2"
    owner.fill("#revenue", "7,5 jt")
    submit(owner, "#revenue")
    assert owner.locator(".flash-success").count() == 1
    assert_fits_phone(owner)
    screenshot(owner, f"issue15-check-in-{locale}")
    owner.goto("/dashboard")
    report_progress = f"a.button[href='/enterprises/{seeded['enterprise']}/check-in']"
    assert owner.locator(report_progress).count() == 0


def assert_charts_readable(page) -> None:
    """Every chart's text is at least 12 CSS px on the 390 px screen, after whatever scaling the
    SVG gets (its font size times the text's scale on screen), and none of it runs out of its
    chart (where it would be cut off; 2 px of slack for a glyph that overhangs its start)."""
    texts = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart text')].map(text => {
            const chart = text.ownerSVGElement.getBoundingClientRect();
            const box = text.getBoundingClientRect();
            return {
                text: text.textContent,
                px: parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a,
                inside: box.left >= chart.left - 2 && box.right <= chart.right + 2,
            };
        })"""
    )
    assert len(texts) > 10  # targets, funnel, routes and breakdown charts
    assert min(t["px"] for t in texts) >= 12, texts
    assert [t["text"] for t in texts if not t["inside"]] == []
