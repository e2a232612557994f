"""Issue 13: the owner's next actions sit on the dashboard, and "see my profile as an investor
sees it" is a real preview (the page rendered for a stand-in verified investor)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from marketplace.extensions import db
from marketplace.pitches import services as pitches
from marketplace.profiles import enterprises as enterprise_services
from tests.matching.helpers import PUBLISHABLE

NIK = "3175 0101 0190 0001"


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def owner_and_enterprise(make):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    enterprise_services.update_profile(actor=owner, enterprise=enterprise, data={}, nik=NIK)
    for name, value in PUBLISHABLE.items():
        setattr(enterprise, name, value)
    enterprise.owner_name = "Sri Wahyuni"
    enterprise.owner_phone = "081234567890"
    enterprise.annual_turnover = 120_000_000
    enterprise.women_led = True
    enterprise.share_women_led = False  # no consent: investors must not see it
    enterprise.disability_inclusive = True
    enterprise.share_disability_inclusive = True  # consent: investors see it
    db.session.commit()
    return owner, enterprise


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# --- the dashboard ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("locale", "publish", "upload"),
    [("id", "Terbitkan", "Unggah pitch deck"), ("en", "Publish", "Upload the pitch deck")],
)
def test_a_ready_draft_offers_publish_and_the_deck_on_the_dashboard(
    client, login, owner_and_enterprise, locale, publish, upload
):
    owner, enterprise = owner_and_enterprise
    owner.locale = locale
    db.session.commit()
    login(owner)

    page = _page(client, "/dashboard")

    assert f'action="/enterprises/{enterprise.id}/publish"' in page
    assert f">{publish}</button>" in page
    assert f'href="/enterprises/{enterprise.id}/deck/upload"' in page and upload in page
    assert f'href="/enterprises/{enterprise.id}/data-room"' in page
    assert f'href="/enterprises/{enterprise.id}/preview"' in page


def test_a_draft_with_missing_fields_offers_no_publish_button(client, login, make):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    db.session.commit()
    login(owner)
    page = _page(client, "/dashboard")
    assert f'action="/enterprises/{enterprise.id}/publish"' not in page
    assert "publish-ready" not in page


def test_once_there_is_a_deck_the_dashboard_links_to_it(client, login, owner_and_enterprise):
    owner, enterprise = owner_and_enterprise
    enterprise_services.publish_profile(actor=owner, enterprise=enterprise)
    pitches.upload_deck(actor=owner, enterprise=enterprise, files=[("a.pdf", _pdf())])
    db.session.commit()
    login(owner)

    page = _page(client, "/dashboard")

    assert f'href="/enterprises/{enterprise.id}/deck"' in page
    assert f'href="/enterprises/{enterprise.id}/deck/upload"' not in page
    assert f'action="/enterprises/{enterprise.id}/publish"' not in page  # already published


# --- the preview --------------------------------------------------------------------------------
@pytest.mark.parametrize("published", [False, True])
def test_the_preview_shows_what_a_verified_investor_sees(
    app, client, login, make, owner_and_enterprise, published
):
    owner, enterprise = owner_and_enterprise
    if published:
        enterprise_services.publish_profile(actor=owner, enterprise=enterprise)
        db.session.commit()
    login(owner)

    preview = _page(client, f"/enterprises/{enterprise.id}/preview")

    assert "preview-banner" in preview and 'href="/dashboard"' in preview
    # The NIK masked, never whole; the phone and editor controls gone.
    assert "3175********0001" in preview
    assert "3175010101900001" not in preview and NIK not in preview
    assert "081234567890" not in preview
    for control in ("/edit", "/publish", "/unpublish", "/documents", "/photos"):
        assert f'/enterprises/{enterprise.id}{control}"' not in preview, control
    # Sensitive attributes: shown with consent only, as to an investor; finances shown.
    assert "Dipimpin perempuan" not in preview and "Women-led" not in preview
    assert "Inklusif disabilitas" in preview  # shared with consent
    assert "hidden from investors" not in preview and "disembunyikan dari investor" not in preview
    assert "Rp120.000.000" in preview.replace("\xa0", "")
    if published:
        investor_client = app.test_client()
        login(make.investor(), on=investor_client)
        seen = _page(investor_client, f"/enterprises/{enterprise.id}")
        # Same sensitive rows and NIK as the real investor's page.
        assert ("3175********0001" in seen) and ("Dipimpin perempuan" not in seen)
        for marker in ("Inklusif disabilitas", "Disability-inclusive"):
            assert (marker in seen) is (marker in preview)


def test_the_owners_own_page_still_shows_the_full_nik(client, login, owner_and_enterprise):
    owner, enterprise = owner_and_enterprise
    login(owner)
    page = _page(client, f"/enterprises/{enterprise.id}")
    assert "3175010101900001" in page and "preview-banner" not in page


def test_only_the_profiles_editors_open_the_preview(app, client, login, make, owner_and_enterprise):
    owner, enterprise = owner_and_enterprise
    enterprise_services.publish_profile(actor=owner, enterprise=enterprise)
    db.session.commit()
    url = f"/enterprises/{enterprise.id}/preview"
    assert client.get(url).status_code == 302  # to the login page
    for other in (make.investor(), make.owner()):
        other_client = app.test_client()
        login(other, on=other_client)
        assert other_client.get(url).status_code == 403
