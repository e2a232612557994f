"""The matching journey on a phone: an investor searches with two filters, opens a match's
reasons, shortlists two enterprises, moves one to *meeting* and sends a meeting request (after one
wrong input); the owner accepts and downloads the .ics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from icalendar import Calendar

from marketplace.extensions import db
from marketplace.profiles import enterprises as enterprise_services
from tests import factories
from tests.browser.conftest import CHROMIUM, LiveServer
from tests.browser.test_journeys import assert_fits_phone, expect_text, log_in, tr

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Chromium at {CHROMIUM}"),
]


def _seed_matching(server: LiveServer) -> dict:
    """Two published snack makers with owner accounts (published through the service, so they
    are indexed), a batik maker elsewhere, and a verified investor with a mandate."""
    with server.app.app_context():
        make = factories.Factories(db)
        names = {}
        for key, name, province, regency, sector in (
            ("sri", "Keripik Singkong Bu Sri", "32", "32.01", "food"),
            ("ani", "Kripik Pisang Ani", "32", "32.04", "food"),
            ("joko", "Batik Pak Joko", "33", "33.01", "fashion"),
        ):
            owner = make.owner(email=f"{key}@example.id", name=name)
            enterprise = make.enterprise_of(owner)
            for field, value in {
                "name": name,
                "sector": sector,
                "legal_form": "perorangan",
                "province_code": province,
                "regency_code": regency,
                "products": f"{name}: keripik renyah",
                "ask_amount": 30_000_000,
                "ask_instruments": ["kur"],
            }.items():
                setattr(enterprise, field, value)
            db.session.flush()
            enterprise_services.publish_profile(actor=owner, enterprise=enterprise)
            names[key] = (owner.email, enterprise.id)
        investor = make.investor(email="ibu.investor@example.id", name="Ibu Investor")
        make.mandate(
            investor,
            investor_kind="bank",
            instruments=["kur"],
            sectors=["food"],
            min_stage="belum_layak",
        )
        db.session.commit()
        db.session.remove()
    return names


def test_investor_finds_shortlists_and_meets_an_owner_who_accepts(new_page, live_server):
    server = live_server
    seeded = _seed_matching(server)
    owner_email, sri_id = seeded["sri"]
    investor = new_page()
    log_in(investor, server, "ibu.investor@example.id")

    # Search with words and two filters; the filters stay in the URL.
    investor.goto("/search")
    investor.fill("#q", "kripik")
    investor.select_option("#f-sector", "food")
    investor.select_option("#f-province", "32")
    investor.click("#search-button")
    investor.wait_for_url("**/search?*sector=food*province=32*")
    results = investor.locator("article.result")
    expect_text(results.first, "keripik renyah")
    assert results.count() == 2
    assert investor.locator("article.result mark").count() >= 2
    assert_fits_phone(investor)

    # Matches: open the reasons of the first one.
    investor.goto("/matches")
    first = investor.locator("article.match").first
    first.locator("details.why summary").click()
    expect_text(first.locator("ul.reasons"), "KUR")
    assert_fits_phone(investor)

    # Shortlist two enterprises from the matches.
    for enterprise_id in (sri_id, seeded["ani"][1]):
        investor.goto("/matches")
        investor.locator(f"#e-{enterprise_id} button.add-shortlist").click()
        # Adding keeps the investor on the match list (issue 13), with the card marked.
        investor.wait_for_url("**/matches*")
    investor.goto("/shortlist")
    assert investor.locator("article.entry").count() == 2

    # Move Bu Sri's entry to "meeting".
    investor.locator("article.entry", has_text="Bu Sri").locator("a").first.click()
    investor.select_option("#stage", "meeting")
    investor.click("#move-button")
    expect_text(investor.locator("#current-stage"), tr(server, "Meeting"))

    # Ask for a meeting: first with a time in the past (refused, the message stays), then right.
    investor.click("#ask-meeting")
    message = "Kami bank penyalur KUR, ingin berkunjung ke tempat produksi."
    investor.fill("#message", message)
    investor.fill("#time_1", "2001-01-01T10:00")
    investor.click("#send-request")
    expect_text(
        investor.locator("#time_1-error"), tr(server, "Proposed times must be in the future.")
    )
    assert investor.input_value("#message") == message
    day = dt.date.today() + dt.timedelta(days=10)
    investor.fill("#time_1", f"{day.isoformat()}T10:00")
    investor.click("#send-request")
    investor.wait_for_url("**/meetings/*")
    meeting_path = investor.url.split(server.url, 1)[1]

    # The owner sees the notification, accepts the proposed time and downloads the .ics.
    owner = new_page()
    log_in(owner, server, owner_email)
    owner.goto("/notifications")
    # Notices link through /notifications/<id>, which marks them read and opens the meeting.
    owner.locator("ul.notifications a").first.click()
    owner.wait_for_url(f"**{meeting_path}")
    owner.check("input[name=action][value=accept]")
    owner.click("#respond-button")
    expect_text(owner.locator("#meeting-status"), tr(server, "Accepted"))
    with owner.expect_download() as download_info:
        owner.click("#download-ics")
    ics = Path(download_info.value.path()).read_bytes()
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    start = dt.datetime.combine(day, dt.time(3), tzinfo=dt.UTC)  # 10:00 WIB
    assert event.decoded("dtstart") == start
    assert_fits_phone(owner)
