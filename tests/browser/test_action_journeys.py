"""Issue 13, "actions where people look", walked in headless Chromium on a phone (390×844):
an investor finds a business through search, shortlists it from the card and requests the data
room without leaving the results; an owner asks an investor for an introduction and the
investor answers. Screenshots of each step in Indonesian and English go to test-artifacts/."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from tests import factories
from tests.browser.conftest import CHROMIUM
from tests.browser.test_journeys import assert_fits_phone, expect_text, log_in, screenshot, tr
from tests.matching.helpers import published

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Chromium at {CHROMIUM}"),
]


def _world(server) -> dict:
    """A published bakery with an owner, and a verified bank whose mandate fits it."""
    with server.app.app_context():
        make = factories.Factories(db)
        owner, enterprise = published(
            make, name="Roti Gandum Bu Ani", products="Roti gandum dan kue kering"
        )
        owner.email = "ani@rotigandum.example.id"
        investor = make.investor(email="dewi@bankdesa.example.id", name="Dewi Lestari")
        investor.organisation.name = "Bank Desa Makmur"
        make.mandate(investor, investor_kind="bank", instruments=["kur"], min_stage="belum_layak")
        db.session.commit()
        world = {"enterprise_id": enterprise.id, "owner": owner.email, "investor": investor.email}
        db.session.remove()
    return world


def _both_languages(page, name: str) -> None:
    """A screenshot in Indonesian, then the same page in English, then back to Indonesian."""
    assert_fits_phone(page)
    screenshot(page, f"{name}-id")
    with page.expect_navigation():
        page.locator("form.lang button[value=en]").click()
    assert_fits_phone(page)
    screenshot(page, f"{name}-en")
    with page.expect_navigation():
        page.locator("form.lang button[value=id]").click()


def test_an_investor_shortlists_and_requests_the_data_room_from_a_search_card(page, live_server):
    server = live_server
    world = _world(server)
    log_in(page, server, world["investor"])

    page.goto("/search")
    page.fill("#q", "roti gandum")
    page.click("#search-button")
    card = page.locator("article.result", has_text="Roti Gandum Bu Ani")
    card.locator("button.add-shortlist").click()

    page.wait_for_url("**/search?q=roti+gandum**")
    expect_text(
        page.locator(".flash-success"), tr(server, "%(name)s is on your shortlist.", name="")[:-1]
    )
    card = page.locator("article.result", has_text="Roti Gandum Bu Ani")
    expect_text(card.locator(".on-shortlist"), tr(server, "On your shortlist"))
    button_height = card.locator("details.request-access summary").bounding_box()["height"]
    assert button_height >= 44

    card.locator("details.request-access summary").click()
    card.locator("textarea[name=message]").fill("Kami menyalurkan KUR untuk usaha makanan.")
    _both_languages(page, "actions-search-card-open")
    # Switching the language reloads the page: the request is written again.
    card = page.locator("article.result", has_text="Roti Gandum Bu Ani")
    card.locator("details.request-access summary").click()
    card.locator("textarea[name=message]").fill("Kami menyalurkan KUR untuk usaha makanan.")
    card.locator("details.request-access form button").click()

    page.wait_for_url("**/search?q=roti+gandum**")
    expect_text(
        page.locator(".flash-success"),
        tr(
            server,
            "Your request is sent. You will see the documents here once the enterprise accepts it.",
        ),
    )
    card = page.locator("article.result", has_text="Roti Gandum Bu Ani")
    expect_text(card, tr(server, "Data room requested"))
    _both_languages(page, "actions-search-card-done")


def test_an_owner_asks_for_an_introduction_and_the_investor_accepts(page, new_page, live_server):
    server = live_server
    world = _world(server)
    log_in(page, server, world["owner"])

    page.click(f"main a[href='/enterprises/{world['enterprise_id']}/matches']")
    fit = page.locator("article.match", has_text="Bank Desa Makmur")
    fit.locator("a[href*='/introductions/new/']").click()
    _both_languages(page, "actions-introduction-form")
    page.fill("#message", "   ")  # the wrong input: a message of spaces only
    page.click("#send-introduction")
    expect_text(
        page.locator("#message-error"),
        tr(
            server,
            "Write a few words: what your business does and what you would like to discuss.",
        ),
    )
    assert_fits_phone(page)
    screenshot(page, "actions-introduction-error-id")
    page.fill("#message", "Kami ingin menambah oven untuk pesanan hotel.")
    page.select_option("#instrument", "kur")
    page.click("#send-introduction")
    page.wait_for_url(f"**/enterprises/{world['enterprise_id']}/introductions")
    expect_text(page.locator(".flash-success"), "Bank Desa Makmur")

    investor = new_page()
    log_in(investor, server, world["investor"])
    investor.click("header details.nav-more > summary")  # the menu's "More" (issue 13)
    investor.click("header a[href='/introductions']")
    request = investor.locator("article.introduction", has_text="Roti Gandum Bu Ani")
    expect_text(request, "Kami ingin menambah oven untuk pesanan hotel.")
    _both_languages(investor, "actions-introduction-inbox")
    investor.locator("article.introduction form[action$='/accept'] button").click()
    investor.wait_for_url("**/shortlist/*")
    expect_text(investor.locator(".flash-success"), "Roti Gandum Bu Ani")

    page.reload()
    expect_text(
        page.locator("article.introduction"), tr(server, "Accepted: on the investor's shortlist")
    )
    _both_languages(page, "actions-introduction-answered")
