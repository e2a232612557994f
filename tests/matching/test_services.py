"""Matching services: what reaches the index and the match lists, shortlists, meeting requests."""

from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale
from icalendar import Calendar

from marketplace import mail
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.matching import cards, meetings, search, services, shortlists
from marketplace.matching.search import indexing
from marketplace.notifications.models import Notification
from marketplace.profiles.models import LegalDocument
from tests.matching.helpers import future, published


# --- index documents and search ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("attribute", "shared", "expected"),
    [
        ("women_led", False, ()),
        ("women_led", True, ("women_led",)),
        ("pkh_graduate", False, ()),
        ("pkh_graduate", True, ("pkh_graduate",)),
        ("disability_inclusive", True, ("disability_inclusive",)),
    ],
)
def test_sensitive_themes_reach_the_index_only_with_consent(make, attribute, shared, expected):
    _, enterprise = published(make, **{attribute: True, f"share_{attribute}": shared})
    doc = indexing.build_search_doc(enterprise)
    assert tuple(doc.impact_themes) == expected
    theme_filter = search.SearchQuery(impact_themes=(attribute,))
    assert (enterprise.id in search.search(theme_filter).ids) is shared


def test_an_expired_document_is_not_held_but_a_halal_certificate_never_expires(make):
    _, enterprise = published(make, documents=("nib",))
    for kind in ("spp_irt", "halal"):
        db.session.add(
            LegalDocument(
                enterprise=enterprise,
                kind=kind,
                number="P-IRT 2063201010123-29" if kind == "spp_irt" else "ID32110000012345",
                issued_on=dt.date(2015, 1, 1),
                expires_on=dt.date(2020, 1, 1),
            )
        )
    db.session.flush()
    assert indexing.build_search_doc(enterprise).documents == ("halal", "nib")


def test_a_draft_is_never_built_into_an_index_document(make):
    owner = make.owner()
    with pytest.raises(ValueError):
        indexing.build_search_doc(make.enterprise_of(owner))


def test_a_stale_index_entry_of_an_unpublished_profile_never_reaches_the_results(make):
    _, enterprise = published(make, name="Keripik Basi")
    doc = indexing.build_search_doc(enterprise)
    enterprise.status = "draft"  # unpublished without the services: the index is now stale
    db.session.commit()
    search.index_documents([doc])
    page = services.run_search(viewer=make.admin(), query=search.SearchQuery(text="basi"))
    assert search.search(search.SearchQuery(text="basi")).ids == [enterprise.id]
    assert page.items == []


def test_filters_on_full_profile_data_are_ignored_for_an_unverified_investor(make):
    _, with_nib = published(make, name="Keripik A", documents=("nib",))
    _, without = published(make, name="Keripik B")
    query = search.SearchQuery(documents=("nib",), with_facets=True)

    verified = services.run_search(viewer=make.investor(), query=query)
    unverified = services.run_search(viewer=make.investor(verified=False), query=query)

    assert [i.enterprise.id for i in verified.items] == [with_nib.id]
    assert {i.enterprise.id for i in unverified.items} == {with_nib.id, without.id}
    assert "documents" in verified.facets and "documents" not in unverified.facets
    assert "impact_themes" not in unverified.facets


@pytest.mark.parametrize(
    ("priority", "regency_filter", "expected"),
    [
        (["32.01"], (), {"bogor"}),
        (["32.01", "31.71"], (), {"bogor", "jaktim"}),
        (["32.01", "31.71"], ("31.71",), {"jaktim"}),
        (["32.01"], ("31.71",), set()),
        ([], (), set()),  # a programme without a list keeps nothing
    ],
)
def test_search_keeps_enterprises_in_a_programmes_priority_kabupaten_kota(
    make, priority, regency_filter, expected
):
    from marketplace.programmes import groups

    places = {"bogor": ("32", "32.01"), "jaktim": ("31", "31.71"), "bandung": ("32", "32.73")}
    ids = {}
    for name, (province, regency) in places.items():
        _, enterprise = published(make, province_code=province, regency_code=regency)
        ids[enterprise.id] = name
    facilitator = make.facilitator()
    programme = make.programme(facilitator)
    groups.set_priority_areas(actor=facilitator, programme=programme, regency_codes=priority)
    db.session.commit()
    query = search.SearchQuery(priority_programme_ids=(programme.id,), regency_codes=regency_filter)
    page = services.run_search(viewer=make.investor(), query=query)
    assert {ids[i.enterprise.id] for i in page.items} == expected


