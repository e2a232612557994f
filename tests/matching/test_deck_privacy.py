"""Only the deck pages everyone may read (the first PUBLIC_PAGES) answer searches and feed match
cards: a word on a data-room page must not reveal, by a hit, that the private deck says it.
Runs on Whoosh, and on PostgreSQL too when the suite runs on PostgreSQL."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.matching import search
from marketplace.matching.search import indexing
from marketplace.pitches import data_room
from marketplace.pitches import permissions as pitch_permissions
from marketplace.pitches import services as pitch_services
from tests.conftest import PG_URL
from tests.matching.helpers import prepare_backend, published
from tests.uploads import corpus

BACKENDS = ["whoosh"] + (["postgres"] if PG_URL else [])
# One distinctive word a page; pages 1 and 2 are public, 3 and 4 only for the data room.
PAGES = ["Durian montong pilihan", "Kelapa muda segar", "Vanili organik", "Cengkeh kering"]


@pytest.fixture(params=BACKENDS)
def app_config(request):
    return {"SEARCH_BACKEND": request.param}


@pytest.fixture
def deck_owner(app, make):
    prepare_backend(app)
    owner, enterprise = published(make, name="Usaha Tani Makmur", products="Hasil kebun")
    pitch_services.upload_deck(
        actor=owner, enterprise=enterprise, files=[("deck.pdf", corpus.build_pdf(PAGES))]
    )
    db.session.commit()  # processing runs inline after the commit, then the index job
    return owner, enterprise


def found(client, word: str, enterprise) -> bool:
    response = client.get(f"/search?q={word}")
    assert response.status_code == 200
    return f'href="/enterprises/{enterprise.id}"' in response.text


def test_the_public_pages_are_two():
    # The words above assume it; change PAGES with the rule.
    assert pitch_permissions.PUBLIC_PAGES == 2


@pytest.mark.parametrize("word", ["vanili", "cengkeh"])
def test_a_word_only_on_a_private_page_finds_nothing_for_anonymous_or_investors(
    client, make, login, deck_owner, word
):
    _, enterprise = deck_owner
    assert not found(client, word, enterprise)
    login(make.investor())
    assert not found(client, word, enterprise)
    assert search.search(search.SearchQuery(text=word)).ids == []


@pytest.mark.parametrize("word", ["durian", "kelapa"])
def test_a_word_on_a_public_page_finds_the_enterprise(client, make, login, deck_owner, word):
    _, enterprise = deck_owner
    assert found(client, word, enterprise)
    login(make.investor())
    assert found(client, word, enterprise)


def test_the_snippet_quotes_private_pages_only_to_investors_with_access(
    client, make, login, deck_owner
):
    owner, enterprise = deck_owner
    page = client.get("/search?q=durian").text
    assert "Vanili" not in page and "Durian" in page
    investor = make.investor()
    access = data_room.request_access(
        investor=investor, enterprise=enterprise, message="Kami investor pertanian di Jawa Barat."
    )
    data_room.decide_access(actor=owner, access_request=access, decision="accept")
    db.session.commit()
    login(investor)
    # Still no hit on the private page (the index holds the public pages only) ...
    assert not found(client, "vanili", enterprise)
    # ... but a hit elsewhere may quote the whole deck to someone who may read it.
    assert "Vanili" in client.get("/search?q=durian").text


def test_match_cards_hold_the_public_pages_words_only(deck_owner):
    _, enterprise = deck_owner
    _, cards = indexing.index_entries(session=db.session, enterprise_ids=[enterprise.id])
    assert {"durian", "kelapa"} <= cards[0].text_terms
    assert not {"vanili", "cengkeh"} & cards[0].text_terms


def test_each_deck_page_keeps_its_own_text(deck_owner):
    _, enterprise = deck_owner
    version = pitch_services.deck_of(enterprise).versions[0]
    assert [page.text for page in version.pages] == PAGES
