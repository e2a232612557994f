"""A facilitator acts for an enterprise only when its owner agreed (docs/security.md).

The attack of issue 8: a new, unverified programme organisation enrols an owner's e-mail and
so became the enterprise's facilitator (edit, full NIK, documents, deck original, activity,
data-room decisions). Now an enrolment is an invitation the owner must accept, an unverified
organisation's invitations are held, and withdrawal or leaving ends the rights.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from marketplace import mail
from marketplace.accounts import administration as account_administration
from marketplace.accounts import services as account_services
from marketplace.errors import Conflict, PermissionDenied
from marketplace.extensions import db
from marketplace.pitches import data_room
from marketplace.pitches import permissions as pitch_permissions
from marketplace.pitches import services as pitch_services
from marketplace.pitches.models import AccessRequest
from marketplace.profiles import enterprises as enterprise_services
from marketplace.profiles import permissions
from marketplace.programmes import handover
from marketplace.programmes import permissions as programme_permissions
from marketplace.programmes import services as programme_services
from marketplace.programmes.models import Cohort, Enrolment
from tests.factories import PASSWORD
from tests.pitches.test_deck_services import deck_pdf

NIK = "3201010101900001"
OWNER_EMAIL = "pemilik@sarirasa.example.org"


def _rights(user, enterprise) -> dict[str, bool]:
    return {
        "edit": permissions.can_edit_enterprise(user, enterprise),
        "identity": permissions.can_see_identity(user, enterprise),
        "attest": programme_permissions.can_attest(user, enterprise),
        "documents": pitch_permissions.can_view_documents(user, enterprise),
        "deck": pitch_permissions.can_view_full_deck(user, enterprise),
        "activity": pitch_permissions.can_view_activity(user, enterprise),
        "decide": pitch_permissions.can_decide_access(user, enterprise),
    }


def _none(user, enterprise) -> bool:
    return not any(_rights(user, enterprise).values())


def _all(user, enterprise) -> bool:
    return all(_rights(user, enterprise).values())


@pytest.fixture
def sarirasa(make):
    owner = make.user("owner", email=OWNER_EMAIL)
    enterprise = make.enterprise(
        organisation=owner.organisation, published=True, created_by_id=owner.id, name="Sari Rasa"
    )
    enterprise_services.set_nik(enterprise=enterprise, nik=NIK)
    db.session.flush()
    return owner, enterprise


def _newcomer(make, *, verified: bool):
    """A facilitator of a freshly registered programme organisation, with a cohort."""
    facilitator = make.user(
        "facilitator", organisation=make.organisation("programme", verified=verified)
    )
    programme = programme_services.create_programme(facilitator=facilitator, name="Program Baru")
    cohort = programme_services.create_cohort(
        facilitator=facilitator,
        programme=programme,
        name="Angkatan 1",
        province_code=None,
        regency_code=None,
        starts_on=None,
        ends_on=None,
    )
    return facilitator, cohort


def _enrolment(cohort, enterprise) -> Enrolment:
    return db.session.scalar(
        select(Enrolment).where(
            Enrolment.cohort_id == cohort.id, Enrolment.enterprise_id == enterprise.id
        )
    )


# --- services --------------------------------------------------------------------------------
def test_enrolling_an_owners_email_gives_an_unverified_organisation_no_rights(db, make, sarirasa):
    owner, enterprise = sarirasa
    facilitator, cohort = _newcomer(make, verified=False)

    programme_services.enrol_by_email(facilitator=facilitator, cohort=cohort, email=OWNER_EMAIL)
    db.session.commit()

    assert _none(facilitator, enterprise)
    assert enterprise_services.reveal_nik(viewer=facilitator, enterprise=enterprise) != NIK
    # Held: the owner is not even shown the invitation, and cannot accept it.
    assert programme_services.invitations_for(owner) == []
    enrolment = _enrolment(cohort, enterprise)
    with pytest.raises(Conflict):
        programme_services.answer_invitation(owner=owner, enrolment=enrolment, accept=True)
    assert _none(facilitator, enterprise)


def test_verification_delivers_the_held_invitation_and_only_acceptance_gives_rights(
    app, db, make, sarirasa
):
    owner, enterprise = sarirasa
    facilitator, cohort = _newcomer(make, verified=False)
    programme_services.enrol_by_email(facilitator=facilitator, cohort=cohort, email=OWNER_EMAIL)
    db.session.commit()
    mail.outbox.clear()

    account_administration.verify_organisation(
        admin=make.admin(), organisation=facilitator.organisation
    )
    db.session.commit()

    [invitation] = programme_services.invitations_for(owner)
    # The owner gets the held invitation; the facilitator hears their organisation is verified.
    mails = {m.to: m for m in mail.outbox}
    assert sorted(mails) == sorted([OWNER_EMAIL, facilitator.email])
    assert facilitator.organisation.name in mails[OWNER_EMAIL].body
    assert _none(facilitator, enterprise)  # delivered is not accepted

    programme_services.answer_invitation(owner=owner, enrolment=invitation, accept=True)
    db.session.commit()
    assert _all(facilitator, enterprise)
    assert enterprise_services.reveal_nik(viewer=facilitator, enterprise=enterprise) == NIK


def test_a_declined_invitation_gives_nothing_and_cannot_be_accepted_later(db, make, sarirasa):
    owner, enterprise = sarirasa
    facilitator, cohort = _newcomer(make, verified=True)
    programme_services.enrol_by_email(facilitator=facilitator, cohort=cohort, email=OWNER_EMAIL)
    [invitation] = programme_services.invitations_for(owner)

    programme_services.answer_invitation(owner=owner, enrolment=invitation, accept=False)

    assert _none(facilitator, enterprise)
    with pytest.raises(Conflict):
        programme_services.answer_invitation(owner=owner, enrolment=invitation, accept=True)


def test_only_the_enterprises_owner_answers_its_invitation(db, make, sarirasa):
    owner, enterprise = sarirasa
    facilitator, cohort = _newcomer(make, verified=True)
    programme_services.enrol_by_email(facilitator=facilitator, cohort=cohort, email=OWNER_EMAIL)
    enrolment = _enrolment(cohort, enterprise)

    for intruder in (facilitator, make.owner(), make.admin()):
        with pytest.raises(PermissionDenied):
            programme_services.answer_invitation(owner=intruder, enrolment=enrolment, accept=True)
    assert _none(facilitator, enterprise)


def test_withdrawal_and_leaving_end_the_rights_and_a_comeback_needs_a_new_yes(db, make, sarirasa):
    owner, enterprise = sarirasa
    facilitator, cohort = _newcomer(make, verified=True)
    programme_services.enrol_by_email(facilitator=facilitator, cohort=cohort, email=OWNER_EMAIL)
    enrolment = _enrolment(cohort, enterprise)
    programme_services.answer_invitation(owner=owner, enrolment=enrolment, accept=True)
    assert _all(facilitator, enterprise)

    programme_services.set_enrolment_status(
        facilitator=facilitator, enrolment=enrolment, status="withdrawn"
    )
    assert _none(facilitator, enterprise)
    assert enrolment.withdrawn_by_id == facilitator.id and enrolment.withdrawn_at is not None

    programme_services.set_enrolment_status(
        facilitator=facilitator, enrolment=enrolment, status="active"
    )
    assert enrolment.consent == "pending"
    assert _none(facilitator, enterprise)

    programme_services.answer_invitation(owner=owner, enrolment=enrolment, accept=True)
    assert _all(facilitator, enterprise)
    programme_services.leave_programme(owner=owner, enrolment=enrolment)
    assert _none(facilitator, enterprise)
    assert (enrolment.consent, enrolment.consent_by_id) == ("left", owner.id)
    # Enrolling again is a new invitation, not a way back in.
    programme_services.enrol_enterprise(
        facilitator=facilitator, cohort=cohort, enterprise=enterprise
    )
    assert _none(facilitator, enterprise)


def test_un_verifying_the_organisation_suspends_its_rights_over_owners(db, make, sarirasa):
    owner, enterprise = sarirasa
    facilitator, cohort = _newcomer(make, verified=True)
    programme_services.enrol_by_email(facilitator=facilitator, cohort=cohort, email=OWNER_EMAIL)
    programme_services.answer_invitation(
        owner=owner, enrolment=_enrolment(cohort, enterprise), accept=True
    )

    account_administration.unverify_organisation(
        admin=make.admin(), organisation=facilitator.organisation
    )

    assert _none(facilitator, enterprise)


def test_a_profile_made_on_behalf_is_the_programmes_until_and_after_the_hand_over(db, make):
    facilitator, cohort = _newcomer(make, verified=False)
    enterprise = programme_services.create_enterprise_on_behalf(
        facilitator=facilitator,
        cohort=cohort,
        name="Warung Bu Ani",
        owner_name="Ani",
        owner_phone="081234567890",
    )
    assert _all(facilitator, enterprise)
    assert not permissions.is_facilitator_of(make.facilitator(), enterprise)

    token = handover.create_invitation(facilitator=facilitator, enterprise=enterprise)
    owner = handover.accept_invitation(
        token=token, email="ani@example.id", name="Ani", password=PASSWORD
    )
    assert _all(facilitator, enterprise)
    [enrolment] = programme_services.programmes_for(owner)
    assert enrolment.on_behalf

    programme_services.leave_programme(owner=owner, enrolment=enrolment)
    assert _none(facilitator, enterprise)


def test_enrol_by_email_behaves_the_same_for_unknown_taken_and_repeated_addresses(
    db, make, sarirasa
):
    facilitator, cohort = _newcomer(make, verified=True)
    for email in ("nobody@example.id", OWNER_EMAIL, OWNER_EMAIL, make.investor().email):
        assert (
            programme_services.enrol_by_email(facilitator=facilitator, cohort=cohort, email=email)
            is None
        )
    assert (
        len(db.session.scalars(select(Enrolment).where(Enrolment.cohort_id == cohort.id)).all())
        == 1
    )
    with pytest.raises(PermissionDenied):
        programme_services.enrol_by_email(
            facilitator=make.facilitator(), cohort=cohort, email=OWNER_EMAIL
        )


# --- the attack, through the web ---------------------------------------------------------------
def _register_facilitator(app):
    client = app.test_client()
    client.post("/language", data={"locale": "en"})
    response = client.post(
        "/register",
        data={
            "role": "facilitator",
            "name": "Penyerang",
            "organisation_name": "Yayasan Baru",
            "email": "penyerang@example.id",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    # The attacker has a mailbox: they confirm the address, which logs them in.
    (message,) = [m for m in mail.outbox if m.to == "penyerang@example.id"]
    client.post(re.search(r"https?://[^/\s]+(/confirm/\S+)", message.body).group(1))
    response = client.post("/programmes/new", data={"name": "Program Baru"})
    programme_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    response = client.post(f"/programmes/{programme_id}/cohorts/new", data={"name": "Angkatan 1"})
    cohort_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    return client, db.session.get(Cohort, cohort_id)


def _flashes(client) -> list:
    """The messages waiting for the next page (and take them, as that page would)."""
    with client.session_transaction() as session:
        return list(session.pop("_flashes", []))


def _status(client, url: str) -> int:
    response = client.get(url)
    response.get_data()
    response.close()  # file downloads stream from disk
    return response.status_code


def _answers(client, enterprise, ids) -> dict[str, int]:
    """What the facilitator gets on each route that needs rights over the enterprise."""
    e = enterprise.id
    return {
        "edit": client.get(f"/enterprises/{e}/edit").status_code,
        "nik": 200 if NIK in client.get(f"/enterprises/{e}").get_data(as_text=True) else 403,
        "document": _status(client, f"/documents/{ids['document']}/file"),
        "original": _status(client, f"/deck-versions/{ids['version']}/original"),
        "activity": client.get(f"/enterprises/{e}/activity").status_code,
    }


ALLOWED = {"edit": 200, "nik": 200, "document": 200, "original": 200, "activity": 200}


DENIED = {"edit": 403, "nik": 403, "document": 403, "original": 403, "activity": 403}


def _denied(answers: dict[str, int]) -> bool:
    assert answers == DENIED
    return True


def test_the_issue_8_attack_fails_until_the_owner_accepts_and_after_withdrawal_or_leaving(
    app, db, make, login, sarirasa
):
    owner, enterprise = sarirasa
    version = pitch_services.upload_deck(
        actor=owner, enterprise=enterprise, files=[("deck.pdf", deck_pdf())]
    )
    document = data_room.add_document(
        actor=owner,
        enterprise=enterprise,
        kind="financial_statement",
        filename="lk.pdf",
        data=deck_pdf(["Neraca"]),
    )
    pending = data_room.request_access(
        investor=make.investor(), enterprise=enterprise, message="KUR mikro"
    )
    db.session.commit()
    ids = {"version": version.id, "document": document.id}
    attacker, cohort = _register_facilitator(app)
    facilitator = account_services.find_user_by_email("penyerang@example.id")

    # The enrol form answers the same for an owner's address and an unknown one.
    _flashes(attacker)
    unknown = attacker.post(f"/cohorts/{cohort.id}", data={"enrol-email": "nobody@example.id"})
    unknown_flashes = _flashes(attacker)
    known = attacker.post(f"/cohorts/{cohort.id}", data={"enrol-email": OWNER_EMAIL})
    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    assert _flashes(attacker) == unknown_flashes
    assert "Sari" not in attacker.get(f"/cohorts/{cohort.id}").get_data(as_text=True)

    decide = f"/enterprises/{enterprise.id}/data-room/requests/{pending.id}/accept"
    assert _denied(_answers(attacker, enterprise, ids))
    assert attacker.post(decide).status_code == 403
    assert db.session.get(AccessRequest, pending.id).status == "pending"

    # Held while the organisation is unverified: the owner has nothing to accept.
    owner_client = login(owner, on=app.test_client())
    owner_client.post("/language", data={"locale": "en"})
    assert "Yayasan Baru" not in owner_client.get("/account/programmes").get_data(as_text=True)
    account_administration.verify_organisation(
        admin=make.admin(), organisation=facilitator.organisation
    )
    db.session.commit()
    enrolment = _enrolment(cohort, enterprise)

    page = owner_client.get("/account/programmes").get_data(as_text=True)
    assert "Yayasan Baru" in page and "see your full NIK and phone number" in page
    assert "Yayasan Baru" in owner_client.get("/dashboard").get_data(as_text=True)
    assert _denied(_answers(attacker, enterprise, ids))

    response = owner_client.post(f"/enrolments/{enrolment.id}/consent", data={"answer": "accept"})
    assert response.status_code == 302
    assert _answers(attacker, enterprise, ids) == ALLOWED

    attacker.post(f"/enrolments/{enrolment.id}/status", data={"status": "withdrawn"})
    assert _denied(_answers(attacker, enterprise, ids))
    assert attacker.post(decide).status_code == 403

    attacker.post(f"/enrolments/{enrolment.id}/status", data={"status": "active"})
    assert _denied(_answers(attacker, enterprise, ids))  # back to an invitation
    owner_client.post(f"/enrolments/{enrolment.id}/consent", data={"answer": "accept"})
    assert _answers(attacker, enterprise, ids) == ALLOWED

    # Leaving needs the confirmation box; then the rights end.
    owner_client.post(f"/enrolments/{enrolment.id}/consent", data={"answer": "leave"})
    assert _answers(attacker, enterprise, ids) == ALLOWED
    owner_client.post(
        f"/enrolments/{enrolment.id}/consent", data={"answer": "leave", "confirm": "1"}
    )
    assert _denied(_answers(attacker, enterprise, ids))
    assert attacker.post(decide).status_code == 403
    assert db.session.get(AccessRequest, pending.id).status == "pending"


def test_someone_elses_invitation_cannot_be_answered(app, db, make, login, sarirasa):
    owner, enterprise = sarirasa
    facilitator, cohort = _newcomer(make, verified=True)
    programme_services.enrol_by_email(facilitator=facilitator, cohort=cohort, email=OWNER_EMAIL)
    db.session.commit()
    enrolment = _enrolment(cohort, enterprise)
    for intruder in (make.owner(), facilitator):
        db.session.commit()
        client = login(intruder, on=app.test_client())
        response = client.post(f"/enrolments/{enrolment.id}/consent", data={"answer": "accept"})
        assert response.status_code == 404
    assert _enrolment(cohort, enterprise).consent == "pending"


def test_an_unanswered_invitation_marked_completed_counts_as_no_mentoring(
    app, db, make, login, sarirasa
):
    owner, enterprise = sarirasa
    facilitator, cohort = _newcomer(make, verified=True)
    programme_services.enrol_by_email(facilitator=facilitator, cohort=cohort, email=OWNER_EMAIL)
    enrolment = _enrolment(cohort, enterprise)
    programme_services.set_enrolment_status(
        facilitator=facilitator, enrolment=enrolment, status="completed"
    )
    db.session.commit()

    facts = enterprise_services.readiness_facts(enterprise)
    assert not facts.mentoring_completed and not facts.in_programme
    page = login(make.investor(), on=app.test_client()).get(f"/enterprises/{enterprise.id}")
    assert "Program Baru" not in page.get_data(as_text=True)

    programme_services.answer_invitation(owner=owner, enrolment=enrolment, accept=True)
    assert enterprise_services.readiness_facts(enterprise).mentoring_completed


def test_profiles_reads_the_consent_rule_through_the_programmes_hook_and_denies_without_it(
    db, make, sarirasa, monkeypatch
):
    # profiles sits below programmes (tests/test_layers.py): the rule reaches it at start-up.
    owner, enterprise = sarirasa
    facilitator = make.facilitator()
    make.enrol(facilitator, enterprise)
    db.session.commit()
    assert permissions.is_facilitator_of(facilitator, enterprise)

    monkeypatch.setattr(permissions, "_facilitation_rule", None)
    assert not permissions.is_facilitator_of(facilitator, enterprise)
    assert permissions.is_owner_of(owner, enterprise)  # owners do not depend on it