@pytest.mark.parametrize(
    ("query", "products"),
    [
        ("pemasaran", "Jasa memasarkan produk desa"),
        ("pemasaran", "Kopi yang dipasarkan ke kota"),
        ("kripik", "Keripik singkong balado"),
        ("warung", "Toko kelontong dekat pasar"),
    ],
)
def test_indonesian_word_forms_find_the_profile_with_a_highlighted_snippet(make, query, products):
    _, enterprise = published(make, products=products)
    page = services.run_search(viewer=make.investor(), query=search.SearchQuery(text=query))
    assert [i.enterprise.id for i in page.items] == [enterprise.id]
    assert "<mark>" in str(page.items[0].snippet)


# --- matches -----------------------------------------------------------------------------------
def test_a_sharia_only_investor_never_sees_an_enterprise_wanting_only_a_conventional_loan(make):
    _, conventional = published(make, name="Kredit Saja", ask_instruments=["loan"])
    _, sharia = published(make, name="Murabahah Ok", ask_instruments=["murabahah"])
    investor = make.investor()
    mandate = make.mandate(
        investor,
        investor_kind="sharia_financier",
        sharia_only=True,
        instruments=["murabahah", "musyarakah"],
        min_stage="belum_layak",
    )
    found = [m.enterprise.id for m in services.matches_for_mandate(mandate=mandate)]
    assert found == [sharia.id]
    assert conventional.id not in found


def test_a_sharia_only_financier_sees_an_enterprise_wanting_kur_as_kur_syariah(make):
    """KUR is channelled as KUR syariah too (murabahah at BSI and sharia units): issue 14."""
    _, kur = published(make, name="Mau KUR", ask_instruments=["kur"])
    investor = make.investor()
    mandate = make.mandate(
        investor,
        investor_kind="sharia_financier",
        sharia_only=True,
        instruments=["murabahah"],
        min_stage="belum_layak",
    )
    found = [m.enterprise.id for m in services.matches_for_mandate(mandate=mandate)]
    assert kur.id in found


@pytest.mark.parametrize(
    ("ask", "kept"),
    [
        (4_000_000, False),
        (6_000_000, True),
        (50_000_000, True),
        (150_000_000, True),
        (151_000_000, False),
    ],
)
def test_an_ask_far_outside_the_ticket_range_is_excluded(make, ask, kept):
    _, enterprise = published(make, ask_amount=ask)
    mandate = make.mandate(make.investor(), min_stage="belum_layak", instruments=["kur", "loan"])
    found = {m.enterprise.id for m in services.matches_for_mandate(mandate=mandate)}
    assert (enterprise.id in found) is kept


def test_readiness_below_the_mandates_minimum_excludes(make):
    _, enterprise = published(make)
    assert cards.enterprise_card(enterprise).stage != "bankable"
    strict = make.mandate(make.investor(), min_stage="bankable", instruments=["kur"])
    assert services.matches_for_mandate(mandate=strict) == []


def test_match_reasons_read_in_the_users_language(app, make):
    _, enterprise = published(make, documents=("nib",), ask_amount=50_000_000)
    mandate = make.mandate(
        make.investor(),
        sectors=["food"],
        provinces=["31"],
        ticket_min=10_000_000,
        ticket_max=100_000_000,
        instruments=["kur"],
        min_stage="belum_layak",
    )
    (match,) = services.matches_for_mandate(mandate=mandate)
    with app.test_request_context():
        with force_locale("en"):
            english = " · ".join(map(services.reason_text, match.result.reasons))
        with force_locale("id"):
            indonesian = " · ".join(map(services.reason_text, match.result.reasons))
    assert "sector fits (Food and beverages)" in english
    assert "ticket Rp50 million within the range Rp10 million–Rp100 million" in english
    assert "has NIB" in english
    assert "province outside the target area (Jawa Barat)" in english
    assert "Rp50 jt" in indonesian and indonesian != english


