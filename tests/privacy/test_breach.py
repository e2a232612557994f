"""Breach notices: the incident recorded, the people affected by data kind, period and chosen
enterprises, the Indonesian drafts with what UU PDP art. 46 asks, the 3 x 24 h deadline, and
sending through the mail transport after the commit, once per person."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.errors import ValidationError, ValidationErrors
from marketplace.extensions import db
from marketplace.models import utcnow
from marketplace.privacy import breach
from marketplace.privacy.consent_models import BreachIncident, BreachNotice

HOUR = dt.timedelta(hours=1)


def aged(make, *users):
    """Users (and their enterprises) who joined three days ago, before the exposure."""
    for user in users:
        user.created_at = utcnow() - 72 * HOUR
        enterprise = make.enterprise_of(user) if user.role == "owner" else None
        if enterprise is not None:
            enterprise.created_at = user.created_at
    db.session.flush()
    return users


def record(admin, **overrides) -> BreachIncident:
    now = utcnow()
    values = {
        "title": "Ekspor data terbuka",
        "data_kinds": ["identity"],
        "occurred_from": now - 48 * HOUR,
        "occurred_until": now - 24 * HOUR,
        "discovered_at": now - 2 * HOUR,
        "how_discovered": "Laporan peneliti keamanan.",
        "what_happened": "Berkas ekspor dapat diunduh tanpa login.",
        "handling": "Tautan dimatikan, kunci diganti.",
    }
    values.update(overrides)
    return breach.record_incident(actor=admin, **values)


def test_owners_are_affected_by_identity_data_accounts_by_account_data(make):
    admin = make.admin()
    owner_a, owner_b, investor = aged(make, make.owner(), make.owner(), make.investor())
    aged(make, admin)
    people = {u.id for u in breach.affected(record(admin)).people}
    assert people == {owner_a.id, owner_b.id}
    everyone = {u.id for u in breach.affected(record(admin, data_kinds=["accounts"])).people}
    assert {owner_a.id, owner_b.id, investor.id, admin.id} <= everyone


def test_chosen_enterprises_and_the_period_narrow_the_people(make):
    admin = make.admin()
    owner_a, owner_b = aged(make, make.owner(), make.owner())
    chosen = make.enterprise_of(owner_a)
    found = breach.affected(record(admin, enterprise_ids=[chosen.id]))
    assert [u.id for u in found.people] == [owner_a.id]
    owner_b.created_at = utcnow() + HOUR  # joined after the exposure ended
    make.enterprise_of(owner_b).created_at = utcnow() + HOUR
    assert owner_b not in breach.affected(record(admin)).people


def test_a_profile_without_an_owner_account_is_listed_for_its_facilitator(make):
    from marketplace.programmes import services as programme_services

    admin = make.admin()
    facilitator = make.facilitator()
    cohort = make.cohort(make.programme(facilitator))
    behalf = programme_services.create_enterprise_on_behalf(
        facilitator=facilitator,
        cohort=cohort,
        name="Warung Bu Tini",
        owner_name="Tini",
        owner_phone="081234567890",
    )
    behalf.created_at = utcnow() - 30 * HOUR
    found = breach.affected(record(admin))
    assert behalf in found.without_account


def test_the_drafts_are_indonesian_and_carry_what_article_46_asks(make, app):
    incident = record(make.admin())
    subject, body = breach.person_notice(incident, name="Bu Sri")
    assert "data pribadi" in subject.lower()
    assert "Bu Sri" in body
    assert "Berkas ekspor dapat diunduh tanpa login." in body  # how
    assert "Tautan dimatikan, kunci diganti." in body  # handling and recovery
    assert "NIK" in body  # the data disclosed
    assert "WIB" in body  # when
    _, agency = breach.agency_notice(incident, people=2, without_account=1)
    assert "Pasal 46" in agency or "pasal 46" in agency
    assert "Laporan peneliti keamanan." in agency


def test_the_deadline_is_three_times_24_hours_after_the_discovery(make):
    incident = record(make.admin())
    assert breach.deadline(incident) - incident.discovered_at == dt.timedelta(hours=72)


def test_every_broken_rule_is_reported_at_once_and_nothing_is_recorded(make):
    admin = make.admin()
    now = utcnow()
    with pytest.raises(ValidationErrors) as caught:
        record(
            admin,
            data_kinds=[],
            occurred_until=now - 72 * HOUR,
            discovered_at=now + 48 * HOUR,
            handling=" ",
            enterprise_ids=[999_999],
        )
    fields = {e.field for e in caught.value.errors}
    assert fields == {"data_kinds", "occurred_until", "discovered_at", "handling", "enterprise_ids"}
    db.session.rollback()
    assert db.session.query(BreachIncident).count() == 0


def test_notices_go_through_the_mail_transport_after_commit_once_per_person(make, outbox):
    admin = make.admin()
    owner_a, owner_b = aged(make, make.owner(), make.owner())
    incident = record(admin)
    assert breach.notify_people(actor=admin, incident=incident) == 2
    assert outbox == []  # nothing leaves before the commit
    db.session.commit()
    assert sorted(m.to for m in outbox) == sorted([owner_a.email, owner_b.email])
    assert all(m.locale == "id" for m in outbox)
    assert breach.notify_people(actor=admin, incident=incident) == 0
    db.session.commit()
    assert len(outbox) == 2
    assert incident.people_notified_at is not None


def test_the_agency_notice_is_sent_once_per_address(make, outbox):
    admin = make.admin()
    incident = record(admin)
    breach.notify_agency(actor=admin, incident=incident, email="aduan@lembaga.go.id")
    db.session.commit()
    assert [m.to for m in outbox] == ["aduan@lembaga.go.id"]
    with pytest.raises(ValidationError):
        breach.notify_agency(actor=admin, incident=incident, email="ADUAN@lembaga.go.id")
    kinds = [n.recipient_kind for n in db.session.query(BreachNotice)]
    assert kinds == ["agency"] and incident.agency_notified_at is not None


def test_a_rolled_back_sending_sends_nothing(make, outbox):
    admin = make.admin()
    aged(make, make.owner())
    incident = record(admin)
    db.session.commit()
    breach.notify_people(actor=admin, incident=incident)
    db.session.rollback()
    assert outbox == []


# --- the pages ---------------------------------------------------------------------------
def test_the_admin_records_an_incident_on_the_form_and_sees_deadline_and_drafts(
    make, login, client
):
    admin = make.admin()
    make.owner()
    db.session.commit()
    login(admin)
    form = {
        "title": "Cadangan terbuka",
        "data_kinds": ["identity", "finances"],
        "occurred_from": "2026-12-01T08:00",
        "occurred_until": "2026-12-02T08:00",
        "discovered_at": "2026-12-03T09:30",
        "how_discovered": "Pemantauan log.",
        "what_happened": "Cadangan basis data tersimpan di folder publik.",
        "handling": "Folder ditutup.",
        "enterprise_ids": "",
    }
    response = client.post("/admin/breaches/new", data=form)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "6 Desember 2026 09.30 WIB" in page  # discovered 3 Dec 09.30 WIB + 72 h
    assert "Cadangan basis data tersimpan di folder publik." in page


def test_a_broken_form_keeps_what_was_typed_and_names_each_error(make, login, client):
    login(make.admin())
    form = {
        "title": "",
        "occurred_from": "kemarin",
        "occurred_until": "2026-12-02T08:00",
        "discovered_at": "2026-12-03T09:30",
        "how_discovered": "Pemantauan log yang panjang.",
        "what_happened": "",
        "handling": "Folder ditutup.",
        "enterprise_ids": "12, dua",
    }
    response = client.post("/admin/breaches/new", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Pemantauan log yang panjang." in page and "12, dua" in page
    assert db.session.query(BreachIncident).count() == 0
