"""Stale drafts (issue 16): a draft never published and idle for 365 days is deleted with its
owners' accounts, through the erasure, after a warning at least 28 days before; an edit or a
login in between keeps it. The thresholds are checked the day before, on and after."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.mail.models import OutboundMail
from marketplace.notifications.models import Notification
from marketplace.privacy import retention, stale_drafts
from marketplace.privacy.erasure_models import AccountDeletion
from marketplace.profiles.models import Enterprise
from tests.privacy.test_erasure import personal_values_left

T0 = dt.datetime(2026, 1, 10, 3, 0, tzinfo=dt.UTC)  # the draft's last change
DAY = dt.timedelta(days=1)
NAME = "Rukmini Handayani"
PHONE = "081377711122"
BUSINESS = "Dodol Bu Rukmini"


def at(days: float) -> dt.datetime:
    return T0 + days * DAY


def set_last_change(enterprise_id: int, when: dt.datetime) -> None:
    """The profile last changed at `when`, and everything its audit log says people did to it."""
    from marketplace.audit import AuditEvent

    statement = update(Enterprise).where(Enterprise.id == enterprise_id)
    db.session.execute(statement.values(updated_at=when))
    history = update(AuditEvent).where(
        AuditEvent.object_type == "enterprise",
        AuditEvent.object_id == enterprise_id,
        AuditEvent.actor_id.is_not(None),  # what people did, not the warning
    )
    db.session.execute(history.values(created_at=when))
    db.session.commit()


def run(days: float) -> dict[str, int]:
    counts = retention.apply(now=at(days))
    db.session.commit()
    db.session.expire_all()
    return counts


@pytest.fixture
def draft(make):
    """An owner's draft, never published, last changed at T0, with a facilitator."""
    owner = make.owner(name=NAME, phone=PHONE)
    enterprise = make.enterprise_of(owner)
    enterprise.name = enterprise.organisation.name = BUSINESS
    enterprise.owner_name, enterprise.owner_phone = NAME, PHONE
    facilitator = make.facilitator()
    make.enrol(facilitator, enterprise)
    db.session.commit()
    set_last_change(enterprise.id, T0)
    return owner, enterprise, facilitator


def notices_to(user_id: int) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(
                Notification.user_id == user_id, Notification.kind == stale_drafts.KIND
            )
        )
    )


def test_the_rule_keeps_a_draft_a_year_and_warns_four_weeks_before():
    assert stale_drafts.STALE_AFTER == 365 * DAY
    assert stale_drafts.NOTICE == 28 * DAY


@pytest.mark.parametrize(("days", "warned"), [(336, 0), (337, 1), (338, 1)])
def test_the_owner_and_facilitator_are_warned_337_days_after_the_last_change(draft, days, warned):
    owner, enterprise, facilitator = draft
    counts = run(days)
    assert counts["stale_draft_warnings"] == warned
    assert counts["stale_drafts"] == 0
    for user in (owner, facilitator):
        assert len(notices_to(user.id)) == warned
    mails = db.session.scalars(select(OutboundMail)).all()
    assert sorted(m.recipient for m in mails) == (
        sorted([owner.email, facilitator.email]) if warned else []
    )
    if warned:
        # In the owner's language (Indonesian by default), with the date it will be deleted.
        mail = next(m for m in mails if m.recipient == owner.email)
        assert mail.subject == "TemuModal: profil draf yang tidak dipakai akan dihapus"
        assert BUSINESS in mail.text and "akan dihapus pada" in mail.text
        assert f"/enterprises/{enterprise.id}/edit" in mail.text
        assert run(days + 1)["stale_draft_warnings"] == 0  # once


