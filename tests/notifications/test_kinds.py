"""Each kind of notification outside events reaches exactly the people concerned, by e-mail
as each of them chose (at once, never, or in the daily digest), and links to a page the
recipient may open. The events' kinds: tests/events/test_notices.py."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from marketplace import mail
from marketplace.accounts import administration as account_administration
from marketplace.mail.models import OutboundMail
from marketplace.notifications import kinds, services
from marketplace.notifications.models import Notification
from marketplace.pitches import data_room as pitches


def notices(db, kind: str) -> dict[int, Notification]:
    """The notifications of `kind`, by recipient's user id."""
    return {
        n.user_id: n
        for n in db.session.scalars(select(Notification).where(Notification.kind == kind))
    }


def mailed_to(db) -> list[str]:
    return sorted(m.recipient for m in db.session.scalars(select(OutboundMail)))


def opens(client, login, user, notice) -> int:
    login(user)
    return client.get(notice.link).status_code


@dataclass
class DataRoom:
    owner: object
    enterprise: object
    facilitator: object
    stranger_facilitator: object
    pending_facilitator: object
    investor: object
    colleague: object


@pytest.fixture
def data_room(db, make):
    """A published enterprise with its owner, a facilitator the owner let in, one whose
    invitation waits (no rights yet), one of another enterprise; an investor and a colleague."""
    owner = make.user("owner", locale="en", name="Sri")
    enterprise = make.enterprise(organisation=owner.organisation, published=True, name="Kopi Sri")
    facilitator, pending, stranger = make.facilitator(), make.facilitator(), make.facilitator()
    make.enrol(facilitator, enterprise)
    make.enrol(pending, enterprise, consent="pending")
    make.enrol(stranger, make.enterprise(published=True, name="Teh Ani"))
    investor = make.investor(locale="en")
    colleague = make.user("investor", organisation=investor.organisation)
    db.session.commit()
    return DataRoom(owner, enterprise, facilitator, stranger, pending, investor, colleague)


def _request(db, room):
    access = pitches.request_access(
        investor=room.investor, enterprise=room.enterprise, message="We fund KUR."
    )
    db.session.commit()
    return access


def test_a_data_room_request_reaches_the_owner_and_the_consenting_facilitator_only(
    client, db, login, data_room
):
    _request(db, data_room)
    got = notices(db, "data_room_requested")
    assert set(got) == {data_room.owner.id, data_room.facilitator.id}
    assert mailed_to(db) == sorted([data_room.owner.email, data_room.facilitator.email])
    with force_locale("en"):
        with_text = services.text_of(got[data_room.owner.id])
    assert data_room.investor.organisation.name in with_text and "Kopi Sri" in with_text
    assert opens(client, login, data_room.owner, got[data_room.owner.id]) == 200
    assert opens(client, login, data_room.facilitator, got[data_room.facilitator.id]) == 200


@pytest.mark.parametrize(
    ("decision", "kind"),
    [("accept", "data_room_accepted"), ("decline", "data_room_declined")],
)
def test_the_answer_reaches_the_investor_who_asked_and_nobody_else(
    client, db, login, data_room, decision, kind
):
    access = _request(db, data_room)
    db.session.execute(OutboundMail.__table__.delete())
    pitches.decide_access(actor=data_room.facilitator, access_request=access, decision=decision)
    db.session.commit()
    got = notices(db, kind)
    assert set(got) == {data_room.investor.id}
    assert mailed_to(db) == [data_room.investor.email]
    assert opens(client, login, data_room.investor, got[data_room.investor.id]) == 200


def test_a_revoked_data_room_is_told_to_the_investor_and_its_link_still_opens(
    client, db, login, data_room
):
    access = _request(db, data_room)
    pitches.decide_access(actor=data_room.owner, access_request=access, decision="accept")
    pitches.decide_access(actor=data_room.owner, access_request=access, decision="revoke")
    db.session.commit()
    got = notices(db, "data_room_revoked")
    assert set(got) == {data_room.investor.id}
    with force_locale("en"):
        assert "closed its data room" in services.text_of(got[data_room.investor.id])
    with force_locale("id"):
        assert "menutup kembali ruang datanya" in services.text_of(got[data_room.investor.id])
    assert opens(client, login, data_room.investor, got[data_room.investor.id]) == 200


