"""Organisation members (issue 13): invitations by e-mail, joining, removal, and the rights
that follow membership (QUALITY.md "Rights by consent": membership needs the invitee's
acceptance; forms never reveal whether an e-mail has an account)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from marketplace import mail
from marketplace.accounts import members
from marketplace.audit import AuditEvent
from marketplace.errors import NotFound, PermissionDenied, ValidationError
from marketplace.matching import permissions as matching_permissions
from marketplace.matching import shortlists
from marketplace.models import utcnow
from marketplace.programmes import permissions as programme_permissions

GOOD_PASSWORD = "nasi-uduk-sambal-kacang"


def audit_rows(db):
    return db.session.query(AuditEvent).all()


def join_path(address: str) -> str:
    (message,) = [m for m in mail.outbox if m.to == address]
    found = re.search(r"https?://[^/\s]+(/join/[^\s]+)", message.body)
    assert found, message.body
    return found.group(1)


def invite(db, actor, email, role="member"):
    invitation = members.invite_member(actor=actor, email=email, role=role)
    db.session.commit()
    return join_path(email.lower()).rsplit("/", 1)[1], invitation


# --- services --------------------------------------------------------------------------------
def test_an_invitation_stores_only_a_hash_of_its_token(db, make):
    bank = make.investor()
    token, invitation = invite(db, bank, "Rina@Bank.example.id")

    assert invitation.email == "rina@bank.example.id"
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64


def test_a_colleague_joins_only_after_accepting_and_then_shares_the_shortlist(db, make):
    bank = make.investor()
    enterprise = make.enterprise(published=True)
    entry = shortlists.add_to_shortlist(actor=bank, enterprise=enterprise)
    rina = make.investor(email="rina@example.id")
    token, _invitation = invite(db, bank, rina.email)

    assert not matching_permissions.can_view_entry(rina, entry)

    members.accept_invitation(token=token, user=rina)
    db.session.commit()

    assert rina.organisation_id == bank.organisation_id
    assert rina.organisation_admin is False
    assert matching_permissions.can_view_entry(rina, entry)


def test_removing_a_member_ends_their_rights_over_the_shared_shortlist_at_once(db, make):
    bank = make.investor()
    colleague = make.investor(organisation=bank.organisation)
    entry = shortlists.add_to_shortlist(actor=bank, enterprise=make.enterprise(published=True))
    assert matching_permissions.can_view_entry(colleague, entry)

    members.remove_member(actor=bank, member=colleague)
    db.session.commit()

    assert not matching_permissions.can_view_entry(colleague, entry)
    assert colleague.organisation_id != bank.organisation_id
    assert colleague.organisation.is_verified is False
    assert colleague.active is True


def test_removing_a_pendamping_ends_their_rights_over_the_programme_and_its_cohort(db, make):
    lead = make.facilitator()
    programme = make.programme(lead)
    cohort = make.cohort(programme)
    enterprise = make.enterprise(published=True)
    make.enrol(lead, enterprise, cohort=cohort)
    second = make.facilitator(organisation=lead.organisation)
    assert programme_permissions.can_manage_programme(second, programme)
    assert programme_permissions.can_attest(second, enterprise)

    members.remove_member(actor=lead, member=second)
    db.session.commit()

    assert not programme_permissions.can_manage_programme(second, programme)
    assert not programme_permissions.can_attest(second, enterprise)


def test_only_an_organisation_admin_removes_members(db, make):
    bank = make.investor()
    plain = make.investor(organisation=bank.organisation)

    with pytest.raises(PermissionDenied):
        members.remove_member(actor=plain, member=bank)
    with pytest.raises(ValidationError):
        members.remove_member(actor=bank, member=bank)


def test_an_admin_of_another_organisation_cannot_remove_a_member(db, make):
    bank = make.investor()
    colleague = make.investor(organisation=bank.organisation)
    other = make.investor()

    with pytest.raises(NotFound):
        members.remove_member(actor=other, member=colleague)


def test_a_member_leaves_and_their_rights_end_at_once(db, make):
    bank = make.investor()
    colleague = make.investor(organisation=bank.organisation)
    entry = shortlists.add_to_shortlist(actor=bank, enterprise=make.enterprise(published=True))
    old = bank.organisation

    own = members.leave_organisation(member=colleague)
    db.session.commit()

    assert colleague.organisation == own and own.is_verified is False
    assert not matching_permissions.can_view_entry(colleague, entry)
    assert members.members_of(old) == [bank]
    (row,) = [e for e in audit_rows(db) if e.action == "organisation.member_left"]
    assert (row.actor_id, row.object_id) == (colleague.id, old.id)


def test_the_last_admin_cannot_leave_colleagues_without_an_admin(db, make):
    bank = make.investor()
    colleague = make.investor(organisation=bank.organisation)

    with pytest.raises(ValidationError) as caught:
        members.leave_organisation(member=bank)
    assert "satu-satunya admin" in str(caught.value.message)
    assert bank.organisation_id == colleague.organisation_id

    # With a second admin the first may go.
    colleague.organisation_admin = True
    members.leave_organisation(member=bank)
    assert bank.organisation_id != colleague.organisation_id


def test_the_only_member_has_nothing_to_leave(db, make):
    alone = make.facilitator()
    with pytest.raises(ValidationError) as caught:
        members.leave_organisation(member=alone)
    assert "satu-satunya anggota" in str(caught.value.message)


def test_an_owner_has_no_organisation_to_leave(db, make):
    owner = make.owner()
    make.enterprise_of(owner)
    with pytest.raises(PermissionDenied):
        members.leave_organisation(member=owner)


def test_an_unconfirmed_account_cannot_accept_an_invitation(db, make):
    bank = make.investor()
    newcomer = make.investor(email="baru@example.id", email_confirmed_at=None)
    token, _invitation = invite(db, bank, newcomer.email)

    with pytest.raises(PermissionDenied):
        members.accept_invitation(token=token, user=newcomer)
    assert newcomer.organisation_id != bank.organisation_id


def test_an_unconfirmed_member_cannot_invite(db, make):
    bank = make.investor(email_confirmed_at=None)

    with pytest.raises(PermissionDenied):
        members.invite_member(actor=bank, email="x@example.id", role="member")


def test_a_forwarded_invitation_does_not_work_for_another_address(db, make):
    bank = make.investor()
    token, _invitation = invite(db, bank, "rina@example.id")
    someone = make.investor(email="someone@example.id")

    with pytest.raises(ValidationError):
        members.accept_invitation(token=token, user=someone)


def test_an_account_of_the_wrong_role_cannot_join(db, make):
    bank = make.investor()
    owner = make.owner(email="owner@example.id")
    token, _invitation = invite(db, bank, owner.email)

    with pytest.raises(ValidationError) as refused:
        members.accept_invitation(token=token, user=owner)
    assert "tidak bisa bergabung dengan" in str(refused.value.message)
    db.session.refresh(owner)
    assert owner.organisation_id != bank.organisation_id


def test_the_wrong_roles_holder_is_told_plainly_why_and_what_to_do_in_both_languages(
    db, make, client, login
):
    bank = make.investor(name="Rina Bank")
    owner = make.owner(email="owner@example.id")
    token, _invitation = invite(db, bank, owner.email)
    login(owner)
    page = client.get(f"/join/{token}").get_data(as_text=True)
    assert "Peran akun ini (Pemilik usaha) tidak bisa bergabung dengan" in page
    assert "minta Rina Bank mengundang alamat e-mail Anda yang lain" in page
    assert "Terima dan bergabung" not in page  # no button that can only fail
    client.post("/language", data={"locale": "en"})
    response = client.post(f"/join/{token}", data={"accept-submit": "1"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "This account's role (Enterprise owner) cannot join" in page
    assert "ask Rina Bank to invite another e-mail address of yours" in page
    db.session.refresh(owner)
    assert owner.organisation_id != bank.organisation_id


def test_a_plain_member_cannot_invite_an_admin(db, make):
    bank = make.investor()
    plain = make.investor(organisation=bank.organisation)

    with pytest.raises(ValidationError):
        members.invite_member(actor=plain, email="x@example.id", role="admin")


def test_an_expired_used_or_withdrawn_invitation_does_not_work(db, make):
    bank = make.investor()
    rina = make.investor(email="rina@example.id")
    token, invitation = invite(db, bank, rina.email)
    invitation.expires_at = utcnow() - dt.timedelta(seconds=1)
    with pytest.raises(NotFound):
        members.accept_invitation(token=token, user=rina)

    mail.outbox.clear()
    token, invitation = invite(db, bank, rina.email)
    members.cancel_invitation(actor=bank, invitation=invitation)
    with pytest.raises(NotFound):
        members.check_invitation(token)

    mail.outbox.clear()
    token, _invitation = invite(db, bank, rina.email)
    members.accept_invitation(token=token, user=rina)
    with pytest.raises(NotFound):
        members.check_invitation(token)


def test_the_only_admin_of_an_organisation_with_members_cannot_move(db, make):
    bank = make.investor()
    make.investor(organisation=bank.organisation)
    fund = make.investor()
    token, _invitation = invite(db, fund, bank.email)

    with pytest.raises(ValidationError):
        members.accept_invitation(token=token, user=bank)


def test_an_admin_invitation_makes_an_organisation_admin(db, make):
    bank = make.investor()
    rina = make.investor(email="rina@example.id")
    token, _invitation = invite(db, bank, rina.email, role="admin")

    members.accept_invitation(token=token, user=rina)

    assert rina.organisation_admin is True
    assert members.is_organisation_admin(rina, bank.organisation)


# --- views -----------------------------------------------------------------------------------
def test_the_invite_answer_is_the_same_whether_or_not_the_address_has_an_account(
    db, make, client, login
):
    bank = make.investor()
    make.investor(email="ada@example.id")
    db.session.commit()
    login(bank)
    client.post("/language", data={"locale": "en"})

    known = client.post(
        "/organisation/invitations", data={"email": "ada@example.id", "role": "member"}
    )
    unknown = client.post(
        "/organisation/invitations", data={"email": "tiada@example.id", "role": "member"}
    )

    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    page = client.get("/organisation").get_data(as_text=True)
    assert "ada@example.id" in page and "tiada@example.id" in page
    assert {m.to for m in mail.outbox} == {"ada@example.id", "tiada@example.id"}


def test_a_newcomer_registers_through_the_link_and_joins_confirmed(db, make, client, login):
    bank = make.investor(name="Budi")
    db.session.commit()
    login(bank)
    client.post("/organisation/invitations", data={"email": "rina@example.id", "role": "member"})
    path = join_path("rina@example.id")
    client.post("/logout")

    page = client.get(path)
    assert page.status_code == 200
    assert "Budi" in page.get_data(as_text=True)

    response = client.post(path, data={"new-name": "Rina", "new-password": GOOD_PASSWORD})

    assert response.status_code == 302
    members_page = client.get("/organisation").get_data(as_text=True)
    assert "Rina" in members_page and "Budi" in members_page
    rina = members.account_services.find_user_by_email("rina@example.id")
    assert rina.organisation_id == bank.organisation_id
    assert rina.email_confirmed_at is not None
    assert client.get(path).status_code == 404  # used up


def test_a_weak_password_on_the_join_form_keeps_the_name(db, make, client, login):
    bank = make.investor()
    db.session.commit()
    login(bank)
    client.post("/organisation/invitations", data={"email": "rina@example.id", "role": "member"})
    path = join_path("rina@example.id")
    client.post("/logout")

    response = client.post(path, data={"new-name": "Rina Kartika", "new-password": "short"})

    assert response.status_code == 422
    assert 'value="Rina Kartika"' in response.get_data(as_text=True)


def test_a_plain_member_sees_no_remove_button_and_is_refused(db, make, client, login):
    bank = make.investor(name="Budi Admin")
    plain = make.investor(organisation=bank.organisation, name="Sari Anggota")
    db.session.commit()
    login(plain)

    page = client.get("/organisation").get_data(as_text=True)
    assert "Budi Admin" in page
    assert f"/organisation/members/{bank.id}/remove" not in page
    assert (
        client.post(f"/organisation/members/{bank.id}/remove", data={"confirm": "y"}).status_code
        == 403
    )
    assert bank.organisation_id == plain.organisation_id


def test_an_admin_removes_a_member_from_the_page(db, make, client, login):
    bank = make.investor()
    plain = make.investor(organisation=bank.organisation, name="Sari Anggota")
    db.session.commit()
    login(bank)

    assert f"/organisation/members/{plain.id}/remove" in client.get("/organisation").get_data(
        as_text=True
    )
    # Without the ticked box nothing happens (the confirmation works without JavaScript).
    assert client.post(f"/organisation/members/{plain.id}/remove").status_code == 302
    db.session.expire_all()
    assert plain.organisation_id == bank.organisation_id
    response = client.post(f"/organisation/members/{plain.id}/remove", data={"confirm": "y"})
    assert response.status_code == 302
    page = client.get("/organisation").get_data(as_text=True)
    assert "Sari Anggota bukan anggota lagi." in page  # Indonesian by default
    assert f"/organisation/members/{plain.id}/remove" not in page
    db.session.expire_all()
    assert plain.organisation_id != bank.organisation_id


def test_an_existing_account_logs_in_and_accepts(db, make, client, login):
    bank = make.investor()
    rina = make.investor(email="rina@example.id")
    db.session.commit()
    token, _invitation = invite(db, bank, rina.email)
    login(rina)

    client.post("/language", data={"locale": "en"})

    page = client.get(f"/join/{token}").get_data(as_text=True)
    assert "Accept and join" in page
    assert "Create my account" not in page
    response = client.post(f"/join/{token}", data={"accept-submit": "1"})

    assert response.status_code == 302
    db.session.expire_all()
    assert rina.organisation_id == bank.organisation_id


def test_invitations_a_member_sends_are_rate_limited(app, db, make, client, login):
    # Each invitation mails an address the member types, with their name and their (possibly
    # unverified) organisation's name in it: without a limit the platform is a mail relay.
    from marketplace.extensions import limiter

    limiter.reset()
    app.config["MEMBER_INVITE_RATE_LIMIT"] = "3 per hour"
    bank = make.investor()
    db.session.commit()
    login(bank)

    refused = client.post("/organisation/invitations", data={"email": "nope", "role": "member"})
    answers = [
        client.post(
            "/organisation/invitations", data={"email": f"orang{i}@example.id", "role": "member"}
        ).status_code
        for i in range(4)
    ]

    assert refused.status_code == 422  # a refused form costs nothing
    assert answers == [302, 302, 302, 429]
    assert sorted(m.to for m in mail.outbox) == [f"orang{i}@example.id" for i in range(3)]


def test_a_member_leaves_from_the_members_page_after_ticking_the_box(db, make, client, login):
    bank = make.investor()
    plain = make.investor(organisation=bank.organisation, name="Sari Anggota")
    db.session.commit()
    organisation_name = bank.organisation.name
    login(plain)

    page = client.get("/organisation").get_data(as_text=True)
    assert 'action="/organisation/leave"' in page and 'name="confirm"' in page
    assert client.post("/organisation/leave").status_code == 302  # box not ticked
    db.session.expire_all()
    assert plain.organisation_id == bank.organisation_id

    assert client.post("/organisation/leave", data={"confirm": "y"}).status_code == 302
    page = client.get("/organisation").get_data(as_text=True)
    assert f"Anda telah keluar dari {organisation_name}" in page
    db.session.expire_all()
    assert plain.organisation_id != bank.organisation_id


def test_the_last_admin_is_told_why_they_cannot_leave(db, make, client, login):
    bank = make.investor()
    make.investor(organisation=bank.organisation)
    db.session.commit()
    login(bank)
    client.post("/language", data={"locale": "en"})

    response = client.post("/organisation/leave", data={"confirm": "y"}, follow_redirects=True)
    assert "You are the only admin of" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(members.members_of(bank.organisation)) == 2


def test_an_owner_cannot_leave_an_organisation(db, make, client, login):
    owner = make.owner()
    make.enterprise_of(owner)
    db.session.commit()
    login(owner)
    assert client.post("/organisation/leave", data={"confirm": "y"}).status_code == 403


def test_withdrawing_an_invitation_from_the_page_asks_for_the_ticked_box(db, make, client, login):
    bank = make.investor()
    token, invitation = invite(db, bank, "rina@example.id")
    login(bank)
    page = client.get("/organisation").get_data(as_text=True)
    url = f"/organisation/invitations/{invitation.id}/cancel"
    assert f'action="{url}"' in page and 'name="confirm"' in page

    assert client.post(url).status_code == 302  # box not ticked: nothing happens
    assert members.check_invitation(token) is not None
    assert client.post(url, data={"confirm": "y"}).status_code == 302
    db.session.expire_all()
    with pytest.raises(NotFound):
        members.check_invitation(token)
