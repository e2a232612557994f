"""Issue 3's journey on a phone: an owner uploads a deck and sees its previews; an investor asks
for access, the owner accepts, and the investor opens page 3. Each form gets one wrong input.
"""

from __future__ import annotations

import re

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
from tests.uploads import corpus

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)",
    ),
]

DECK_PAGES = ["Keripik Tempe Bu Sri", "Pasar kami", "Rencana dana Rp25 juta", "Tim kami"]


def _seed_people(server: LiveServer) -> tuple[str, str]:
    """An owner of the seeded published enterprise and an investor of a verified organisation."""
    with server.app.app_context():
        from marketplace.profiles.models import Enterprise

        make = factories.Factories(db)
        enterprise = db.session.get(Enterprise, server.published_enterprise_id)
        owner = make.user("owner", organisation=enterprise.organisation, email="sri@example.id")
        investor = make.investor(email="dana@example.id")
        make.mandate(investor)
        emails = (owner.email, investor.email)
        db.session.commit()
        db.session.remove()
    return emails


def _image_loaded(page, selector: str) -> bool:
    return page.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0")


def test_owner_uploads_a_deck_investor_asks_owner_accepts_investor_opens_page_three(
    new_page, live_server
):
    server = live_server
    owner_email, investor_email = _seed_people(server)
    deck_url = f"/enterprises/{server.published_enterprise_id}/deck"

    # The owner, on a phone, uploads the deck: first a web page renamed .pdf, then the real PDF.
    owner = new_page()
    log_in(owner, server, owner_email)
    owner.goto(deck_url)
    owner.click(f"main a[href$='{deck_url}/upload']")
    owner.set_input_files(
        "#files",
        files=[{"name": "deck.pdf", "mimeType": "application/pdf", "buffer": b"<html>x</html>"}],
    )
    submit(owner, "#files")
    expect_text(
        field_error(owner, "files"),
        tr(server, "This type of file is not accepted. Upload a PDF, or JPEG, PNG or WebP photos."),
    )
    assert_fits_phone(owner)
    owner.set_input_files(
        "#files",
        files=[
            {
                "name": "Deck Bu Sri.pdf",
                "mimeType": "application/pdf",
                "buffer": corpus.build_pdf(DECK_PAGES),
            }
        ],
    )
    submit(owner, "#files")
    owner.wait_for_url(re.compile(re.escape(deck_url) + "$"))
    expect_text(
        owner.locator(".flash-success"),
        tr(
            server,
            "The deck is uploaded. Its page previews appear here as soon as they are ready.",
        ),
    )
    previews = owner.locator(".deck-pages img")
    assert previews.count() == len(DECK_PAGES)
    assert previews.first.get_attribute("loading") == "lazy"
    owner.wait_for_function("document.querySelector('.deck-pages img').naturalWidth > 0")
    assert_fits_phone(owner)
    screenshot(owner, "deck-owner-previews")

    # The investor sees the first two pages, asks without a message, then with one.
    investor = new_page()
    log_in(investor, server, investor_email)
    investor.goto(deck_url)
    assert investor.locator(".deck-pages img").count() == 2
    investor.click(".deck-locked a.button")
    investor.wait_for_url("**/data-room")
    submit(investor, "#message")
    expect_text(
        field_error(investor, "message"),
        tr(server, "Write a few words about who you are and why you want to see the documents."),
    )
    investor.fill("#message", "Kami menyalurkan KUR mikro di Jawa Barat.")
    submit(investor, "#message")
    expect_text(
        investor.locator(".flash-success"),
        tr(
            server,
            "Your request is sent. You will see the documents here once the enterprise accepts it.",
        ),
    )
    assert_fits_phone(investor)

    # The owner accepts.
    owner.goto(f"/enterprises/{server.published_enterprise_id}/data-room")
    owner.click("form[action$='/accept'] button")
    owner.wait_for_url("**/data-room")
    assert owner.locator("form[action$='/revoke']").count() == 1

    # The investor opens page 3 and its large preview loads.
    investor.goto(deck_url)
    assert investor.locator(".deck-pages img").count() == len(DECK_PAGES)
    investor.click(f"main a[href$='{deck_url}/pages/3']")
    investor.wait_for_url("**/pages/3")
    investor.wait_for_function("document.querySelector('.deck-page img').naturalWidth > 0")
    assert _image_loaded(investor, ".deck-page img")
    assert_fits_phone(investor)
    screenshot(investor, "deck-investor-page-3")