def test_an_enterprise_sees_verified_investors_that_fit_with_the_routes_they_offer(make):
    _, enterprise = published(
        make,
        ask_amount=20_000_000,
        ask_instruments=["kur"],
        founded_on=dt.date(2020, 1, 1),
        documents=("nib",),
    )
    bank = make.investor()
    make.mandate(bank, investor_kind="bank", instruments=["kur"], min_stage="belum_layak")
    unverified = make.investor(verified=False)
    make.mandate(unverified, investor_kind="bank", instruments=["kur"], min_stage="belum_layak")

    found = services.matches_for_enterprise(enterprise=enterprise)

    assert [m.mandate.organisation_id for m in found] == [bank.organisation_id]
    card = cards.enterprise_card(enterprise)
    expected = tuple(r for r in ("kur_super_mikro", "kur_mikro", "kur_kecil") if r in card.routes)
    assert found[0].result.routes == expected


# --- shortlist -------------------------------------------------------------------------------
def test_a_shortlist_is_shared_in_the_organisation_with_notes_and_history(make):
    _, enterprise = published(make)
    investor = make.investor(name="Ani")
    colleague = make.investor(organisation=investor.organisation, name="Budi")

    entry = shortlists.add_to_shortlist(actor=investor, enterprise=enterprise)
    shortlists.move_entry(actor=colleague, entry=entry, stage="meeting")
    shortlists.add_note(actor=colleague, entry=entry, body="Omzet naik terus")
    db.session.commit()

    (seen,) = shortlists.shortlist_of(investor.organisation_id)
    assert seen.stage == "meeting"
    assert [(m.from_stage, m.to_stage, m.moved_by_name) for m in seen.moves] == [
        (None, "observing", "Ani"),
        ("observing", "meeting", "Budi"),
    ]
    assert [n.body for n in seen.notes] == ["Omzet naik terus"]


def test_another_organisation_cannot_see_or_move_a_shortlist_entry(make):
    _, enterprise = published(make)
    entry = shortlists.add_to_shortlist(actor=make.investor(), enterprise=enterprise)
    outsider = make.investor()
    with pytest.raises(PermissionDenied):
        shortlists.move_entry(actor=outsider, entry=entry, stage="considering")
    with pytest.raises(PermissionDenied):
        shortlists.add_note(actor=outsider, entry=entry, body="mengintip")
    assert shortlists.shortlist_of(outsider.organisation_id) == []


def test_shortlisting_twice_keeps_one_entry_and_a_draft_is_refused(make):
    _, enterprise = published(make)
    investor = make.investor()
    colleague = make.investor(organisation=investor.organisation)
    first = shortlists.add_to_shortlist(actor=investor, enterprise=enterprise)
    assert shortlists.add_to_shortlist(actor=colleague, enterprise=enterprise) == first
    assert shortlists.shortlist_of(investor.organisation_id) == [first]
    assert len(first.moves) == 1
    with pytest.raises(NotFound):
        shortlists.add_to_shortlist(actor=investor, enterprise=make.enterprise_of(make.owner()))


def test_the_shortlist_csv_lists_entries_and_defuses_formulas(app, make):
    _, enterprise = published(make, name="=HYPERLINK(1)")
    investor = make.investor()
    entry = shortlists.add_to_shortlist(actor=investor, enterprise=enterprise)
    shortlists.move_entry(actor=investor, entry=entry, stage="due_diligence")
    with app.test_request_context(), force_locale("en"):
        text = shortlists.shortlist_csv(shortlists.shortlist_of(investor.organisation_id))
    header, row = text.strip().splitlines()
    assert header.startswith("Enterprise,Sector,Province")
    assert row.startswith("'=HYPERLINK(1),Food and beverages,")
    assert "Due diligence" in row and "25000000" in row


# --- meeting requests --------------------------------------------------------------------------
def _request(make, enterprise, **kwargs):
    investor = make.investor()
    meeting = meetings.request_meeting(
        actor=investor,
        enterprise=enterprise,
        message="Kami tertarik dengan keripik Anda.",
        times=[future(7), future(8)],
        place="Zoom",
        **kwargs,
    )
    db.session.commit()
    return investor, meeting


def test_a_meeting_request_notifies_the_owner_in_app_and_by_mail_after_commit(make):
    owner, enterprise = published(make)
    investor = make.investor()
    meetings.request_meeting(
        actor=investor, enterprise=enterprise, message="Halo", times=[future()]
    )
    assert mail.outbox == []  # nothing leaves before the commit
    db.session.commit()
    assert [m.to for m in mail.outbox] == [owner.email]
    notices = db.session.query(Notification).filter_by(user_id=owner.id).all()
    assert [n.kind for n in notices] == ["meeting_requested"]


