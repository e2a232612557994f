"""Three user journeys walked in headless Chromium on a phone (390×844), each with a wrong input.

Selectors use field ids and form actions, never English labels, and expected messages are
translated through the app's own catalogue: the journeys keep passing when the Indonesian
catalogue is filled in, and then also check that Indonesian is what the user sees.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext

from marketplace import ROOT, formatting, vocab
from marketplace.profiles import readiness_text
from tests.browser.conftest import CHROMIUM, PHONE_VIEWPORT, LiveServer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)",
    ),
]

ARTIFACTS = ROOT / "test-artifacts"
LOCALE = "id"  # every journey runs in the product's first language


# --- helpers ---------------------------------------------------------------------------------
def tr(server: LiveServer, msgid: str, **variables) -> str:
    """`msgid` as the app shows it in Indonesian (the English msgid until it is translated)."""
    with server.app.test_request_context(), force_locale(LOCALE):
        return gettext(msgid, **variables)


def tr_label(server: LiveServer, mapping: dict, code: str) -> str:
    """A vocabulary label as the app shows it in Indonesian."""
    with server.app.test_request_context(), force_locale(LOCALE):
        return vocab.label(mapping, code)


def tr_item(server: LiveServer, code: str) -> str:
    """A readiness checklist item's label as the app shows it in Indonesian."""
    with server.app.test_request_context(), force_locale(LOCALE):
        return readiness_text.item_label(code)


def expect_text(locator, text: str) -> None:
    """Wait for `locator` to contain `text` (whitespace-normalised), then pass."""
    from playwright.sync_api import expect

    expect(locator).to_contain_text(text)


def assert_fits_phone(page) -> None:
    """No horizontal scrolling on a 390 px wide phone, measured once the page has loaded.

    Polled rather than evaluated once: straight after a navigation commits, the new document
    has no root element yet, and reading its width then fails on a busy machine.
    """
    page.wait_for_load_state()
    width = page.wait_for_function(
        "() => document.readyState === 'complete' && document.documentElement"
        " && document.documentElement.scrollWidth"
    ).json_value()
    assert width <= PHONE_VIEWPORT["width"], f"{page.url} is {width}px wide on a phone"


def screenshot(page, name: str) -> Path:
    """Save the whole page to test-artifacts/NAME.png (git-ignored) for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def follow(page, selector: str) -> None:
    """Click the link at `selector` and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def press(locator) -> None:
    """Click a button or link and wait for the page the server answers with: checking right
    after a bare click reads the old page on a busy machine."""
    with locator.page.expect_navigation():
        locator.click()


def switch_to(page, locale: str) -> None:
    """Change the interface language with the header's buttons, staying on the same page."""
    press(page.locator(f"form.lang button[value={locale}]"))


def submit(page, field_selector: str) -> None:
    """Press the submit button of the form that holds `field_selector` and wait for the page
    the server answers with (checking the old page for the new page's message races it)."""
    with page.expect_navigation():
        page.locator(f"form:has({field_selector}) button").last.click()


def register(
    page, server: LiveServer, *, role: str, name: str, organisation: str, email: str
) -> None:
    """Create an account through the registration form and follow the confirmation link the
    app mailed (the server runs in this process, so its log-only outbox is readable); ends on
    the dashboard, logged in."""
    page.goto("/register")
    page.check(f"input[name=role][value={role}]")
    page.fill("#name", name)
    page.fill("#organisation_name", organisation)
    page.fill("#email", email)
    page.fill("#password", server.password)
    submit(page, "#password")
    page.wait_for_url("**/register/check-email")
    expect_text(page.locator("main h1"), tr(server, "Check your e-mail"))
    page.goto(mailed_link(email, "confirm"))
    page.locator("main form button").click()
    page.wait_for_url("**/dashboard")
    expect_text(
        page.locator(".flash-success"),
        tr(server, "Your e-mail address is confirmed. Welcome to TemuModal!"),
    )


def mailed_link(email: str, kind: str) -> str:
    """The path of the newest `kind` link ("confirm", "password/reset") mailed to `email`."""
    from marketplace import mail

    for message in reversed(mail.outbox):
        found = re.search(rf"https?://[^/\s]+(/{kind}/\S+)", message.body)
        if message.to == email and found:
            return found.group(1)
    raise AssertionError(f"no {kind} link was mailed to {email}")