def test_verifying_an_organisation_tells_its_members_only(client, db, login, make):
    investor = make.investor(verified=False, locale="en")
    colleague = make.user("investor", organisation=investor.organisation)
    gone = make.user("investor", organisation=investor.organisation, active=False)
    outsider = make.investor(verified=False)
    db.session.commit()
    account_administration.verify_organisation(
        admin=make.admin(), organisation=investor.organisation
    )
    db.session.commit()
    got = notices(db, "organisation_verified")
    assert set(got) == {investor.id, colleague.id}
    assert gone.id not in got and outsider.id not in got
    assert mailed_to(db) == sorted([investor.email, colleague.email])
    assert opens(client, login, investor, got[investor.id]) == 200


# --- delivery per setting -------------------------------------------------------------------
def test_in_app_only_means_a_notification_and_no_mail(db, data_room):
    services.save_settings(user=data_room.owner, choices={"data_room_requested": "app"})
    _request(db, data_room)
    assert set(notices(db, "data_room_requested")) == {
        data_room.owner.id,
        data_room.facilitator.id,
    }
    assert mailed_to(db) == [data_room.facilitator.email]


def test_the_daily_digest_groups_the_days_notices_in_one_mail_per_reader(db, make, data_room):
    owner = data_room.owner
    services.save_settings(
        user=owner, choices={"data_room_requested": "digest", "meeting_requested": "digest"}
    )
    _request(db, data_room)
    services.notify(
        users=[owner],
        kind="meeting_requested",
        params={"organisation": "Dana Tumbuh", "enterprise": "Kopi Sri"},
        link="/meetings",
    )
    services.notify(  # a kind the owner still gets at once: not in the digest
        users=[owner],
        kind="programme_invited",
        params={"organisation": "YPUK", "programme": "AKSI", "cohort": "A1"},
        link="/account/programmes",
    )
    db.session.commit()
    assert owner.email not in {m.to for m in mail.outbox if "digest" in m.subject}
    mail.outbox.clear()

    assert services.digest_job() == 1
    [digest] = [m for m in mail.outbox if m.to == owner.email]
    assert digest.subject == "TemuModal: your daily digest" and digest.locale == "en"
    assert "since your last digest (2)" in digest.body
    assert "asks to see the data room of Kopi Sri" in digest.body
    assert "Dana Tumbuh asks Kopi Sri for a meeting" in digest.body
    assert "invites your enterprise" not in digest.body
    assert f"/enterprises/{data_room.enterprise.id}/data-room" in digest.body

    mail.outbox.clear()
    assert services.digest_job() == 0  # nothing new since: no second mail
    assert mail.outbox == []


def test_the_digest_leaves_out_what_the_reader_already_read(db, data_room):
    services.save_settings(user=data_room.owner, choices={"data_room_requested": "digest"})
    _request(db, data_room)
    services.mark_all_read(user=data_room.owner)
    db.session.commit()
    assert services.send_digests() == 0


def test_the_digest_command_runs_the_same_job(runner, db, data_room):
    services.save_settings(user=data_room.owner, choices={"data_room_requested": "digest"})
    _request(db, data_room)
    result = runner.invoke(args=["notifications", "digest"])
    assert result.exit_code == 0 and "digests queued: 1" in result.output


def test_every_kind_has_a_label_and_the_roles_that_receive_it():
    assert set(kinds.KIND_LABELS) == kinds.KINDS == set(kinds.KIND_ROLES)


# --- dashboards ------------------------------------------------------------------------------
def test_the_owners_dashboard_counts_data_room_requests_with_a_link(client, db, login, data_room):
    _request(db, data_room)
    login(data_room.owner)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Kopi Sri: 1 data-room request to answer" in page
    assert f'href="/enterprises/{data_room.enterprise.id}/data-room"' in page
    login(data_room.stranger_facilitator)
    assert "data-room request" not in client.get("/dashboard").get_data(as_text=True)


def test_the_admins_dashboard_counts_organisations_to_verify(client, db, login, make):
    make.investor(verified=False)
    make.facilitator(verified=False)
    make.facilitator(verified=False)
    admin = make.admin(locale="en")
    db.session.commit()
    login(admin)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "1 investor organisation to verify" in page
    assert "2 programme organisations to verify" in page
    assert "/admin/organisations#queue" in page
