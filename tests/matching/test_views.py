"""Matching pages: search in the URL, matches with reasons, shortlists, meetings, .ics."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from icalendar import Calendar

from marketplace import mail
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
    published(make, name="Keripik Bogor", regency_code="32.01")
    published(make, name="Keripik Bandung", regency_code="32.73")
    assert 'data-facet="regency-' not in client.get("/search?q=keripik").get_data(as_text=True)
    page = client.get("/search?q=keripik&province=32&regency=32.01").get_data(as_text=True)
    # Multi-select: with Bogor chosen, Kota Bandung still shows what it would add.
    assert 'data-facet="regency-32.01"' in page and 'data-facet="regency-32.73"' in page
    assert "Keripik Bogor" in page and "Keripik Bandung" not in page


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
    published(make, name="Keripik Bandung", province_code="32", regency_code="32.73")
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
    assert "Keripik Bogor" in page and "Keripik Bandung" not in page
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