def log_in(page, server: LiveServer, email: str) -> None:
    """Log in through the login form with the shared test password; ends on the dashboard."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", server.password)
    submit(page, "#password")
    page.wait_for_url("**/dashboard")


def html_lang(page) -> str:
    """The language the page declares on its <html> element."""
    return page.locator("html").get_attribute("lang")


def field_error(page, field_id: str):
    """The message shown under a field, tied to it by aria-describedby."""
    assert page.get_attribute(f"#{field_id}", "aria-invalid") == "true"
    # The field's hint, when it has one, is named too (before the error).
    described = page.get_attribute(f"#{field_id}", "aria-describedby").split()
    assert described[-1] == f"{field_id}-error" and set(described) <= {
        f"{field_id}-hint",
        f"{field_id}-error",
    }
    return page.locator(f"#{field_id}-error")


# --- journey 1: an enterprise owner ----------------------------------------------------------
def test_owner_registers_fills_the_profile_recovers_from_mistakes_and_publishes(page, live_server):
    server = live_server
    page.goto("/register")
    # Bahasa Indonesia by default. Once the catalogue translates the button, the user must see
    # the Indonesian words; until then the page at least declares Indonesian.
    assert html_lang(page) == "id"
    create_account = tr(server, "Create account")
    if create_account != "Create account":
        expect_text(page.locator("main form button"), create_account)
    assert_fits_phone(page)

    register(
        page,
        server,
        role="owner",
        name="Siti Rahmawati",
        organisation="Keripik Singkong Mbak Siti",
        email="siti@example.id",
    )

    # One click to English, one click back, staying on the same page.
    page.click("form.lang button[value=en]")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url.endswith("/dashboard")
    assert page.get_attribute("form.lang button[value=en]", "aria-current") == "true"
    expect_text(page.locator("header button.link"), "Log out")
    page.click("form.lang button[value=id]")
    page.wait_for_function("document.documentElement.lang === 'id'")
    assert page.url.endswith("/dashboard")
    expect_text(page.locator("header button.link"), tr(server, "Log out"))

    page.click("main a[href$='/edit']")
    page.wait_for_url(re.compile(r"/enterprises/\d+/edit$"))
    edit_url = page.url
    enterprise_url = edit_url.removesuffix("/edit")

    page.select_option("#legal_form", "perorangan")
    page.select_option("#sector", "food")
    page.fill("#products", "Keripik singkong balado, keripik pisang")
    page.select_option("#province_code", "32")
    page.select_option("#regency_code", "32.04")
    page.fill("#founded_on", "2021-03-15")
    page.fill("#employees", "6")
    page.fill("#women_employees", "4")
    page.fill("#owner_name", "Siti Rahmawati")
    page.fill("#nik", "3204 1244 0778 0001")
    page.fill("#capital", "lima juta")  # the wrong input: words, not digits
    page.fill("#annual_turnover", "120.000.000")
    page.fill("#profit_last_year", "18.000.000")
    page.check("#has_bank_account")
    page.fill("#bank_name", "BRI")
    page.check("#keeps_books")
    page.fill("#ask_amount", "25.000.000")
    page.check("input[name=ask_instruments][value=kur]")
    page.check("input[name=ask_instruments][value=loan]")
    page.fill("#use_of_funds", "Mesin pengiris singkong dan bahan baku")
    page.fill("#tenor_months", "24")
    submit(page, "#capital")

    expect_text(
        field_error(page, "capital"),
        tr(
            server,
            "Enter an amount in rupiah, for example 50,000,000, 50 jt (juta) or 1.5 miliar.",
        ),
    )
    # Nothing else typed is lost.
    assert page.input_value("#capital") == "lima juta"
    assert page.input_value("#products") == "Keripik singkong balado, keripik pisang"
    assert page.input_value("#regency_code") == "32.04"
    assert page.input_value("#founded_on") == "2021-03-15"
    assert page.input_value("#annual_turnover") == "120.000.000"
    assert page.input_value("#ask_amount") == "25.000.000"
    assert page.input_value("#use_of_funds") == "Mesin pengiris singkong dan bahan baku"
    assert page.is_checked("input[name=ask_instruments][value=kur]")
    assert page.is_checked("#keeps_books")
    assert_fits_phone(page)
    screenshot(page, "journey1-capital-error")

    # Second mistake, caught by the service rather than the form: more women than employees.
    page.fill("#capital", "5.000.000")
    page.fill("#women_employees", "8")
    page.fill("#nik", "3204 1244 0778 0001")  # the NIK is never echoed back; type it again
    for month_input in page.locator("input[name^=revenue_]").all():
        month_input.fill("10.000.000")
    submit(page, "#capital")
    expect_text(
        field_error(page, "women_employees"),
        tr(server, "Women employees cannot be more than all employees."),
    )
    assert page.input_value("#capital") == "5.000.000"
    assert page.input_value("#employees") == "6"
    assert page.input_value("input[name^=revenue_] >> nth=0") == "10.000.000"

    page.fill("#women_employees", "4")
    page.fill("#nik", "3204 1244 0778 0001")
    submit(page, "#capital")
    page.wait_for_url(edit_url)
    expect_text(page.locator(".flash-success"), tr(server, "Saved."))

    # The draft is kept: leave, come back, everything is as saved.
    page.click("header a[href$='/dashboard']")
    page.click("main a[href$='/edit']")
    assert page.input_value("#capital") == "5.000.000"
    assert page.input_value("#women_employees") == "4"
    assert page.input_value("#regency_code") == "32.04"
    assert page.is_checked("input[name=ask_instruments][value=loan]")
    assert page.input_value("input[name^=revenue_] >> nth=-1") == "10.000.000"

    # A legal document: a 12-digit NIB is refused, the 13-digit one kept.
    page.goto(f"{enterprise_url}/documents")
    page.select_option("#kind", "nib")
    page.fill("#number", "120101234567")
    submit(page, "#number")
    expect_text(
        field_error(page, "number"),
        tr(server, "A NIB has exactly 13 digits, as shown on the OSS certificate."),
    )
    assert page.input_value("#number") == "120101234567"
    assert page.input_value("#kind") == "nib"
    page.fill("#number", "1201012345678")
    submit(page, "#number")
    expect_text(page.locator(".flash-success"), tr(server, "Document saved."))
    expect_text(page.locator("table.table"), "1201012345678")
    assert_fits_phone(page)

    page.goto(enterprise_url)
    page.click("form[action$='/publish'] button")
    expect_text(
        page.locator(".flash-success"),
        tr(server, "The profile is published: investors can find it now."),
    )

    page.click(f"a[href='{enterprise_url.removeprefix(server.url)}/readiness']")
    page.wait_for_url("**/readiness")
    # NIK, NIB, two years of trading and sales make it eligible; without mentoring it is not
    # bankable yet, and a Rp25 juta ask fits KUR mikro.
    expect_text(page.locator("h2 .badge.stage-layak"), tr_label(server, vocab.STAGES, "layak"))
    met = page.locator("ul.checklist li.met")
    for code in ("identity", "trading_6_months", "business_licence", "revenue_recorded"):
        assert met.filter(has_text=tr_item(server, code)).count() == 1, code
    missing = page.locator("ul.checklist li.missing")
    assert missing.filter(has_text=tr_item(server, "mentoring")).count() == 1
    expect_text(page.locator(".route.fits").first, tr_label(server, vocab.ROUTES, "kur_mikro"))
    assert_fits_phone(page)
    screenshot(page, "journey1-readiness")

    page.goto(enterprise_url)
    page.click("form[action$='/unpublish'] button")
    expect_text(page.locator(".flash-info"), tr(server, "The profile is hidden again (draft)."))
    expect_text(
        page.locator("article .badge").first,
        tr(server, "Draft: only you and your facilitator see it"),
    )
    assert page.locator("form[action$='/publish']").count() == 1
    assert_fits_phone(page)
    screenshot(page, "journey1-unpublished")


# --- journey 2: a facilitator acting on behalf of an owner -----------------------------------
def test_facilitator_creates_a_profile_on_behalf_attests_it_and_hands_it_over(
    page, new_page, live_server
):
    server = live_server
    register(
        page,
        server,
        role="facilitator",
        name="Baiq Nurul Hidayati",
        organisation="Yayasan PUPUK NTB",
        email="baiq@pupuk.example.id",
    )

    page.click("main a[href='/programmes/new']")
    page.fill("#name", "ACTION")
    page.fill("#donor", "Hivos")
    submit(page, "#name")
    page.wait_for_url(re.compile(r"/programmes/\d+$"))
    expect_text(page.locator("h1"), "ACTION")

    page.click("main a[href$='/cohorts/new']")
    page.fill("#name", "Angkatan Lombok Timur 2026")
    page.select_option("#province_code", "52")
    page.select_option("#regency_code", "52.03")
    page.fill("#starts_on", "2026-01-12")
    submit(page, "#name")
    page.wait_for_url(re.compile(r"/cohorts/\d+$"))
    cohort_url = page.url
    expect_text(page.locator("main p.muted"), "Kabupaten Lombok Timur")

    # A wrong phone number is refused next to the field; the names typed stay.
    page.fill("#behalf-name", "Tenun Ikat Inaq Rumini")
    page.fill("#behalf-owner_name", "Inaq Rumini")
    page.fill("#behalf-owner_phone", "12345")
    submit(page, "#behalf-owner_phone")
    expect_text(
        field_error(page, "behalf-owner_phone"),
        tr(server, "Write the phone number as 0812… or +62 812…, with 10 to 13 digits."),
    )
    assert page.input_value("#behalf-name") == "Tenun Ikat Inaq Rumini"
    assert page.input_value("#behalf-owner_name") == "Inaq Rumini"
    assert_fits_phone(page)

    page.fill("#behalf-owner_phone", "0817 1234 5678")
    submit(page, "#behalf-owner_phone")
    page.wait_for_url(re.compile(r"/enterprises/\d+/edit$"))
    enterprise_url = page.url.removesuffix("/edit")
    enterprise_path = enterprise_url.removeprefix(server.url)
    expect_text(
        page.locator(".flash-success"), tr(server, "Profile created. Fill it in with the owner.")
    )
    # The profile starts where the cohort is.
    assert page.input_value("#province_code") == "52"
    assert page.input_value("#regency_code") == "52.03"

    page.select_option("#legal_form", "kube")
    page.select_option("#sector", "fashion")
    page.fill("#products", "Kain tenun ikat Sasak, selendang")
    page.fill("#employees", "5")
    page.fill("#women_employees", "5")
    page.fill("#ask_amount", "8.000.000")
    page.check("input[name=ask_instruments][value=kur]")
    submit(page, "#products")
    expect_text(page.locator(".flash-success"), tr(server, "Saved."))

    # Mentoring completed: the enrolment's status in the cohort table.
    page.goto(cohort_url)
    row = page.locator("table.table tr", has_text="Tenun Ikat Inaq Rumini")
    row.locator("select[name=status]").select_option("completed")
    row.locator("button").click()
    expect_text(page.locator(".flash-success"), tr(server, "Saved."))
    assert (
        page.locator("table.table tr", has_text="Tenun Ikat Inaq Rumini")
        .locator("select[name=status]")
        .input_value()
        == "completed"
    )

    # Completed mentoring stands in for six months of trading; the facilitator vouches for it.
    page.goto(f"{enterprise_url}/readiness")
    trading_label = tr_item(server, "trading_6_months")
    today = formatting.date(dt.date.today(), locale=LOCALE)
    trading = page.locator("ul.checklist li", has_text=trading_label)
    assert "met" in trading.get_attribute("class").split()
    trading.locator("form[action$='/attest/trading_6_months'] button").click()
    expect_text(page.locator(".flash-success"), tr(server, "Saved."))
    expect_text(
        page.locator("ul.checklist li", has_text=trading_label).locator(".badge.ok"),
        tr(
            server,
            "Verified by facilitator %(name)s on %(date)s",
            name="Baiq Nurul Hidayati",
            date=today,
        ),
    )
    assert_fits_phone(page)
    screenshot(page, "journey2-attested")

    # The hand-over link, opened by the owner on her own phone.
    page.goto(enterprise_url)
    page.click("form[action$='/invitation'] button")
    link = page.input_value("input.copy")
    assert link.startswith(f"{server.url}/invitation/")
    expect_text(page.locator("main"), "+6281712345678")

    owner = new_page()
    owner.goto(link)
    expect_text(owner.locator("h1"), "Tenun Ikat Inaq Rumini")
    owner.fill("#name", "Inaq Rumini")
    owner.fill("#email", "rumini@example.id")
    owner.fill("#password", server.password)
    submit(owner, "#password")
    owner.wait_for_url(f"**{enterprise_path}/edit")
    expect_text(owner.locator(".flash-success"), tr(server, "Welcome! This profile is yours now."))
    assert owner.input_value("#products") == "Kain tenun ikat Sasak, selendang"
    assert_fits_phone(owner)
    screenshot(owner, "journey2-owner-took-over")


# --- journey 3: an investor and the administrator who verifies them --------------------------
def test_investor_states_a_sharia_mandate_and_sees_finances_only_once_verified(
    page, new_page, live_server
):
    server = live_server
    register(
        page,
        server,
        role="investor",
        name="Hendra Wijaya",
        organisation="Dana Ummat Sejahtera",
        email="hendra@danaummat.example.id",
    )

    page.click("main a[href='/mandate']")
    page.select_option("#investor_kind", "sharia_financier")
    page.check("input[name=sectors][value=food]")
    page.check("input[name=sectors][value=fashion]")
    page.select_option("#provinces", ["32", "52"])
    page.fill("#ticket_min", "100.000.000")  # the wrong input: smallest above largest
    page.fill("#ticket_max", "10.000.000")
    page.check("input[name=instruments][value=mudharabah]")
    page.check("input[name=instruments][value=murabahah]")
    page.check("#sharia_only")
    page.check("input[name=impact_themes][value=women_led]")
    page.select_option("#min_stage", "layak")
    page.fill("#thesis", "Pembiayaan syariah untuk UMKM perempuan di Jawa Barat dan NTB.")
    submit(page, "#thesis")

    expect_text(
        field_error(page, "ticket_max"),
        tr(server, "The largest ticket must be at least the smallest."),
    )
    assert page.input_value("#ticket_min") == "100.000.000"
    assert page.input_value("#ticket_max") == "10.000.000"
    assert page.input_value("#investor_kind") == "sharia_financier"
    assert page.is_checked("input[name=sectors][value=fashion]")
    assert page.is_checked("input[name=instruments][value=murabahah]")
    assert page.is_checked("#sharia_only")
    assert page.is_checked("input[name=impact_themes][value=women_led]")
    assert page.eval_on_selector(
        "#provinces", "s => Array.from(s.selectedOptions).map(o => o.value)"
    ) == ["32", "52"]
    assert page.input_value("#thesis").startswith("Pembiayaan syariah")
    assert_fits_phone(page)

    page.fill("#ticket_min", "10.000.000")
    page.fill("#ticket_max", "100.000.000")
    submit(page, "#thesis")
    page.wait_for_url(re.compile(r"/investors/\d+$"))
    expect_text(page.locator(".flash-success"), tr(server, "Mandate saved."))
    facts = page.locator("dl.facts")
    expect_text(facts, tr_label(server, vocab.INVESTOR_KINDS, "sharia_financier"))
    expect_text(facts, tr_label(server, vocab.INSTRUMENTS, "mudharabah"))
    expect_text(facts, tr(server, "sharia only"))
    expect_text(facts, "Nusa Tenggara Barat")
    expect_text(
        facts, f"{formatting.rupiah(10_000_000, 'id')} – {formatting.rupiah(100_000_000, 'id')}"
    )
    assert_fits_phone(page)
    screenshot(page, "journey3-mandate")

    # Unverified: the published profile shows its summary, never its finances.
    capital = formatting.rupiah(server.published_capital, LOCALE)
    profile_path = f"/enterprises/{server.published_enterprise_id}"
    page.goto(profile_path)
    expect_text(page.locator("h1"), server.published_enterprise_name)
    expect_text(
        page.locator("main"),
        tr(
            server,
            "You see the public summary. Finances and documents open once an "
            "administrator has verified your organisation.",
        ),
    )
    assert capital not in page.inner_text("main")
    assert page.locator("a[href$='/readiness']").count() == 0

    admin = new_page()
    log_in(admin, server, server.admin_email)
    admin.click("main a[href*='/admin/organisations']")
    # The queue card says who registered it and from which e-mail domain.
    card = admin.locator("article.card", has_text="Dana Ummat Sejahtera")
    expect_text(card.locator("dl.facts"), "example.id")
    assert_fits_phone(admin)
    screenshot(admin, "journey3-verification-queue")
    card.locator("form[action$='/verify'] button").click()
    expect_text(admin.locator(".flash-success"), tr(server, "Saved."))
    assert (
        admin.locator("li.card", has_text="Dana Ummat Sejahtera")
        .locator("input[name=undo]")
        .count()
        == 1
    )

    page.reload()
    expect_text(page.locator("dl.facts", has_text=tr(server, "Business capital")), capital)
    assert page.locator(".flash-info").count() == 0
    assert_fits_phone(page)
    screenshot(page, "journey3-finances-visible")


def test_monthly_revenue_typed_before_a_wrong_capital_is_still_there(page, live_server):
    register(
        page,
        live_server,
        role="owner",
        name="Yuni Astuti",
        organisation="Warung Bu Yuni",
        email="yuni@example.id",
    )
    page.click("main a[href$='/edit']")
    months = page.locator("input[name^=revenue_]")
    for month_input in months.all():
        month_input.fill("7.500.000")
    page.fill("#capital", "lima juta")
    submit(page, "#capital")
    expect_text(
        field_error(page, "capital"),
        tr(
            live_server,
            "Enter an amount in rupiah, for example 50,000,000, 50 jt (juta) or 1.5 miliar.",
        ),
    )
    assert [m.input_value() for m in months.all()] == ["7.500.000"] * months.count()


# --- journey: a forgotten password -----------------------------------------------------------
def test_a_forgotten_password_is_reset_by_mail_and_every_old_session_ends(new_page, live_server):
    server = live_server
    page, other_phone = new_page(), new_page()
    register(
        page,
        server,
        role="owner",
        name="Rina Kartika",
        organisation="Sambal Bu Rina",
        email="rina@example.id",
    )
    log_in(other_phone, server, "rina@example.id")  # a phone left logged in somewhere
    page.locator(".nav-more summary").click()  # log-out sits under "Lainnya" (More)
    page.locator("form[action$='/logout'] button").click()

    page.goto("/login")
    page.click("main a[href$='/password/forgot']")
    page.fill("#email", "rina@example.id")
    submit(page, "#email")
    expect_text(
        page.locator(".flash-info"),
        tr(
            server,
            "If an account has this address, we sent it a link to set a new password. The link"
            " works for one hour.",
        ),
    )
    assert_fits_phone(page)

    page.goto(mailed_link("rina@example.id", "password/reset"))
    page.fill("#password", "12345678")  # the wrong input: a common password
    submit(page, "#password")
    expect_text(
        field_error(page, "password"),
        tr(server, "This password is too common. Choose a longer phrase, for example three words."),
    )
    page.fill("#password", "rendang-Padang-pedas-7")
    submit(page, "#password")
    page.wait_for_url("**/login")
    expect_text(
        page.locator(".flash-success"),
        tr(server, "Your password is changed and every session was ended. Log in with it now."),
    )

    other_phone.goto("/dashboard")
    other_phone.wait_for_url("**/login*")  # the old session is gone

    page.fill("#email", "rina@example.id")
    page.fill("#password", server.password)  # the old password no longer works
    submit(page, "#password")
    expect_text(
        page.locator("main"),
        tr(server, "The e-mail address or the password is not correct."),
    )
    page.fill("#email", "rina@example.id")
    page.fill("#password", "rendang-Padang-pedas-7")
    submit(page, "#password")
    page.wait_for_url("**/dashboard")
    # The link worked once only.
    page.goto(mailed_link("rina@example.id", "password/reset"))
    expect_text(page.locator("main h1"), tr(server, "This link does not work any more"))