def test_the_owner_accepts_a_time_and_the_meeting_downloads_as_ics(make):
    owner, enterprise = published(make)
    investor, meeting = _request(make, enterprise)
    chosen = meeting.times[1]
    meetings.respond_to_meeting(actor=owner, meeting=meeting, action="accept", time_id=chosen.id)
    db.session.commit()

    assert meeting.status == "accepted"
    assert [m.to for m in mail.outbox][-1] == investor.email
    event = Calendar.from_ical(meetings.meeting_ics(meeting)).walk("VEVENT")[0]
    assert event.decoded("dtstart") == future(8)
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=60)
    assert str(event["location"]) == "Zoom"


def test_the_facilitator_accepts_on_behalf_of_an_owner_without_an_account(make):
    facilitator = make.facilitator()
    enterprise = make.enterprise(published=True)
    make.enrol(facilitator, enterprise)
    db.session.commit()
    _, meeting = _request(make, enterprise)
    assert [m.to for m in mail.outbox] == [facilitator.email]

    meetings.respond_to_meeting(
        actor=facilitator, meeting=meeting, action="accept", time_id=meeting.times[0].id
    )
    assert meeting.status == "accepted" and meeting.decided_on_behalf


def test_the_owner_proposes_other_times_and_the_investor_chooses_one(make):
    owner, enterprise = published(make)
    investor, meeting = _request(make, enterprise)
    meetings.respond_to_meeting(
        actor=owner, meeting=meeting, action="propose", new_times=[future(10)]
    )
    assert meeting.status == "countered"
    with pytest.raises(PermissionDenied):  # now it is the investor's turn
        meetings.respond_to_meeting(actor=owner, meeting=meeting, action="decline")
    counter = next(t for t in meeting.times if t.proposed_by == "enterprise")
    with pytest.raises(ValidationError):  # the investor picks among the enterprise's times
        meetings.respond_to_meeting(
            actor=investor, meeting=meeting, action="accept", time_id=meeting.times[0].id
        )
    meetings.respond_to_meeting(
        actor=investor, meeting=meeting, action="accept", time_id=counter.id
    )
    assert meeting.status == "accepted" and meeting.chosen_start == counter.starts_at


def test_a_declined_request_cannot_be_answered_again_and_has_no_calendar_file(make):
    owner, enterprise = published(make)
    _, meeting = _request(make, enterprise)
    meetings.respond_to_meeting(actor=owner, meeting=meeting, action="decline")
    with pytest.raises(Conflict):
        meetings.respond_to_meeting(
            actor=owner, meeting=meeting, action="accept", time_id=meeting.times[0].id
        )
    with pytest.raises(Conflict):
        meetings.meeting_ics(meeting)


@pytest.mark.parametrize(
    ("times", "message"),
    [
        ([], "Halo"),
        ([future(-1)], "Halo"),
        ([future(1), future(2), future(3), future(4)], "Halo"),
        ([future()], "   "),
    ],
)
def test_a_meeting_request_needs_a_message_and_one_to_three_future_times(make, times, message):
    _, enterprise = published(make)
    with pytest.raises(ValidationError):
        meetings.request_meeting(
            actor=make.investor(), enterprise=enterprise, message=message, times=times
        )


def test_unverified_investors_and_strangers_cannot_request_or_answer(make):
    _, enterprise = published(make)
    with pytest.raises(PermissionDenied):
        meetings.request_meeting(
            actor=make.investor(verified=False),
            enterprise=enterprise,
            message="Halo",
            times=[future()],
        )
    _, meeting = _request(make, enterprise)
    for stranger in (make.owner(), make.facilitator(), make.investor()):
        with pytest.raises(PermissionDenied):
            meetings.respond_to_meeting(actor=stranger, meeting=meeting, action="decline")


def test_a_second_open_request_from_the_same_organisation_is_refused(make):
    _, enterprise = published(make)
    investor, _meeting = _request(make, enterprise)
    with pytest.raises(Conflict):
        meetings.request_meeting(
            actor=investor, enterprise=enterprise, message="Lagi", times=[future(9)]
        )
