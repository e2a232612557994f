"""Consent per purpose: each switch, its history (who, when, what, from where), and a withdrawal
that applies at once to search, match cards and the reports' question."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.errors import PermissionDenied
from marketplace.extensions import db
from marketplace.matching import search
from marketplace.matching.models import MatchCard
from marketplace.notifications import services as notifications
from marketplace.privacy import consent
from marketplace.privacy.consent_models import ConsentRecord
from marketplace.profiles import consents
from marketplace.profiles import enterprises as profile_services
from marketplace.profiles.models import Enterprise
from tests.matching.helpers import published


def themed_hits(theme: str) -> set[int]:
    return set(search.search(search.SearchQuery(impact_themes=[theme], per_page=100)).ids)


def card_themes(enterprise_id: int) -> list[str] | None:
    db.session.expire_all()
    card = db.session.scalar(sa.select(MatchCard).where(MatchCard.enterprise_id == enterprise_id))
    return None if card is None else list(card.impact_themes)


def test_withdrawing_an_attribute_removes_it_from_search_cards_and_reports_at_once(make):
    owner, enterprise = published(make, women_led=True, share_women_led=True)
    assert enterprise.id in themed_hits("women_led")
    assert "women_led" in card_themes(enterprise.id)
    assert consent.may_report(enterprise, "women_led")

    consent.change_consent(
        actor=owner, enterprise=enterprise, purpose="share_women_led", granted=False
    )
    db.session.commit()

    assert enterprise.id not in themed_hits("women_led")
    assert "women_led" not in card_themes(enterprise.id)
    assert not consent.may_report(enterprise, "women_led")
    assert consent.may_report(enterprise)  # still counted, without the attribute
    # Publishing gave visibility: the withdrawal is the newest entry.
    row = consent.history(enterprise)[0]
    assert (row.purpose, row.granted, row.actor_id, row.on_behalf) == (
        "share_women_led",
        False,
        owner.id,
        False,
    )


def test_withdrawing_visibility_unpublishes_and_drops_the_card_and_the_hit(make):
    owner, enterprise = published(make, products="Keripik singkong balado")
    assert enterprise.id in set(search.search(search.SearchQuery(text="singkong")).ids)

    consent.change_consent(
        actor=owner, enterprise=enterprise, purpose=consents.VISIBLE, granted=False
    )
    db.session.commit()

    assert enterprise.status == "draft"
    assert enterprise.id not in set(search.search(search.SearchQuery(text="singkong")).ids)
    assert card_themes(enterprise.id) is None
    assert [(r.purpose, r.granted) for r in consent.history(enterprise)] == [
        (consents.VISIBLE, False),
        (consents.VISIBLE, True),
    ]


def test_the_reports_consent_answers_for_the_enterprise_and_every_attribute(make):
    owner, enterprise = published(make, pkh_graduate=True, share_pkh_graduate=True)
    assert consent.may_report(enterprise) and consent.may_report(enterprise, "pkh_graduate")
    assert consent.may_report(enterprise, "sector")

    consent.change_consent(actor=owner, enterprise=enterprise, purpose="reports", granted=False)
    db.session.commit()

    assert not consent.may_report(enterprise)
    assert not consent.may_report(enterprise, "pkh_graduate")
    assert not consent.may_report(enterprise, "sector")
    assert enterprise.is_published  # the other purposes are untouched
    assert consent.history(enterprise)[0].purpose == "reports"


def test_the_sql_condition_counts_exactly_whom_may_report_allows(make):
    combos = [(r, s) for r in (True, False) for s in (True, False)]
    made = [
        make.enterprise(share_in_reports=r, women_led=True, share_women_led=s) for r, s in combos
    ]
    db.session.flush()
    for attribute in (None, "women_led", "sector"):
        counted = set(
            db.session.scalars(sa.select(Enterprise.id).where(consent.reportable(attribute)))
        )
        assert counted == {e.id for e in made if consent.may_report(e, attribute)}, attribute


def test_a_facilitator_changes_consent_on_the_owners_behalf_recorded_as_such(make):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    facilitator = make.facilitator()
    make.enrol(facilitator, enterprise)
    db.session.commit()

    consent.change_consent(
        actor=facilitator, enterprise=enterprise, purpose="reports", granted=False
    )
    db.session.commit()

    [row] = consent.history(enterprise)
    assert row.actor_id == facilitator.id and row.on_behalf
    assert enterprise in consent.enterprises_of(facilitator)


def test_nobody_else_changes_an_enterprises_consent(make):
    _, enterprise = published(make)
    for stranger in (make.owner(), make.investor(), make.facilitator(), make.admin()):
        try:
            consent.change_consent(
                actor=stranger, enterprise=enterprise, purpose="reports", granted=False
            )
        except PermissionDenied:
            pass
        else:
            raise AssertionError(f"{stranger.role} changed another's consent")
    db.session.rollback()
    assert db.session.get(Enterprise, enterprise.id).share_in_reports
    assert [r.purpose for r in consent.history(enterprise)] == [consents.VISIBLE]


def test_the_profile_form_records_a_changed_share_in_the_history_too(make):
    owner, enterprise = published(make, women_led=True, share_women_led=False)
    profile_services.update_profile(
        actor=owner, enterprise=enterprise, data={"share_women_led": True}
    )
    db.session.commit()
    assert [(r.purpose, r.granted) for r in consent.history(enterprise)] == [
        ("share_women_led", True),
        (consents.VISIBLE, True),
    ]


def test_a_rolled_back_change_leaves_no_history(make):
    owner, enterprise = published(make)
    consent.change_consent(actor=owner, enterprise=enterprise, purpose="reports", granted=False)
    db.session.rollback()
    rows = db.session.scalars(sa.select(ConsentRecord.purpose)).all()
    assert rows == [consents.VISIBLE]


def test_email_consent_history_follows_the_notification_settings(make):
    owner = make.owner()
    kind = notifications.kinds_for("owner")[0]
    notifications.save_settings(user=owner, choices={kind: "app"})
    notifications.save_settings(user=owner, choices={kind: "digest"})
    notifications.save_settings(user=owner, choices={kind: "email"})  # still by e-mail
    db.session.commit()
    rows = consent.email_history(owner)
    assert [(r.detail, r.granted) for r in rows] == [(kind, True), (kind, False)]
    assert all(r.actor_id == owner.id for r in rows)


# --- the pages ---------------------------------------------------------------------------
def test_the_owner_withdraws_on_the_page_and_sees_who_when_and_from_where(make, login, client):
    owner, enterprise = published(make, women_led=True, share_women_led=True)
    login(owner)
    page = client.get(f"/privacy/consents/enterprises/{enterprise.id}")
    assert page.status_code == 200
    response = client.post(
        f"/privacy/consents/enterprises/{enterprise.id}",
        data={"purpose": "share_women_led", "granted": "0"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(Enterprise, enterprise.id).share_women_led
    page = client.get(f"/privacy/consents/enterprises/{enterprise.id}").get_data(as_text=True)
    assert owner.name in page and "127.0.0.1" in page


def test_a_forged_purpose_is_refused_with_the_page_and_nothing_changes(make, login, client):
    owner, enterprise = published(make)
    login(owner)
    for data in ({"purpose": "share_nik", "granted": "0"}, {"purpose": "reports", "granted": "x"}):
        response = client.post(f"/privacy/consents/enterprises/{enterprise.id}", data=data)
        assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise.id).share_in_reports
    assert [r.purpose for r in consent.history(enterprise)] == [consents.VISIBLE]


def test_an_incomplete_profile_cannot_be_made_visible_and_says_why(make, login, client):
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    db.session.commit()
    login(owner)
    response = client.post(
        f"/privacy/consents/enterprises/{enterprise.id}",
        data={"purpose": consents.VISIBLE, "granted": "1"},
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise.id).status == "draft"


def test_the_overview_links_the_e_mail_settings_in_both_languages(make, login, client):
    owner = make.owner()
    db.session.commit()
    login(owner)
    page = client.get("/privacy/consents").get_data(as_text=True)
    assert "/notifications/settings" in page and "Persetujuan Anda" in page
    client.post("/language", data={"locale": "en"})
    assert "Your consents" in client.get("/privacy/consents").get_data(as_text=True)
