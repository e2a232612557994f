"""Actions where people look (issue 13): shortlist, meeting and data-room buttons on search
cards, profiles and the deck page, coming back to where the investor was; /matches beyond the
top 20; introduction requests through the pages."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from marketplace.extensions import db
from marketplace.matching import introductions, shortlists
from marketplace.matching.models import IntroductionRequest
from marketplace.pitches import data_room
from marketplace.pitches import services as pitches
from tests.matching.helpers import published


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_search_card_offers_the_investor_actions_to_a_verified_investor_only(client, login, make):
    _, enterprise = published(make, name="Keripik Bu Sri")
    investor = make.investor()
    owner = make.owner()
    db.session.commit()

    anonymous = client.get("/search?q=keripik").get_data(as_text=True)
    assert f'action="/shortlist/add/{enterprise.id}"' not in anonymous
    page = login(investor).get("/search?q=keripik").get_data(as_text=True)
    assert f'action="/shortlist/add/{enterprise.id}"' in page
    assert f"/enterprises/{enterprise.id}/meetings/new" in page
    assert f'action="/enterprises/{enterprise.id}/data-room/request"' in page
    assert f'name="next" value="/search?q=keripik#e-{enterprise.id}"' in page
    other = client.application.test_client()
    as_owner = login(owner, on=other).get("/search?q=keripik").get_data(as_text=True)
    assert f'action="/shortlist/add/{enterprise.id}"' not in as_owner


def test_shortlisting_from_a_card_comes_back_to_the_search_with_a_message(client, login, make):
    _, enterprise = published(make, name="Keripik Bu Sri")
    investor = make.investor()
    db.session.commit()
    login(investor)

    response = client.post(
        f"/shortlist/add/{enterprise.id}", data={"next": "/search?q=keripik&page=2"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/search?q=keripik&page=2"
    page = client.get("/search?q=keripik").get_data(as_text=True)
    assert "Keripik Bu Sri" in page and "on-shortlist" in page
    assert shortlists.on_shortlist(investor.organisation_id, enterprise.id)


def test_shortlisting_from_a_card_comes_back_to_that_card_on_search_and_matches(
    client, login, make
):
    # Issue 13: the investor landed at the top of a long list, not at the card they used.
    _, enterprise = published(make, name="Keripik Bu Sri")
    investor = make.investor()
    make.mandate(investor, instruments=["kur"], min_stage="belum_layak", sectors=["food"])
    db.session.commit()
    login(investor)

    for url in ("/search?q=keripik", "/matches"):
        page = client.get(url).get_data(as_text=True)
        card = f'id="e-{enterprise.id}"'
        assert card in page
        forms = page.split(card, 1)[1].split("</article>", 1)[0]
        assert (
            forms.count(f'name="next" value="{url}#e-{enterprise.id}"') == 2
        )  # shortlist, data room

    back = client.post(
        f"/shortlist/add/{enterprise.id}", data={"next": f"/matches#e-{enterprise.id}"}
    )
    assert back.headers["Location"] == f"/matches#e-{enterprise.id}"


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/x", "/\\evil"])
def test_an_outside_next_is_ignored_and_the_entry_is_shown(client, login, make, target):
    _, enterprise = published(make)
    investor = make.investor()
    db.session.commit()
    response = login(investor).post(f"/shortlist/add/{enterprise.id}", data={"next": target})
    assert response.headers["Location"].startswith("/shortlist/")


def test_the_data_room_is_requested_from_a_card_and_the_investor_stays(client, login, make):
    _, enterprise = published(make, name="Keripik Bu Sri")
    investor = make.investor()
    db.session.commit()
    login(investor)
    data = {"message": "Kami menyalurkan KUR.", "next": "/search?q=keripik"}

    sent = client.post(f"/enterprises/{enterprise.id}/data-room/request", data=data)
    again = client.post(f"/enterprises/{enterprise.id}/data-room/request", data=data)

    assert sent.headers["Location"] == "/search?q=keripik"
    assert again.headers["Location"] == "/search?q=keripik"
    assert data_room.open_request(organisation_id=investor.organisation_id, enterprise=enterprise)
    page = client.get("/search?q=keripik").get_data(as_text=True)
    assert f'action="/enterprises/{enterprise.id}/data-room/request"' not in page


def test_an_unverified_investor_cannot_request_from_a_card(client, login, make):
    _, enterprise = published(make)
    investor = make.investor(verified=False)
    db.session.commit()
    response = login(investor).post(
        f"/enterprises/{enterprise.id}/data-room/request",
        data={"message": "Halo", "next": "/search"},
    )
    assert response.status_code == 403


def test_matches_go_beyond_the_top_twenty(client, login, make):
    for n in range(23):
        published(make, name=f"Usaha {n:02d}")
    investor = make.investor()
    make.mandate(investor, instruments=["kur"], min_stage="belum_layak", sectors=["food"])
    db.session.commit()
    login(investor)

    first = client.get("/matches").get_data(as_text=True)
    second = client.get("/matches?page=2").get_data(as_text=True)

    assert first.count('class="card match"') == 20 and 'id="next-page"' in first
    assert second.count('class="card match"') == 3 and 'id="next-page"' not in second
    names = {f"Usaha {n:02d}" for n in range(23)}
    assert {n for n in names if n in first} | {n for n in names if n in second} == names
    assert client.get("/matches?page=99").status_code == 200


def test_a_profile_offers_the_deck_only_when_there_is_one(client, make):
    owner, with_deck = published(make, name="Dengan Deck")
    pitches.upload_deck(actor=owner, enterprise=with_deck, files=[("a.pdf", _pdf())])
    _, without = published(make, name="Tanpa Deck")
    db.session.commit()

    assert "/deck" not in client.get(f"/enterprises/{without.id}").get_data(as_text=True)
    page = client.get(f"/enterprises/{with_deck.id}").get_data(as_text=True)
    assert f"/enterprises/{with_deck.id}/deck" in page


def test_the_profile_and_deck_pages_offer_the_actions_and_come_back(client, login, make):
    investor = make.investor()
    db.session.commit()
    login(investor)
    for page_of in ("", "/deck"):  # an enterprise each: once shortlisted, the button goes
        owner, enterprise = published(make)
        pitches.upload_deck(actor=owner, enterprise=enterprise, files=[("a.pdf", _pdf())])
        db.session.commit()
        url = f"/enterprises/{enterprise.id}{page_of}"
        page = client.get(url).get_data(as_text=True)
        assert f'name="next" value="{url}"' in page
        assert f"/enterprises/{enterprise.id}/meetings/new" in page
        back = client.post(f"/shortlist/add/{enterprise.id}", data={"next": url})
        assert back.headers["Location"] == url
        assert "on-shortlist" in client.get(url).get_data(as_text=True)


def test_the_profile_and_deck_pages_know_the_shortlist_and_the_open_data_room(client, login, make):
    # The deck page used to offer "Add to shortlist" and "Request the data room" again.
    owner, enterprise = published(make)
    pitches.upload_deck(actor=owner, enterprise=enterprise, files=[("a.pdf", _pdf())])
    investor = make.investor()
    db.session.commit()
    shortlists.add_to_shortlist(actor=investor, enterprise=enterprise)
    request = data_room.request_access(investor=investor, enterprise=enterprise, message="Boleh?")
    db.session.commit()
    login(investor)
    client.post("/language", data={"locale": "en"})
    pages = (f"/enterprises/{enterprise.id}", f"/enterprises/{enterprise.id}/deck")

    for url in pages:
        page = client.get(url).get_data(as_text=True)
        assert "on-shortlist" in page, url
        assert f'action="/shortlist/add/{enterprise.id}"' not in page, url
        assert "Data room requested" in page, url

    data_room.decide_access(actor=owner, access_request=request, decision="accept")
    db.session.commit()
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        assert "Open the data room" in page, url


def test_an_owner_asks_for_an_introduction_and_the_investor_accepts(client, login, make):
    owner, enterprise = published(make, name="Keripik Bu Sri")
    investor = make.investor()
    make.mandate(investor, investor_kind="bank", instruments=["kur"], min_stage="belum_layak")
    db.session.commit()
    organisation_id = investor.organisation_id
    login(owner)

    fits = client.get(f"/enterprises/{enterprise.id}/matches").get_data(as_text=True)
    form_url = f"/enterprises/{enterprise.id}/introductions/new/{organisation_id}"
    assert form_url in fits
    empty = client.post(form_url, data={"message": " ", "instrument": "kur"})
    assert empty.status_code == 422
    sent = client.post(form_url, data={"message": "Kami butuh oven.", "instrument": "kur"})
    assert sent.headers["Location"] == f"/enterprises/{enterprise.id}/introductions"
    assert "Kami butuh oven." in client.get(sent.headers["Location"]).get_data(as_text=True)

    other = client.application.test_client()
    login(investor, on=other)
    inbox = other.get("/introductions").get_data(as_text=True)
    assert "Keripik Bu Sri" in inbox and "Kami butuh oven." in inbox
    introduction = db.session.query(IntroductionRequest).one()
    accepted = other.post(f"/introductions/{introduction.id}/accept")
    assert accepted.headers["Location"].startswith("/shortlist/")
    assert shortlists.on_shortlist(organisation_id, enterprise.id)


def test_an_unconfirmed_owner_cannot_ask_for_an_introduction(client, login, make):
    owner, enterprise = published(make)
    investor = make.investor()
    owner.email_confirmed_at = None
    db.session.commit()
    url = f"/enterprises/{enterprise.id}/introductions/new/{investor.organisation_id}"
    assert login(owner).post(url, data={"message": "Halo"}).status_code == 403
    assert db.session.query(IntroductionRequest).count() == 0


def test_another_investor_organisation_cannot_answer(client, login, make):
    owner, enterprise = published(make)
    investor = make.investor()
    introduction = introductions.request_introduction(
        actor=owner, enterprise=enterprise, organisation=investor.organisation, message="Halo"
    )
    outsider = make.investor()
    db.session.commit()
    response = login(outsider).post(f"/introductions/{introduction.id}/accept")
    assert response.status_code == 404
    assert "Halo" not in client.get("/introductions").get_data(as_text=True)


def test_an_owner_can_ask_from_the_investor_page_only_a_verified_organisation(client, login, make):
    owner, enterprise = published(make)
    verified = make.investor()
    make.mandate(verified)
    unverified = make.investor(verified=False)
    make.mandate(unverified)
    db.session.commit()
    login(owner)
    ask = f"/enterprises/{enterprise.id}/introductions/new/"
    page = client.get(f"/investors/{verified.organisation_id}").get_data(as_text=True)
    assert ask + str(verified.organisation_id) in page
    page = client.get(f"/investors/{unverified.organisation_id}").get_data(as_text=True)
    assert ask not in page
