"""The inbox on a 390 px phone, in both languages: an investor asks for a data room, the owner
sees the count in the header and the request on the dashboard, opens it from /notifications and
accepts; the investor is told and lands in the data room. No page is wider than the screen.

Screenshots go to the test's temporary folder, or to $INBOX_SCREENSHOTS when set (to look at).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from marketplace.extensions import db
from marketplace.pitches import data_room as pitches
from tests import factories
from tests.browser.test_journeys import assert_fits_phone, log_in, press, switch_to

pytestmark = pytest.mark.browser


def _seed(server) -> dict:
    with server.app.app_context():
        make = factories.Factories(db)
        owner = make.user("owner", email="sri@contoh.id", name="Sri Wahyuni")
        enterprise = make.enterprise(
            organisation=owner.organisation, published=True, name="Kopi Bubuk Sri Wahyuni"
        )
        facilitator = make.facilitator(email="fitri@contoh.id", name="Fitri")
        make.enrol(facilitator, enterprise)
        investor = make.investor(email="dana@contoh.id", name="Dana Tumbuh")
        pitches.request_access(
            investor=investor, enterprise=enterprise, message="Kami menyalurkan KUR mikro."
        )
        db.session.commit()
        ids = {"enterprise": enterprise.id}
        db.session.remove()
    return ids


def _shoot(page, folder: Path, name: str) -> None:
    assert_fits_phone(page)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_the_data_room_loop_through_the_inbox_on_a_phone(new_page, live_server, tmp_path):
    folder = Path(os.environ.get("INBOX_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    ids = _seed(live_server)

    owner = new_page()
    log_in(owner, live_server, "sri@contoh.id")
    assert owner.locator("header .count").inner_text().startswith("1")
    waiting = owner.locator("ul.waiting li")
    assert "1" in waiting.first.inner_text() and "ruang data" in waiting.first.inner_text()
    _shoot(owner, folder, "dashboard-owner-id")
    switch_to(owner, "en")
    assert "1 data-room request to answer" in owner.locator("ul.waiting").inner_text()
    _shoot(owner, folder, "dashboard-owner-en")

    owner.goto("/notifications")
    _shoot(owner, folder, "notifications-owner-en")
    switch_to(owner, "id")
    _shoot(owner, folder, "notifications-owner-id")
    owner.locator("ul.notifications a").first.click()
    owner.wait_for_url(f"**/enterprises/{ids['enterprise']}/data-room")
    assert owner.locator("header .count").count() == 0  # opened: read
    press(owner.locator("form[action$='/accept'] button"))

    owner.goto("/notifications/settings")
    _shoot(owner, folder, "settings-owner-id")
    switch_to(owner, "en")
    _shoot(owner, folder, "settings-owner-en")
    owner.locator("input[name=data_room_requested][value=digest]").check()
    owner.locator("form.card button").click()
    owner.wait_for_url("**/notifications/settings")
    assert owner.locator("input[name=data_room_requested][value=digest]").is_checked()

    investor = new_page()
    log_in(investor, live_server, "dana@contoh.id")
    assert investor.locator("header .count").inner_text().startswith("1")
    investor.goto("/notifications")
    text = investor.locator("ul.notifications").inner_text()
    assert "Kopi Bubuk Sri Wahyuni" in text
    _shoot(investor, folder, "notifications-investor-id")
    investor.locator("ul.notifications a").first.click()
    investor.wait_for_url(f"**/enterprises/{ids['enterprise']}/data-room")
    assert_fits_phone(investor)
