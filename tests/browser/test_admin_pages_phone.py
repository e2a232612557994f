"""Issue 13's pages on a 390 px phone, in Indonesian and English: an investor's organisation
members page (and inviting a colleague through it), the invitation link a newcomer opens, and
the administrator's verification queue, user list, audit log and statistics. No page may be
wider than the screen; each is saved as a screenshot for a human to look at."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.accounts import members
from marketplace.audit import AuditEvent
from marketplace.extensions import db
from tests import factories
from tests.browser.conftest import CHROMIUM
from tests.browser.test_journeys import (
    assert_fits_phone,
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

LONG_NAME = "Koperasi Simpan Pinjam dan Pembiayaan Syariah Berkah Usaha Mikro Nusantara"


def seed(server) -> dict:
    """An investor organisation with a colleague and an open invitation; organisations waiting
    for verification (one copying a verified name); audit entries with long routes."""
    with server.app.app_context():
        make = factories.Factories(db)
        genuine = make.organisation("investor", name="Bank Maju Bersama")
        bank = make.investor(
            organisation=genuine,
            name="Budi Santoso",
            email="budi@bankmaju.example.id",
            organisation_admin=True,
        )
        make.mandate(bank)
        make.investor(
            organisation=genuine,
            name="Sari Anggota Dengan Nama Yang Cukup Panjang",
            email="sari.anggota.dengan.alamat.panjang@bankmaju-bersama.example.id",
        )
        impostor = make.investor(
            verified=False, name="Hendra", email="hendra@bank-maju.example.com"
        )
        impostor.organisation.name = "PT. Bank Maju  Bersama"
        make.mandate(impostor, thesis="Pembiayaan modal kerja UMKM pangan di Jawa Barat. " * 5)
        long_one = make.facilitator(verified=False, name="Rina", email="rina@ksppsberkah.id")
        long_one.organisation.name = LONG_NAME
        make.programme(long_one, name="Damping UMKM Naik Kelas Cirebon dan Indramayu 2026")
        with server.app.test_request_context():
            members.invite_member(
                actor=bank, email="calon.kolega@bankmaju.example.id", role="member"
            )
        for n in range(3):
            db.session.add(
                AuditEvent(
                    action="organisation.member_invited",
                    actor_id=bank.id,
                    object_type="organisation",
                    object_id=genuine.id,
                    route="POST /organisation/invitations/with/a/rather/long/path/" + "x" * 40,
                    created_at=dt.datetime(2026, 8, 17, 2, 30 + n, tzinfo=dt.UTC),
                    details={},
                )
            )
        db.session.commit()
        ids = {"bank_email": bank.email}
        db.session.remove()
    return ids


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_members_page_and_the_invitation_fit_a_phone(new_page, live_server, locale):
    seeded = seed(live_server)
    page = new_page()
    log_in(page, live_server, seeded["bank_email"])
    switch_to(page, locale)

    page.goto("/organisation")
    assert "Sari Anggota" in page.inner_text("main")
    assert page.locator("form[action$='/remove'] button").count() == 1  # Budi administers it
    assert_fits_phone(page)
    screenshot(page, f"issue13-members-{locale}")

    # A wrong address gets its message next to the field, and what was typed stays.
    page.fill("#email", "bukan-alamat")
    submit(page, "#email")
    assert page.locator("#email-error").count() == 1
    assert page.input_value("#email") == "bukan-alamat"
    assert_fits_phone(page)

    page.fill("#email", "teman.baru@bankmaju.example.id")
    submit(page, "#email")
    assert page.locator(".flash-success").count() == 1
    assert "teman.baru@bankmaju.example.id" in page.inner_text("main")
    assert_fits_phone(page)

    # The newcomer's side of the link.
    with live_server.app.app_context():
        from marketplace.accounts.models import OrganisationInvitation, User

        bank = db.session.query(User).filter_by(email=seeded["bank_email"]).one()
        invitation = members.invite_member(
            actor=bank, email="tamu@bankmaju.example.id", role="member"
        )
        token = "browser-join-token"
        invitation.token_hash = members._hash_token(token)
        db.session.commit()
        assert db.session.get(OrganisationInvitation, invitation.id) is not None
        db.session.remove()
    guest = new_page()
    guest.goto(f"/join/{token}")
    switch_to(guest, locale)
    assert "Bank Maju Bersama" in guest.inner_text("main")
    assert_fits_phone(guest)
    screenshot(guest, f"issue13-join-{locale}")


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_admin_pages_fit_a_phone(new_page, live_server, locale):
    seed(live_server)
    page = new_page()
    log_in(page, live_server, live_server.admin_email)
    switch_to(page, locale)

    page.goto("/admin/organisations")
    queue = page.locator("article.card", has_text="PT. Bank Maju")
    assert queue.locator(".flash-error").count() == 1  # the look-alike warning
    assert page.locator("article.card", has_text=LONG_NAME).count() == 1
    assert_fits_phone(page)
    screenshot(page, f"issue13-admin-organisations-{locale}")

    # Rejecting without a reason keeps the admin on the page with the message.
    card = page.locator("article.card", has_text=LONG_NAME)
    card.locator("summary").click()
    press(card.locator("form[action$='/reject'] button"))
    assert page.locator("textarea[aria-invalid=true]").count() == 1
    assert_fits_phone(page)

    for path, name in [
        ("/admin/users?q=bankmaju", "users"),
        ("/admin/audit?person=budi", "audit"),
        ("/admin/statistics", "statistics"),
    ]:
        page.goto(path)
        assert page.locator("main h1").count() == 1
        assert_fits_phone(page)
        screenshot(page, f"issue13-admin-{name}-{locale}")
    page.goto("/admin/audit?person=budi")
    assert "WIB" in page.inner_text("main")


@pytest.mark.parametrize("locale", ["id", "en"])
def test_a_member_leaves_the_organisation_on_a_phone(new_page, live_server, locale):
    seed(live_server)
    page = new_page()
    log_in(page, live_server, "sari.anggota.dengan.alamat.panjang@bankmaju-bersama.example.id")
    switch_to(page, locale)

    page.goto("/organisation")
    leave = page.locator("form[action$='/organisation/leave']")
    assert leave.count() == 1
    assert page.locator("form[action$='/remove']").count() == 0  # a plain member removes nobody
    assert_fits_phone(page)
    screenshot(page, f"issue13-members-leave-{locale}")

    leave.locator("input[name=confirm]").check()
    press(leave.locator("button"))
    assert page.locator(".flash-success").count() == 1
    assert "Bank Maju Bersama" in page.locator(".flash-success").inner_text()
    assert "Budi Santoso" not in page.inner_text("main")  # no longer a colleague
    assert_fits_phone(page)
    screenshot(page, f"issue13-members-left-{locale}")
