"""The pitch-day journey in headless Chromium on phones (390×844), in Bahasa Indonesia: a
facilitator builds and publishes an event for a cohort, an investor sets preferences, an owner
sees the agenda and downloads the .ics, a judge scores on a phone, the facilitator sends
feedback. Wrong inputs on the way: a mistyped time and a score sheet left incomplete."""

from __future__ import annotations

import re
from pathlib import Path

import icalendar
import pytest

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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Chromium at {CHROMIUM}"),
]


def _seed(server: LiveServer) -> dict:
    """A programme with a cohort of two published enterprises (with owners) and a verified
    investor with a food mandate."""
    with server.app.app_context():
        make = factories.Factories(db)
        facilitator = make.facilitator(email="fitri@action.id", name="Fitri")
        cohort = make.cohort(make.programme(facilitator), name="Angkatan Makassar")
        owners = []
        for name, email in (
            ("Kopi Toraja Ibu Rina", "rina@example.id"),
            ("Abon Ikan Pak Daeng", "daeng@example.id"),
        ):
            owner = make.user("owner", email=email, name=name)
            enterprise = make.enterprise(organisation=owner.organisation, published=True, name=name)
            make.enrol(facilitator, enterprise, cohort=cohort)
            owners.append((owner.email, enterprise.id))
        investor = make.investor(email="dana@impact.id", name="Dana")
        make.mandate(
            investor, sectors=["food"], min_stage="belum_layak", instruments=["kur", "loan"]
        )
        db.session.commit()
        ids = {"cohort": cohort.id, "owners": owners}
        db.session.remove()
    return ids


def _event_id(url: str) -> str:
    return re.search(r"/events/(\d+)", url).group(1)


