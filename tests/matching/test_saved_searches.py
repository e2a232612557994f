"""Saved searches: saving, listing, renaming, deleting, and the notice when a newly published
profile matches (once per profile, not again after an unpublish and a new publish)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.errors import NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.matching import saved_searches
from marketplace.matching.models import SavedSearch, SavedSearchHit
from marketplace.notifications.models import Notification
from marketplace.profiles import enterprises as profile_services
from tests.matching.helpers import published


def _notices(user) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(
                Notification.user_id == user.id, Notification.kind == "saved_search_match"
            )
        )
    )


# --- saving ------------------------------------------------------------------------------------
def test_params_are_checked_and_kept_in_a_canonical_order():
    cleaned = saved_searches.clean_params("?sort=newest&page=3&province=32&q=keripik&sector=food")
    assert cleaned == "q=keripik&sector=food&province=32&sort=newest"


@pytest.mark.parametrize(
    "params",
    [
        "",
        "page=2",
        "sort=newest",
        "sector=spaceships",
        "province=99",
        "ask_min=banyak",
        "q=" + "a" * 1001,
        "programme=x",
    ],
)
def test_a_search_that_cannot_be_saved_is_refused(params):
    with pytest.raises(ValidationError):
        saved_searches.clean_params(params)


def test_a_verified_investor_saves_renames_and_deletes(make):
    investor = make.investor()
    db.session.commit()
    saved = saved_searches.save_search(
        user=investor, name="  Keripik   Jabar ", params="q=keripik&province=32"
    )
    assert saved.name == "Keripik Jabar"
    saved_searches.rename_saved_search(user=investor, saved=saved, name="Keripik Bandung")
    assert [s.name for s in saved_searches.saved_searches_of(investor)] == ["Keripik Bandung"]
    saved_searches.delete_saved_search(user=investor, saved=saved)
    assert saved_searches.saved_searches_of(investor) == []


def test_names_are_required_and_unique_per_user(make):
    investor, other = make.investor(), make.investor()
    db.session.commit()
    saved_searches.save_search(user=investor, name="Batik", params="q=batik")
    saved_searches.save_search(user=other, name="Batik", params="q=batik")
    with pytest.raises(ValidationError, match="already|sudah punya"):
        saved_searches.save_search(user=investor, name="batik", params="q=tenun")
    with pytest.raises(ValidationError):
        saved_searches.save_search(user=investor, name="   ", params="q=tenun")
    with pytest.raises(ValidationError):
        saved_searches.save_search(user=investor, name="x" * 81, params="q=tenun")


def test_the_number_of_saved_searches_is_limited(make, monkeypatch):
    monkeypatch.setattr(saved_searches, "MAX_SAVED_SEARCHES", 2)
    investor = make.investor()
    db.session.commit()
    saved_searches.save_search(user=investor, name="Satu", params="q=satu")
    saved_searches.save_search(user=investor, name="Dua", params="q=dua")
    with pytest.raises(ValidationError, match="up to 2|paling banyak 2"):
        saved_searches.save_search(user=investor, name="Tiga", params="q=tiga")


def test_only_confirmed_investors_of_a_verified_organisation_save(make):
    unverified = make.investor(verified=False)
    unconfirmed = make.investor(email_confirmed_at=None)
    owner = make.owner()
    db.session.commit()
    for user in (unverified, unconfirmed, owner):
        with pytest.raises(PermissionDenied):
            saved_searches.save_search(user=user, name="Batik", params="q=batik")


def test_another_users_saved_search_is_not_found(make):
    investor, other = make.investor(), make.investor()
    db.session.commit()
    saved = saved_searches.save_search(user=investor, name="Batik", params="q=batik")
    with pytest.raises(NotFound):
        saved_searches.get_saved_search(user=other, saved_search_id=saved.id)
    with pytest.raises(NotFound):
        saved_searches.rename_saved_search(user=other, saved=saved, name="Punyaku")


# --- notifying ---------------------------------------------------------------------------------
def test_a_newly_published_matching_profile_notifies_once(make):
    investor, other = make.investor(), make.investor()
    db.session.commit()
    saved_searches.save_search(user=investor, name="Keripik Jabar", params="q=keripik&province=32")
    saved_searches.save_search(user=other, name="Batik", params="q=batik")
    db.session.commit()

    owner, enterprise = published(make, name="Keripik Bu Sri", products="Keripik tempe")

    notices = _notices(investor)
    assert len(notices) == 1
    assert notices[0].params == {"search": "Keripik Jabar", "enterprise": "Keripik Bu Sri"}
    assert notices[0].link == f"/enterprises/{enterprise.id}"
    assert _notices(other) == []

    # Unpublished and published again: not a second time.
    profile_services.unpublish_profile(actor=owner, enterprise=enterprise)
    db.session.commit()
    profile_services.publish_profile(actor=owner, enterprise=enterprise)
    db.session.commit()
    assert len(_notices(investor)) == 1
    assert db.session.scalar(select(SavedSearchHit.enterprise_id)) == enterprise.id


def test_the_investor_gets_an_email_when_a_new_profile_matches(make, outbox):
    investor, other = make.investor(), make.investor()
    db.session.commit()
    saved_searches.save_search(user=investor, name="Keripik Jabar", params="q=keripik&province=32")
    saved_searches.save_search(user=other, name="Batik", params="q=batik")
    db.session.commit()
    outbox.clear()

    published(make, name="Keripik Bu Sri", products="Keripik tempe")

    mails = [m for m in outbox if m.to == investor.email]
    assert len(mails) == 1
    assert "Keripik Bu Sri" in mails[0].body and "Keripik Jabar" in mails[0].body
    assert not [m for m in outbox if m.to == other.email]


def test_a_profile_outside_the_filters_does_not_notify(make):
    investor = make.investor()
    db.session.commit()
    saved_searches.save_search(user=investor, name="Keripik Jateng", params="q=keripik&province=33")
    db.session.commit()
    published(make, products="Keripik tempe", province_code="32", regency_code="32.01")
    assert _notices(investor) == []


def test_a_saved_search_of_an_investor_no_longer_verified_is_not_run(make):
    investor = make.investor()
    db.session.commit()
    saved_searches.save_search(user=investor, name="Keripik", params="q=keripik")
    investor.organisation.verified_at = None
    db.session.commit()
    published(make, products="Keripik tempe")
    assert _notices(investor) == []


def test_the_job_does_nothing_for_a_profile_no_longer_published(make):
    investor = make.investor()
    db.session.commit()
    saved_searches.save_search(user=investor, name="Keripik", params="q=keripik")
    owner, enterprise = published(make, products="Keripik tempe")
    db.session.query(SavedSearchHit).delete()
    db.session.query(Notification).delete()
    profile_services.unpublish_profile(actor=owner, enterprise=enterprise)
    db.session.commit()
    assert saved_searches.notify_matches(enterprise_id=enterprise.id) == 0
    assert db.session.scalars(select(SavedSearch)).one().name == "Keripik"
    assert _notices(investor) == []


# --- pages -------------------------------------------------------------------------------------
def test_the_search_page_links_to_saving_for_a_verified_investor_only(client, login, make):
    investor, unverified = make.investor(), make.investor(verified=False)
    db.session.commit()
    page = login(investor).get("/search?q=keripik&province=32").get_data(as_text=True)
    assert 'href="/searches/new?q=keripik&amp;province=32"' in page
    assert 'href="/searches"' in page
    other = client.application.test_client()
    hidden = login(unverified, on=other).get("/search?q=keripik").get_data(as_text=True)
    assert "/searches/new" not in hidden
    assert other.get("/searches").status_code == 200
    assert 'id="saved-locked"' in other.get("/searches").get_data(as_text=True)


def test_saving_from_the_page_keeps_the_search_and_lists_it(client, login, make):
    investor = make.investor()
    db.session.commit()
    login(investor)
    form = client.get("/searches/new?q=keripik&sector=food&page=2").get_data(as_text=True)
    assert 'value="q=keripik&amp;sector=food&amp;page=2"' in form
    response = client.post(
        "/searches/new", data={"name": "Keripik", "params": "q=keripik&sector=food&page=2"}
    )
    assert response.status_code == 302
    listing = client.get("/searches").get_data(as_text=True)
    assert 'href="/search?q=keripik&amp;sector=food"' in listing
    assert "Keripik" in listing


def test_a_refused_save_keeps_what_was_typed(client, login, make):
    investor = make.investor()
    db.session.commit()
    login(investor)
    client.post("/searches/new", data={"name": "Keripik", "params": "q=keripik"})
    again = client.post("/searches/new", data={"name": "Keripik", "params": "q=keripik&sector=x"})
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert 'value="Keripik"' in page and "q=keripik&amp;sector=x" in page
    duplicate = client.post("/searches/new", data={"name": "Keripik", "params": "q=tempe"})
    assert duplicate.status_code == 422
    assert "Keripik" in duplicate.get_data(as_text=True)


def test_rename_and_delete_from_the_list(client, login, make):
    investor = make.investor()
    db.session.commit()
    saved = saved_searches.save_search(user=investor, name="Lama", params="q=batik")
    db.session.commit()
    login(investor)
    bad = client.post(f"/searches/{saved.id}/rename", data={"name": " "})
    assert bad.status_code == 422
    assert "<title>Kesalahan: " in bad.get_data(as_text=True)  # a rename form of the list
    assert client.post(f"/searches/{saved.id}/rename", data={"name": "Baru"}).status_code == 302
    assert "Baru" in client.get("/searches").get_data(as_text=True)
    assert client.post(f"/searches/{saved.id}/delete").status_code == 302
    assert db.session.scalars(select(SavedSearch)).all() == []


def test_another_investors_saved_search_is_404(client, login, make):
    investor, other = make.investor(), make.investor()
    db.session.commit()
    saved = saved_searches.save_search(user=investor, name="Batik", params="q=batik")
    db.session.commit()
    login(other)
    assert client.post(f"/searches/{saved.id}/rename", data={"name": "X"}).status_code == 404
    assert client.post(f"/searches/{saved.id}/delete").status_code == 404
    assert db.session.get(SavedSearch, saved.id).name == "Batik"
