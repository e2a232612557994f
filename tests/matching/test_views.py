"""Matching pages: search in the URL, matches with reasons, shortlists, meetings, .ics."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask_babel import force_locale
from icalendar import Calendar
from sqlalchemy import select

from marketplace import mail, vocab
from marketplace.extensions import db
from marketplace.matching import meetings, shortlists
from tests.matching.helpers import future, published


def test_a_search_with_filters_and_paging_lives_in_the_url(client, make):
    for n in range(23):
        published(make, name=f"Keripik {n}", products="Keripik singkong")
    published(make, name="Batik Solo", sector="fashion", products="Batik tulis")

    page = client.get("/search?q=kripik&sector=food&sort=newest&page=2").get_data(as_text=True)

    assert "23 enterprises" in page or "23 usaha" in page
    assert "<mark>Keripik</mark>" in page
    assert "Batik Solo" not in page
    previous = next(p for p in page.split('href="') if p.startswith("/search?") and "page=1" in p)
    args = parse_qs(urlsplit(previous.split('"')[0].replace("&amp;", "&")).query)
    assert args["q"] == ["kripik"] and args["sector"] == ["food"] and args["sort"] == ["newest"]


def test_facet_links_add_and_remove_a_filter(client, make):
    published(make, name="Keripik A")
    page = client.get("/search?q=keripik").get_data(as_text=True)
    assert 'data-facet="sector-food"' in page
    assert "/search?q=keripik&amp;sector=food" in page


def test_matches_show_reasons_to_a_verified_investor_only(client, login, make):
    _, enterprise = published(make, name="Keripik Bu Sri", ask_amount=50_000_000)
    investor = make.investor()
    make.mandate(investor, instruments=["kur"], min_stage="belum_layak", sectors=["food"])
    unverified = make.investor(verified=False)
    make.mandate(unverified, instruments=["kur"], min_stage="belum_layak")
    db.session.commit()

    page = login(investor).get("/matches").get_data(as_text=True)
    assert "Keripik Bu Sri" in page and 'class="why"' in page

    other = client.application.test_client()
    hidden = login(unverified, on=other).get("/matches").get_data(as_text=True)
    assert "Keripik Bu Sri" not in hidden


def test_an_owner_sees_the_investors_that_fit_and_another_owner_cannot(client, login, make):
    owner, enterprise = published(make)
    bank = make.investor()
    make.mandate(bank, investor_kind="bank", instruments=["kur"], min_stage="belum_layak")
    stranger = make.owner()
    db.session.commit()
    page = login(owner).get(f"/enterprises/{enterprise.id}/matches").get_data(as_text=True)
    assert bank.organisation.name in page
    assert login(stranger).get(f"/enterprises/{enterprise.id}/matches").status_code == 403


@pytest.mark.parametrize(
    ("locale", "pointer"),
    [("id", "pilih “Minta perkenalan”"), ("en", "choose “Ask for an introduction”")],
)
def test_when_no_investor_fits_the_owner_is_pointed_to_introductions(
    client, login, make, locale, pointer
):
    # Issue 13: "no investor fits" was a dead end; introductions work from any investor's page.
    owner, enterprise = published(make)
    owner.locale = locale
    db.session.commit()
    page = login(owner).get(f"/enterprises/{enterprise.id}/matches").get_data(as_text=True)
    assert "no-fit-introductions" in page and pointer in page
    assert 'href="/investors"' in page


def test_shortlist_flow_moves_notes_and_exports_csv(client, login, make):
    _, enterprise = published(make, name="Keripik Bu Sri")
    investor = make.investor()
    db.session.commit()
    login(investor)

    added = client.post(f"/shortlist/add/{enterprise.id}")
    entry_url = added.headers["Location"]
    client.post(entry_url + "/stage", data={"stage": "meeting"})
    client.post(entry_url + "/notes", data={"body": "Pemilik responsif"})
    page = client.get(entry_url).get_data(as_text=True)
    assert "Pemilik responsif" in page and investor.name in page

    csv = client.get("/shortlist.csv")
    assert csv.mimetype == "text/csv"
    assert "Keripik Bu Sri" in csv.get_data(as_text=True)


def test_an_empty_note_keeps_the_page_with_a_message(client, login, make):
    _, enterprise = published(make)
    investor = make.investor()
    entry = shortlists.add_to_shortlist(actor=investor, enterprise=enterprise)
    db.session.commit()
    response = login(investor).post(f"/shortlist/{entry.id}/notes", data={"body": " "})
    assert response.status_code == 422


def test_another_organisation_gets_404_on_a_shortlist_entry(client, login, make):
    # Another organisation's entry is hidden as if it did not exist; an owner, who keeps no
    # shortlist, is refused whatever the id.
    _, enterprise = published(make)
    entry = shortlists.add_to_shortlist(actor=make.investor(), enterprise=enterprise)
    outsider = make.investor()
    owner = make.owner()
    db.session.commit()
    assert login(outsider).get(f"/shortlist/{entry.id}").status_code == 404
    assert login(owner).get(f"/shortlist/{entry.id}").status_code == 403


def test_meeting_request_accept_and_ics_download_through_the_pages(client, login, make):
    owner, enterprise = published(make)
    investor = make.investor()
    db.session.commit()
    start = future(7).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Jakarta"))
    login(investor)
    sent = client.post(
        f"/enterprises/{enterprise.id}/meetings/new",
        data={
            "message": "Boleh kami berkunjung?",
            "time_1": start.strftime("%Y-%m-%dT%H:%M"),
            "time_2": (start + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "45",
            "place": "Bandung",
        },
    )
    assert sent.status_code == 302
    meeting_url = sent.headers["Location"]
    assert client.get(meeting_url + "/meeting.ics").status_code == 404  # not accepted yet

    owner_client = client.application.test_client()
    login(owner, on=owner_client)
    # The proposed times are laid out one per line (a list item each), the first chosen.
    page = owner_client.get(meeting_url).get_data(as_text=True)
    times = re.findall(r'<li><label class="check"><input type="radio" name="time_id"', page)
    assert len(times) == 2 and '<ul class="checks" id="time_id">' in page
    meeting = meetings.meetings_for(owner)[0]
    answered = owner_client.post(
        meeting_url + "/respond", data={"action": "accept", "time_id": str(meeting.times[0].id)}
    )
    assert answered.status_code == 302

    ics = owner_client.get(meeting_url + "/meeting.ics")
    assert ics.mimetype == "text/calendar"
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert event.decoded("dtstart") == future(7)
    assert {m.to for m in mail.outbox} == {owner.email, investor.email}
    notices = owner_client.get("/notifications").get_data(as_text=True)
    opened = re.search(r'href="(/notifications/\d+)"', notices).group(1)
    assert owner_client.get(opened).headers["Location"] == meeting_url  # read, then there


def test_a_meeting_request_with_a_past_time_keeps_what_was_typed(client, login, make):
    _, enterprise = published(make)
    investor = make.investor()
    db.session.commit()
    response = login(investor).post(
        f"/enterprises/{enterprise.id}/meetings/new",
        data={"message": "Pesan saya", "time_1": "2001-01-01T09:00", "duration_minutes": "60"},
    )
    assert response.status_code == 422
    assert "Pesan saya" in response.get_data(as_text=True)


def test_each_side_reads_whose_answer_a_meeting_waits_for(client, login, make):
    owner, enterprise = published(make)
    investor = make.investor()
    meeting = meetings.request_meeting(
        actor=investor, enterprise=enterprise, message="Halo", times=[future()]
    )
    db.session.commit()
    investor_client = client.application.test_client()
    login(investor, on=investor_client)
    login(owner)

    for url in ("/meetings", f"/meetings/{meeting.id}"):
        assert "Menunggu jawaban Anda" in client.get(url).get_data(as_text=True), url
        theirs = investor_client.get(url).get_data(as_text=True)
        assert "Menunggu usaha" in theirs and "Menunggu jawaban Anda" not in theirs, url


def test_a_stranger_cannot_open_a_meeting(client, login, make):
    _, enterprise = published(make)
    meeting = meetings.request_meeting(
        actor=make.investor(), enterprise=enterprise, message="Halo", times=[future()]
    )
    stranger = make.owner()
    db.session.commit()
    # Hidden as if it did not exist: the stranger is not a party.
    assert login(stranger).get(f"/meetings/{meeting.id}").status_code == 404


@pytest.mark.parametrize(
    ("ask_min", "ask_max"),
    [
        ("50jt", ""),
        ("Rp 50.000.000,00", ""),
        ("50 juta", "1 M"),
        ("Rp50.000.000", "Rp 250.000.000,-"),
    ],
)
def test_the_ask_range_reads_money_as_the_profile_form_does(client, make, ask_min, ask_max):
    published(make, name="Keripik Kecil", ask_amount=10_000_000)
    published(make, name="Keripik Besar", ask_amount=75_000_000)
    response = client.get("/search", query_string={"ask_min": ask_min, "ask_max": ask_max})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Keripik Besar" in page and "Keripik Kecil" not in page


def test_an_ask_the_search_cannot_read_is_named_and_left_out(client, make):
    published(make, name="Keripik Kecil", ask_amount=10_000_000)
    client.post("/language", data={"locale": "en"})
    response = client.get("/search", query_string={"ask_min": "lima juta", "ask_max": "1.5M"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="f-ask-min-error"' in page and 'id="f-ask-max-error"' in page
    assert 'value="lima juta"' in page and 'value="1.5M"' in page
    assert "could not be read" in page and "Keripik Kecil" in page
    assert "<title>Error: " in page  # errors listed by hand count like a form's


def test_a_search_that_reads_every_amount_has_a_plain_title(client):
    page = client.get("/search", query_string={"ask_min": "50 jt"}).get_data(as_text=True)
    assert "<title>Kesalahan: " not in page and "<title>" in page


def test_the_regency_facet_counts_show_once_a_province_is_chosen(client, make):
    _, bogor = published(make, name="Keripik Bogor", regency_code="32.01")
    _, bandung = published(make, name="Keripik Bandung", regency_code="32.73")
    assert 'data-facet="regency-' not in client.get("/search?q=keripik").get_data(as_text=True)
    page = client.get("/search?q=keripik&province=32&regency=32.01").get_data(as_text=True)
    # Multi-select: with Bogor chosen, Kota Bandung still shows what it would add.
    assert 'data-facet="regency-32.01"' in page and 'data-facet="regency-32.73"' in page
    assert f'id="e-{bogor.id}"' in page and f'id="e-{bandung.id}"' not in page


def _card(page: str, enterprise_id: int) -> str:
    return re.search(rf'<article [^>]*id="e-{enterprise_id}">(.*?)</article>', page, re.S).group(1)


def _facet_count(page: str, facet: str) -> int | None:
    found = re.search(rf'data-facet="{re.escape(facet)}">[^<]*\((\d+)\)</a>', page)
    return int(found.group(1)) if found else None


def test_a_search_card_shows_stage_ask_instruments_location_and_a_thumbnail(client, make):
    from marketplace.matching.models import MatchCard
    from marketplace.pitches import services as pitch_services
    from marketplace.profiles.models import ProductPhoto
    from tests.uploads import corpus

    _, pictured = published(
        make,
        name="Keripik Foto",
        ask_amount=1_500_000_000,
        ask_instruments=["kur", "grant"],
        regency_code="32.73",
    )
    photo = ProductPhoto(
        enterprise=pictured, large_key="l", small_key="s", mime="image/jpeg", width=9, height=9
    )
    db.session.add(photo)
    owner, decked = published(make, name="Keripik Dek", regency_code="32.01")
    pitch_services.upload_deck(
        actor=owner, enterprise=decked, files=[("deck.pdf", corpus.build_pdf(["Keripik", "x"]))]
    )
    db.session.commit()  # the deck is processed after the commit

    page = client.get("/search?q=keripik").get_data(as_text=True)
    card = _card(page, pictured.id)
    stage = db.session.scalar(select(MatchCard.stage).where(MatchCard.enterprise_id == pictured.id))
    with force_locale("id"):
        assert f'<span class="badge">{vocab.STAGES[stage]}</span>' in card
        ask = re.search(r'<p class="card-ask">(.*?)</p>', card).group(1)
        assert "Rp1.500.000.000" in ask
        assert str(vocab.INSTRUMENTS["kur"]) in ask and str(vocab.INSTRUMENTS["grant"]) in ask
    assert re.search(r'<p class="muted">[^<]* · Kota Bandung</p>', card)
    # the first product photo, or else the deck's first page, small and lazy
    assert re.search(rf'<img src="/photos/{photo.id}/small"[^>]*loading="lazy"', card)
    deck_card = _card(page, decked.id)
    assert re.search(
        r'<img src="/deck-pages/\d+/small" alt="Slide 1 dari pitch deck Keripik Dek"', deck_card
    )
    assert '<p class="card-stage"><span class="badge">' in deck_card


def test_facet_counts_of_the_other_values_stay_right_after_picking_one(client, make):
    published(make, name="Keripik A", sector="food", province_code="32", regency_code="32.01")
    published(make, name="Keripik B", sector="food", province_code="32", regency_code="32.01")
    published(make, name="Keripik C", sector="food", province_code="34", regency_code="34.71")
    published(make, name="Keripik D", sector="craft", province_code="32", regency_code="32.01")
    page = client.get("/search?q=keripik&sector=food").get_data(as_text=True)
    assert 'id="result-count">3 ' in page
    # the chosen facet counts as if nothing of it were chosen
    assert _facet_count(page, "sector-food") == 3 and _facet_count(page, "sector-craft") == 1
    # another facet counts within the choice
    assert _facet_count(page, "province-32") == 2 and _facet_count(page, "province-34") == 1
    both = client.get("/search?q=keripik&sector=food&province=34").get_data(as_text=True)
    assert _facet_count(both, "sector-food") == 1 and _facet_count(both, "sector-craft") is None
    assert _facet_count(both, "province-32") == 2 and _facet_count(both, "province-34") == 1


def test_the_ask_box_reads_an_amount_in_billions_with_a_decimal_comma(client, make):
    published(make, name="Keripik Besar", ask_amount=1_500_000_000)
    published(make, name="Keripik Sedang", ask_amount=1_000_000_000)
    response = client.get("/search", query_string={"ask_min": "1,5 M"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Keripik Besar" in page and "Keripik Sedang" not in page
    assert 'value="1,5 M"' in page


# --- the priority kabupaten/kota filter ----------------------------------------------------------
def _programme_with_priority(make, facilitator, name, codes):
    from marketplace.programmes import groups

    programme = make.programme(facilitator, name=name)
    groups.set_priority_areas(actor=facilitator, programme=programme, regency_codes=codes)
    db.session.commit()
    return programme


def test_a_facilitator_filters_search_by_its_programmes_priority_kabupaten_kota(
    client, login, make
):
    _, bogor = published(make, name="Keripik Bogor", province_code="32", regency_code="32.01")
    _, bandung = published(make, name="Keripik Bandung", province_code="32", regency_code="32.73")
    facilitator = make.facilitator()
    ours = _programme_with_priority(make, facilitator, "Kemiskinan Ekstrem", ["32.01"])
    make.programme(facilitator, name="Tanpa Daftar")  # no priority list: not offered
    other = _programme_with_priority(make, make.facilitator(), "Program Lain", ["32.73"])
    login(facilitator)

    page = client.get("/search").get_data(as_text=True)
    assert 'id="f-priority"' in page
    assert f'<option value="{ours.id}" >Kemiskinan Ekstrem</option>' in page
    assert "Tanpa Daftar" not in page and "Program Lain" not in page

    page = client.get(f"/search?q=keripik&priority={ours.id}").get_data(as_text=True)
    assert f'<option value="{ours.id}" selected>Kemiskinan Ekstrem</option>' in page
    # Cards by id: the matched word is marked in the card's title.
    assert f'id="e-{bogor.id}"' in page and f'id="e-{bandung.id}"' not in page
    # The chosen programme is carried by the select, not repeated as a hidden field.
    assert f'type="hidden" name="priority" value="{ours.id}"' not in page
    assert bogor.id and other.id


def test_a_verified_investor_is_offered_every_programme_with_a_priority_list(client, login, make):
    facilitator = make.facilitator()
    programme = _programme_with_priority(make, facilitator, "Kemiskinan Ekstrem", ["32.01"])
    login(make.investor())

    page = client.get("/search").get_data(as_text=True)

    assert f'<option value="{programme.id}" >Kemiskinan Ekstrem</option>' in page


@pytest.mark.parametrize("who", ["anonymous", "owner", "unverified investor"])
def test_the_priority_filter_is_not_offered_to_those_who_cannot_see_programmes(
    client, login, make, who
):
    facilitator = make.facilitator()
    programme = _programme_with_priority(make, facilitator, "Kemiskinan Ekstrem", ["32.01"])
    if who == "owner":
        login(make.owner())
    elif who == "unverified investor":
        login(make.investor(verified=False))

    page = client.get(f"/search?priority={programme.id}").get_data(as_text=True)

    assert 'id="f-priority"' not in page and "Kemiskinan Ekstrem" not in page
    # A link from a programme page still keeps its filter through the next search.
    assert f'type="hidden" name="priority" value="{programme.id}"' in page