@pytest.mark.parametrize(("days", "deleted"), [(364, False), (365, True), (366, True)])
def test_a_warned_draft_is_erased_with_its_owner_365_days_after_the_last_change(
    draft, days, deleted
):
    owner, enterprise, facilitator = draft
    email = owner.email
    assert run(337)["stale_draft_warnings"] == 1
    counts = run(days)
    assert counts["stale_drafts"] == int(deleted)
    erased = db.session.get(Enterprise, enterprise.id)
    assert (erased.name == f"Usaha terhapus #{enterprise.id}") is deleted
    assert (db.session.get(User, owner.id).name == f"Pengguna terhapus #{owner.id}") is deleted
    if not deleted:
        return
    # Through the deletion service: its record, requested by no one; nothing left of them.
    (deletion,) = db.session.scalars(select(AccountDeletion)).all()
    assert (deletion.user_id, deletion.enterprise_id) == (owner.id, enterprise.id)
    assert deletion.requested_by_id is None and deletion.done_at is not None
    assert personal_values_left([NAME, PHONE, BUSINESS, email]) == []
    assert db.session.get(User, facilitator.id).active  # the facilitator's account stays
    assert run(days + 1)["stale_drafts"] == 0


def test_a_late_warning_still_gives_its_full_28_days(draft):
    owner, enterprise, _ = draft
    assert retention.apply(now=at(400), dry_run=True)["stale_draft_warnings"] == 1
    counts = run(400)  # the rule applied for the first time long after the year was over
    assert (counts["stale_draft_warnings"], counts["stale_drafts"]) == (1, 0)
    assert run(427)["stale_drafts"] == 0
    assert retention.apply(now=at(428), dry_run=True)["stale_drafts"] == 1
    assert db.session.get(Enterprise, enterprise.id).name == BUSINESS  # a dry run deletes nothing
    assert run(428)["stale_drafts"] == 1


@pytest.mark.parametrize("activity", ["edit", "photo", "login"])
def test_an_edit_other_work_or_an_owners_login_after_the_warning_keeps_the_draft(draft, activity):
    from marketplace.audit import AuditEvent

    owner, enterprise, facilitator = draft
    assert run(337)["stale_draft_warnings"] == 1
    if activity == "edit":
        set_last_change(enterprise.id, at(350))
    elif activity == "photo":  # work recorded in its audit log, not on the profile's row
        event = AuditEvent(
            action="photo.added",
            actor_id=facilitator.id,
            object_type="enterprise",
            object_id=enterprise.id,
        )
        db.session.add(event)
        db.session.flush()
        event.created_at = at(350)
        db.session.commit()
    else:
        db.session.get(User, owner.id).last_login_at = at(350)
        db.session.commit()
    assert run(365)["stale_drafts"] == 0
    assert run(366)["stale_drafts"] == 0
    # Idle again from day 350: a new warning 337 days later, then the deletion.
    assert run(350 + 336)["stale_draft_warnings"] == 0
    assert run(350 + 337)["stale_draft_warnings"] == 1
    assert run(350 + 365)["stale_drafts"] == 1


def test_a_profile_published_once_or_already_being_deleted_is_left_alone(make):
    from marketplace.models import utcnow
    from marketplace.privacy import deletion_requests
    from tests.factories import PASSWORD

    once = make.owner()
    unpublished = make.enterprise_of(once)
    unpublished.published_at = utcnow()  # published once, then taken back to draft
    leaving = make.owner()
    db.session.commit()
    deletion_requests.request_deletion(user=leaving, password=PASSWORD)
    db.session.commit()
    for user in (once, leaving):
        set_last_change(make.enterprise_of(user).id, T0)
    assert stale_drafts.idle_drafts(idle_since=at(0)) == []
    counts = run(1000)
    assert (counts["stale_draft_warnings"], counts["stale_drafts"]) == (0, 0)


def test_a_phone_only_draft_warns_its_facilitator_and_erases_only_the_profile(make):
    from marketplace.programmes import services as programmes

    facilitator = make.facilitator()
    cohort = make.cohort(make.programme(facilitator))
    enterprise = programmes.create_enterprise_on_behalf(
        facilitator=facilitator,
        cohort=cohort,
        name=BUSINESS,
        owner_name=NAME,
        owner_phone=PHONE,
    )
    db.session.commit()
    set_last_change(enterprise.id, T0)
    assert run(337)["stale_draft_warnings"] == 1
    assert len(notices_to(facilitator.id)) == 1
    assert run(365)["stale_drafts"] == 1
    (deletion,) = db.session.scalars(select(AccountDeletion)).all()
    assert (deletion.user_id, deletion.enterprise_id) == (None, enterprise.id)
    assert db.session.get(User, facilitator.id).active
    assert personal_values_left([NAME, PHONE, BUSINESS]) == []
