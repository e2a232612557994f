"""Judges are invited by e-mail (issue 8): the organiser's answer is the same for every
address, the person behind it is told only when they may judge, and they become a judge only
by accepting."""

from __future__ import annotations

import pytest

from marketplace import mail
from marketplace.errors import PermissionDenied
from marketplace.events import judge_invitations, judging, permissions
from marketplace.events.models import EventJudge, JudgeInvitation
from marketplace.notifications.models import Notification

SENT = "Kami sudah mengirim undangan menjadi juri ke alamat ini."


def _invite(day, email, room_id=None):
    mail.outbox.clear()  # the enterprises' invitations to pitch were mailed already
    return judge_invitations.invite_judge(
        actor=day.facilitator, event=day.event, email=email, room_id=room_id
    )


def _answer_page(client, day, email):
    response = client.post(
        f"/events/{day.event.id}/judging/sheet", data={"judge-email": email, "judge-room_id": ""}
    )
    with client.session_transaction() as session:
        flashes = [m for _c, m in session.pop("_flashes", [])]
    return response.status_code, response.headers.get("Location"), tuple(flashes)


def test_the_organiser_hears_the_same_answer_for_every_address(db, client, login, make, open_event):
    investor = open_event.investors[0]
    facilitator = make.facilitator()
    owner = open_event.owners[0]
    admin = make.admin()
    addresses = [
        investor.email,
        facilitator.email.upper(),
        owner.email,
        admin.email,
        "belum.terdaftar@contoh.id",
    ]
    login(open_event.facilitator)
    answers = {_answer_page(client, open_event, address) for address in addresses}
    assert answers == {(302, f"/events/{open_event.event.id}/judging/sheet", (SENT,))}
    page = client.get(f"/events/{open_event.event.id}/judging/sheet").get_data(as_text=True)
    for address in addresses:
        assert f"diundang: {address}" in page
    # Nobody is a judge yet, and the page names no account behind any address.
    assert db.session.query(EventJudge).count() == 0
    for user in (investor, facilitator, owner, admin):
        assert user.name not in page


def test_an_investor_is_told_and_becomes_a_judge_only_by_accepting(db, open_event):
    investor = open_event.investors[0]
    room = open_event.event.rooms[1]
    invitation = _invite(open_event, f"  {investor.email.upper()} ", room_id=room.id)
    db.session.commit()
    assert permissions.judge_of(investor, open_event.event) is None
    assert [m.to for m in mail.outbox] == [investor.email]
    notice = db.session.query(Notification).filter_by(user_id=investor.id).one()
    assert notice.kind == "judge_invited" and notice.link == "/events/judge-invitations"
    assert judge_invitations.pending_for(investor) == [invitation]

    judge = judge_invitations.answer_judge_invitation(
        actor=investor, invitation=invitation, accept=True
    )
    db.session.commit()
    assert permissions.judge_of(investor, open_event.event) == judge
    assert judge.room_id == room.id and invitation.status == "accepted"
    assert judge_invitations.pending_of_event(open_event.event) == []


def test_a_declined_invitation_gives_nothing_and_cannot_be_accepted_later(db, open_event):
    investor = open_event.investors[0]
    invitation = _invite(open_event, investor.email)
    judge_invitations.answer_judge_invitation(actor=investor, invitation=invitation, accept=False)
    assert permissions.judge_of(investor, open_event.event) is None
    with pytest.raises(PermissionDenied):
        judge_invitations.answer_judge_invitation(
            actor=investor, invitation=invitation, accept=True
        )


def test_an_unknown_address_is_invited_to_register_and_accepts_after_registering(
    db, make, open_event
):
    invitation = _invite(open_event, "Juri.Baru@Contoh.id")
    db.session.commit()
    [message] = mail.outbox
    assert message.to == "juri.baru@contoh.id"
    assert "daftar" in message.body and "/events/judge-invitations" in message.body

    newcomer = make.investor(email="juri.baru@contoh.id")
    assert judge_invitations.pending_for(newcomer) == [invitation]
    judge_invitations.answer_judge_invitation(actor=newcomer, invitation=invitation, accept=True)
    assert permissions.can_judge(newcomer, open_event.event)


def test_an_account_that_may_not_judge_gets_nothing_and_cannot_accept(db, make, open_event):
    owner = open_event.owners[0]
    invitation = _invite(open_event, owner.email)
    db.session.commit()
    assert mail.outbox == []
    judge_notices = db.session.query(Notification).filter_by(user_id=owner.id, kind="judge_invited")
    assert judge_notices.count() == 0
    assert judge_invitations.pending_for(owner) == []
    with pytest.raises(PermissionDenied):
        judge_invitations.answer_judge_invitation(actor=owner, invitation=invitation, accept=True)


def test_only_the_person_behind_the_address_answers(db, client, login, make, open_event):
    investor, other = open_event.investors
    invitation = _invite(open_event, investor.email)
    db.session.commit()
    url = f"/events/judge-invitations/{invitation.id}"
    login(other)
    assert client.post(url, data={"answer": "accept"}).status_code == 404
    assert permissions.judge_of(other, open_event.event) is None

    login(investor)
    assert invitation.event.title in client.get("/events/judge-invitations").get_data(as_text=True)
    response = client.post(url, data={"answer": "accept"})
    assert response.headers["Location"] == f"/events/{open_event.event.id}/judging"
    assert permissions.can_judge(investor, open_event.event)
    # Answered once: the same link is gone.
    assert client.post(url, data={"answer": "decline"}).status_code == 404


def test_a_withdrawn_invitation_can_no_longer_be_accepted(db, client, login, open_event):
    investor = open_event.investors[0]
    invitation = _invite(open_event, investor.email)
    db.session.commit()
    login(open_event.facilitator)
    client.post(
        f"/events/{open_event.event.id}/judge-invitations/{invitation.id}/delete",
        data={"confirm": "y"},
    )
    db.session.expire_all()
    assert db.session.get(JudgeInvitation, invitation.id).status == "withdrawn"
    login(investor)
    response = client.post(f"/events/judge-invitations/{invitation.id}", data={"answer": "accept"})
    assert response.status_code == 404 and not permissions.can_judge(investor, open_event.event)


def test_conflicts_of_interest_apply_once_a_colleague_accepts(db, make, open_event):
    colleague = make.facilitator(organisation=open_event.facilitator.organisation)
    invitation = _invite(open_event, colleague.email)
    judge = judge_invitations.answer_judge_invitation(
        actor=colleague, invitation=invitation, accept=True
    )
    queue = judging.queue(open_event.event, judge)
    assert queue and {item.conflict for item in queue} == {"mentors"}


def test_a_bad_address_stays_in_the_form_with_its_message(db, client, login, open_event):
    login(open_event.facilitator)
    response = client.post(
        f"/events/{open_event.event.id}/judging/sheet",
        data={"judge-email": "bukan-alamat", "judge-room_id": ""},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="bukan-alamat"' in page
    assert db.session.query(JudgeInvitation).count() == 0
