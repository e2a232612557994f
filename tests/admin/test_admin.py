"""The admin pages of issue 13: the verification queue (investor and programme organisations
only, look-alike names flagged, rejection with a reason sent to the members), the audit log in
plain words and WIB with filters, the user search, and the statistics `flask stats` prints."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from marketplace import mail
from marketplace.accounts import administration as account_administration
from marketplace.admin import services
from marketplace.audit import AuditEvent
from marketplace.errors import ValidationError
from marketplace.notifications.models import Notification


@pytest.fixture
def admin(db, make):
    user = make.admin(name="Admin Satu")
    db.session.commit()
    return user


def english(client):
    client.post("/language", data={"locale": "en"})
    return client


# --- look-alike names ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("copy", "original"),
    [
        ("PT Bank Maju Bersama", "Bank Maju Bersama"),
        ("bank maju  bersama.", "Bank Maju Bersama"),
        ("P.T. BANK-MAJU BERSAMA Tbk", "Bank Maju Bersama"),
        ("Yayasan Damping UMKM", "Damping UMKM"),
        ("Bank Maju Bersma", "Bank Maju Bersama"),  # one letter dropped
        ("Bänk Maju Bersama", "Bank Maju Bersama"),
    ],
)
def test_a_name_that_copies_a_verified_one_is_close(copy, original):
    assert services._close(services.name_key(copy), services.name_key(original))


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("Bank Maju Bersama", "Bank Jaya Sentosa"),
        ("Dana Ummat", "Dana Umkm"),  # short names: one letter is a different name
        ("PT", "CV"),  # nothing left after the legal words
    ],
)
def test_different_names_are_not_flagged(name, other):
    assert not services._close(services.name_key(name), services.name_key(other))


# --- verification queue ----------------------------------------------------------------------
def test_the_queue_lists_investor_and_programme_organisations_only(db, make, admin):
    waiting_investor = make.investor(verified=False, email="hendra@danaummat.id")
    make.mandate(waiting_investor)
    waiting_programme = make.facilitator(verified=False)
    make.programme(waiting_programme, name="Damping UMKM Cirebon")
    make.owner(verified=False)  # an enterprise organisation: never in the queue
    make.investor()  # verified: not waiting
    db.session.commit()

    queue = services.verification_queue()

    assert [i.organisation.id for i in queue] == [
        waiting_investor.organisation_id,
        waiting_programme.organisation_id,
    ]
    investor_item, programme_item = queue
    assert investor_item.registrant.id == waiting_investor.id
    assert investor_item.email_domain == "danaummat.id"
    assert investor_item.mandate is not None
    assert programme_item.programmes == ["Damping UMKM Cirebon"]


def test_the_queue_flags_a_copy_of_a_verified_name(db, make, client, login, admin):
    genuine = make.organisation("investor", name="Bank Maju Bersama")
    make.investor(organisation=genuine)
    impostor = make.investor(verified=False, organisation=None)
    impostor.organisation.name = "PT. Bank Maju  Bersama"
    honest = make.investor(verified=False)
    honest.organisation.name = "Koperasi Sumber Rejeki"
    db.session.commit()

    items = {i.organisation.id: i for i in services.verification_queue()}
    assert [o.id for o in items[impostor.organisation_id].copies] == [genuine.id]
    assert items[honest.organisation_id].copies == []

    login(admin)
    page = english(client).get("/admin/organisations").get_data(as_text=True)
    assert "This name looks like a verified organisation" in page


def test_rejecting_sends_the_reason_to_the_members_by_mail_and_notification(
    db, make, client, login, admin
):
    applicant = make.investor(verified=False, email="hendra@example.id", locale="en")
    colleague = make.investor(organisation=applicant.organisation, email="sari@example.id")
    outsider = make.investor(email="lain@example.id")
    db.session.commit()
    login(admin)
    prefix = f"r{applicant.organisation_id}"

    response = client.post(
        f"/admin/organisations/{applicant.organisation_id}/reject",
        data={f"{prefix}-reason": "Kirim akta pendirian dan NIB lembaga."},
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert applicant.organisation.rejected_at is not None
    assert services.verification_queue() == []
    to = sorted(m.to for m in mail.outbox)
    assert to == ["hendra@example.id", "sari@example.id"]
    assert all("Kirim akta pendirian dan NIB lembaga." in m.body for m in mail.outbox)
    kinds = {
        (n.user_id, n.kind)
        for n in db.session.query(Notification).filter(Notification.kind.like("organisation_%"))
    }
    assert kinds == {
        (applicant.id, "organisation_rejected"),
        (colleague.id, "organisation_rejected"),
    }
    assert outsider.id not in {uid for uid, _kind in kinds}


def test_a_rejection_without_a_reason_is_refused_with_a_message(db, make, client, login, admin):
    applicant = make.investor(verified=False)
    db.session.commit()
    login(admin)

    response = english(client).post(
        f"/admin/organisations/{applicant.organisation_id}/reject",
        data={f"r{applicant.organisation_id}-reason": "  "},
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Say why" in page
    assert "<title>Error: " in page  # the form sits in a dict of forms, one per organisation
    db.session.expire_all()
    assert applicant.organisation.rejected_at is None
    assert mail.outbox == []


def test_an_enterprise_organisation_cannot_be_rejected(db, make, admin):
    owner = make.owner(verified=False)
    with pytest.raises(ValidationError):
        account_administration.reject_organisation(
            admin=admin, organisation=owner.organisation, reason="x"
        )


def test_verifying_tells_the_members(db, make, admin):
    applicant = make.investor(verified=False)
    account_administration.verify_organisation(admin=admin, organisation=applicant.organisation)
    db.session.commit()

    assert [m.to for m in mail.outbox] == [applicant.email]
    assert (
        db.session.query(Notification).filter_by(user_id=applicant.id).one().kind
        == "organisation_verified"
    )


def test_the_directory_marks_an_unverified_organisation(db, make, client, login):
    verified = make.investor()
    make.mandate(verified)
    unverified = make.investor(verified=False)
    make.mandate(unverified)
    db.session.commit()
    login(verified)

    page = english(client).get("/investors").get_data(as_text=True)

    assert page.count('class="badge warn">not verified') == 1
    profile = client.get(f"/investors/{unverified.organisation_id}").get_data(as_text=True)
    assert "not verified" in profile


# --- audit log -------------------------------------------------------------------------------
def test_the_audit_log_shows_names_wib_times_and_plain_words(db, make, client, login, admin):
    budi = make.investor(name="Budi Santoso")
    db.session.add(
        AuditEvent(
            action="mandate.saved",
            actor_id=budi.id,
            created_at=dt.datetime(2026, 8, 17, 2, 30, tzinfo=dt.UTC),
            details={},
        )
    )
    db.session.commit()
    login(admin)

    page = english(client).get("/admin/audit").get_data(as_text=True)

    assert "Budi Santoso" in page
    assert "saved a mandate" in page
    assert "17 August 2026 09.30 WIB" in page  # 02:30 UTC


def test_the_audit_log_filters_by_person_action_and_wib_date(db, make, admin):
    budi = make.investor(name="Budi Santoso")
    sari = make.facilitator(name="Sari Dewi")
    late_evening_utc = dt.datetime(2026, 8, 16, 18, 0, tzinfo=dt.UTC)  # 17 Aug 01:00 WIB
    for actor, action, at in [
        (budi, "mandate.saved", late_evening_utc),
        (budi, "login.ok", late_evening_utc),
        (sari, "login.ok", dt.datetime(2026, 8, 18, 3, 0, tzinfo=dt.UTC)),
    ]:
        db.session.add(AuditEvent(action=action, actor_id=actor.id, created_at=at, details={}))
    db.session.commit()

    def actions(**filters):
        rows, total = services.audit_page(services.AuditFilters(**filters), page=1, per_page=50)
        assert total == len(rows)
        return sorted((user.name if user else None, e.action) for e, user in rows)

    assert actions(person="budi") == [
        ("Budi Santoso", "login.ok"),
        ("Budi Santoso", "mandate.saved"),
    ]
    assert actions(action="login.ok") == [("Budi Santoso", "login.ok"), ("Sari Dewi", "login.ok")]
    day = dt.date(2026, 8, 17)
    assert actions(date_from=day, date_to=day) == [
        ("Budi Santoso", "login.ok"),
        ("Budi Santoso", "mandate.saved"),
    ]


def test_the_audit_log_pages_and_keeps_its_filters(db, make, client, login, admin):
    budi = make.investor(name="Budi Santoso")
    for _ in range(55):
        db.session.add(AuditEvent(action="login.ok", actor_id=budi.id, details={}))
    db.session.commit()
    login(admin)

    page = client.get("/admin/audit?person=budi").get_data(as_text=True)

    assert "person=budi" in page and "page=2" in page


def test_a_bad_date_in_the_audit_filter_is_a_message_not_an_error(db, client, login, admin):
    login(admin)
    response = english(client).get("/admin/audit?date_from=17-08-xx")
    assert response.status_code == 422
    assert "<title>Error: " in response.get_data(as_text=True)


# --- users and statistics ----------------------------------------------------------------------
def test_the_user_list_searches_names_emails_and_organisations(db, make, client, login, admin):
    make.investor(name="Budi Santoso", email="budi@bank.example.id")
    make.facilitator(name="Sari Dewi", email="sari@pupuk.example.id")
    db.session.commit()
    login(admin)

    page = client.get("/admin/users?q=BANK.example").get_data(as_text=True)

    assert "Budi Santoso" in page
    assert "Sari Dewi" not in page


def test_the_statistics_page_shows_what_flask_stats_prints(db, make, client, login, admin, runner):
    make.owner()
    make.investor()
    db.session.commit()
    login(admin)

    printed = json.loads(runner.invoke(args=["stats", "--json"]).output)
    page = english(client).get("/admin/statistics").get_data(as_text=True)

    assert printed == services.collect_stats()
    assert printed["users_by_role"]["admin"] == 1
    for role, label in [("owner", "Enterprise owner"), ("investor", "Investor or lender")]:
        assert f"<dt>{label}</dt><dd>{printed['users_by_role'][role]}</dd>" in page