def test_a_pitch_day_from_invitation_to_feedback(new_page, live_server):
    server = live_server
    seeded = _seed(server)
    facilitator = new_page()
    log_in(facilitator, server, "fitri@action.id")

    # The facilitator creates the event; a mistyped time is caught next to its field.
    facilitator.goto("/events/new")
    facilitator.fill("#title", "Hari Pitching Makassar")
    facilitator.fill("#starts_on", "2026-08-21")
    facilitator.select_option("#timezone", "Asia/Makassar")
    facilitator.fill("#day_start", "jam sembilan")
    facilitator.fill("#day_end", "11.00")
    facilitator.fill("#slot_minutes", "30")
    facilitator.fill("#rooms", "1")
    facilitator.fill("#panel_size", "2")
    facilitator.fill("#venue", "Hotel Aston Makassar")
    submit(facilitator, "#title")
    expect_text(
        field_error(facilitator, "day_start"),
        tr(server, "Write the time as hours and minutes, e.g. 09.30."),
    )
    assert facilitator.input_value("#venue") == "Hotel Aston Makassar"
    assert_fits_phone(facilitator)
    facilitator.fill("#day_start", "09.00")
    submit(facilitator, "#title")
    facilitator.wait_for_url(re.compile(r"/events/\d+/invitations$"))
    event = _event_id(facilitator.url)

    # Invite the cohort, then confirm for both enterprises as their pendamping.
    facilitator.select_option("#cohort-cohort_id", str(seeded["cohort"]))
    submit(facilitator, "#cohort-cohort_id")
    expect_text(
        facilitator.locator(".flash-success"), tr(server, "%(n)s enterprises invited.", n=2)
    )
    for _email, enterprise_id in seeded["owners"]:
        facilitator.goto(f"/events/{event}/enterprises/{enterprise_id}/attendance")
        facilitator.check("input[name=attending][value=yes]")
        submit(facilitator, "input[name=attending]")
        facilitator.wait_for_url(f"**/events/{event}")

    # The investor registers, keeps the morning, marks one enterprise must-meet.
    investor = new_page()
    log_in(investor, server, "dana@impact.id")
    investor.goto(f"/events/{event}")
    investor.click(f"form[action$='/events/{event}/register'] button")
    investor.wait_for_url(f"**/events/{event}/availability")
    submit(investor, "input[name=available]")
    investor.wait_for_url(f"**/events/{event}/preferences")
    first_enterprise = seeded["owners"][0][1]
    investor.select_option(f"#pref-{first_enterprise}", "must")
    submit(investor, f"#pref-{first_enterprise}")
    expect_text(investor.locator(".flash-success"), tr(server, "Your preferences are saved."))

    # The facilitator sets up judging with the investor as judge, builds and publishes.
    facilitator.goto(f"/events/{event}/judging/sheet")
    facilitator.click("form:has(input[name=standard]) button")
    facilitator.fill("#judge-email", "dana@impact.id")
    submit(facilitator, "#judge-email")
    expect_text(
        facilitator.locator(".flash-success"),
        tr(server, "We sent an invitation to judge to this address."),
    )
    expect_text(
        facilitator.locator("main"), tr(server, "invited: %(email)s", email="dana@impact.id")
    )
    # She becomes a judge only by accepting, from the events page.
    investor.goto("/events")
    investor.click("main a[href$='/events/judge-invitations']")
    investor.click("form:has(input[name=answer][value=accept]) button")
    investor.wait_for_url(f"**/events/{event}/judging")
    facilitator.reload()
    expect_text(facilitator.locator("main"), "Dana")
    facilitator.goto(f"/events/{event}/schedule")
    facilitator.click(f"form[action$='/events/{event}/schedule/build'] button")
    facilitator.wait_for_url(re.compile(r"/schedule/runs/\d+$"))
    # The progress page reloads itself until the build is done.
    from playwright.sync_api import expect

    expect(facilitator.locator("meta[http-equiv=refresh]")).to_have_count(0, timeout=30_000)
    facilitator.click(f"main a[href$='/events/{event}/schedule']")
    expect_text(facilitator.locator("#solver-status"), tr(server, "Best possible schedule"))
    facilitator.click(f"form[action$='/events/{event}/schedule/publish'] button")
    expect_text(
        facilitator.locator(".flash-success"),
        tr(
            server,
            "Version %(version)s is published; the people it concerns are notified.",
            version=1,
        ),
    )
    screenshot(facilitator, "event-schedule-published")

    # The owner sees the agenda in WITA and downloads the calendar file.
    owner_email, owner_enterprise = seeded["owners"][0]
    owner = new_page()
    log_in(owner, server, owner_email)
    owner.goto(f"/events/{event}/enterprises/{owner_enterprise}/agenda")
    expect_text(owner.locator("table.agenda"), "WITA")
    assert_fits_phone(owner)
    with owner.expect_download() as download:
        owner.click("#ics-link")
    calendar = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    [entry] = calendar.walk("VEVENT")
    assert str(entry["uid"]) == f"pitch-{event}-{owner_enterprise}@temumodal.id"
    assert entry["dtstart"].params["TZID"] == "Asia/Makassar"

    # The judge scores on the phone: an incomplete sheet is refused, then completed.
    investor.goto(f"/events/{event}/judging")
    investor.click(f"a[href$='/events/{event}/judging/{owner_enterprise}']")
    radios = investor.locator("fieldset.scale")
    for index in range(radios.count() - 1):
        radios.nth(index).locator("label").nth(7).click()
    investor.fill("#comment", "Produk kuat, catatan keuangan perlu dirapikan.")
    submit(investor, "#comment")
    # The summary names the one criterion left out and links to its scale, which is marked.
    assert investor.locator("#error-summary li a").count() == 1
    assert radios.last.locator("p.error").is_visible()
    investor.click("#error-summary li a")
    assert investor.evaluate("document.activeElement.name") == radios.last.locator(
        "input"
    ).first.get_attribute("name")
    assert investor.input_value("#comment").startswith("Produk kuat")
    radios.last.locator("label").nth(8).click()
    submit(investor, "#comment")
    # The summary's link put a fragment on the page's address; the browser keeps it through the
    # redirect (the form posts to the document's address), so only the path is compared.
    investor.wait_for_url(re.compile(rf".*/events/{event}/judging(#.*)?$"))
    assert_fits_phone(investor)

    # The ranking names the pitch nobody has scored yet; the facilitator sends feedback; the
    # owner reads only their own.
    facilitator.goto(f"/events/{event}/ranking")
    unscored = facilitator.locator("tr.unscored")
    assert unscored.count() == 1
    expect_text(unscored, "Abon Ikan Pak Daeng")
    expect_text(unscored, tr(server, "not scored yet"))
    assert_fits_phone(facilitator)
    screenshot(facilitator, "event-ranking-unscored")
    facilitator.click(f"form[action$='/events/{event}/feedback'] button")
    expect_text(
        facilitator.locator(".flash-success"),
        tr(server, "Feedback sent to %(n)s enterprises.", n=1),
    )
    owner.goto(f"/events/{event}/enterprises/{owner_enterprise}/feedback")
    expect_text(owner.locator("main"), "Produk kuat")
    screenshot(owner, "event-feedback")

    # An outcome recorded, the summary's outcomes stack as cards on the phone.
    facilitator.goto(f"/events/{event}/outcomes")
    facilitator.select_option("#enterprise_id", str(owner_enterprise))
    facilitator.select_option("#status", "funded")
    facilitator.fill("#amount", "25.000.000")
    facilitator.fill("#lender_name", "Koperasi Simpan Pinjam Sejahtera Bersama Makassar")
    submit(facilitator, "#amount")
    expect_text(facilitator.locator(".flash-success"), tr(server, "Outcome recorded."))
    facilitator.goto(f"/events/{event}/summary")
    assert facilitator.locator("table.stack tr:not(.head)").count() == 1
    expect_text(facilitator.locator("table.stack td.lead"), "Kopi Toraja Ibu Rina")
    assert_fits_phone(facilitator)
    screenshot(facilitator, "event-summary")
