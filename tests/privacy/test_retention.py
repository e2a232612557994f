"""Retention: a world built at set times, then the rules applied at a later moment; exactly the
rows past their period go, the rest stay, a dry run deletes nothing, a second run nothing more."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from marketplace import mail
from marketplace.accounts.models import (
    EmailToken,
    Organisation,
    OrganisationInvitation,
    User,
    UserSession,
)
from marketplace.audit import AuditEvent
from marketplace.extensions import db
from marketplace.jobs.periodic import PERIODIC
from marketplace.mail.models import OutboundMail
from marketplace.models import as_utc
from marketplace.notifications.models import Notification
from marketplace.privacy import retention
from marketplace.programmes.models import Invitation

NOW = dt.datetime(2027, 6, 1, 3, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def ago(days: float) -> dt.datetime:
    return NOW - days * DAY


def ids(model) -> set[int]:
    return set(db.session.scalars(sa.select(model.id)))


def build_world(make) -> dict[str, dict[str, int]]:
    """Rows on both sides of each period; returns {kind: {"old": id, "new": id}}."""
    owner = make.owner()
    enterprise = make.enterprise_of(owner)
    admin = make.admin()
    world: dict[str, dict[str, int]] = {}

    def token(expires_days_ago: float, n: int) -> int:
        row = EmailToken(
            purpose="reset",
            token_hash=f"{n:064d}",
            user_id=owner.id,
            created_at=ago(expires_days_ago + 1),
            expires_at=ago(expires_days_ago),
        )
        return make._add(row).id

    world["email_links"] = {"old": token(31, 1), "new": token(29, 2)}

    def session(created_days_ago: float, n: int) -> int:
        row = UserSession(
            token_hash=f"s{n:063d}",
            user_id=owner.id,
            created_at=ago(created_days_ago),
            last_seen_at=ago(created_days_ago),
            ip="10.0.0.1",
        )
        return make._add(row).id

    world["sessions"] = {"old": session(31, 1), "new": session(2, 2)}

    def handover(expired_days_ago: float, n: int, accepted: bool = False) -> int:
        row = Invitation(
            enterprise_id=enterprise.id,
            token_hash=f"h{n:063d}",
            phone="081234567890",
            expires_at=ago(expired_days_ago),
            accepted_at=ago(expired_days_ago + 1) if accepted else None,
            accepted_by_id=owner.id if accepted else None,
        )
        return make._add(row).id

    world["handover_links"] = {
        "old": handover(40, 1),
        "new": handover(10, 2),
        "accepted": handover(400, 3, accepted=True),
    }

    investor = make.investor()

    def org_invite(days: float, n: int, cancelled: bool = False) -> int:
        row = OrganisationInvitation(
            organisation_id=investor.organisation_id,
            email=f"calon{n}@example.id",
            role="member",
            token_hash=f"o{n:063d}",
            created_at=ago(days + 7),
            expires_at=ago(days) if not cancelled else NOW + 7 * DAY,
            cancelled_at=ago(days) if cancelled else None,
        )
        return make._add(row).id

    world["organisation_invitations"] = {
        "old": org_invite(31, 1),
        "cancelled": org_invite(45, 2, cancelled=True),
        "new": org_invite(5, 3),
    }

    def notice(days: float) -> int:
        return make._add(Notification(user_id=owner.id, kind="x", created_at=ago(days))).id

    world["notifications"] = {"old": notice(366), "new": notice(300)}

    def sent_mail(days: float, n: int, status: str = "sent") -> int:
        row = OutboundMail(
            key=f"m{n}",
            message_id=f"<{n}@x>",
            kind="account",
            recipient="bu.sri@example.id",
            locale="id",
            subject="s",
            text="t",
            html="h",
            status=status,
            attempts=1,
            next_attempt_at=ago(days),
            created_at=ago(days),
        )
        return make._add(row).id

    world["sent_mails"] = {
        "old": sent_mail(91, 1),
        "new": sent_mail(30, 2),
        "queued": sent_mail(200, 3, status="queued"),
    }

    rejected_old = make.investor(verified=False)
    rejected_old.organisation.rejected_at = ago(181)
    rejected_new = make.investor(verified=False)
    rejected_new.organisation.rejected_at = ago(100)
    world["rejected_registrations"] = {
        "old": rejected_old.organisation_id,
        "new": rejected_new.organisation_id,
        "old_user": rejected_old.id,
    }

    def audit_event(days: float) -> int:
        row = AuditEvent(action="login.ok", actor_id=owner.id, ip="10.0.0.9", created_at=ago(days))
        return make._add(row).id

    world["audit_events"] = {"old": audit_event(731), "new": audit_event(729)}
    world["admin"] = {"id": admin.id}
    db.session.commit()
    return world


def test_each_rule_removes_exactly_what_is_past_its_period(make):
    world = build_world(make)
    counts = retention.apply(now=NOW)
    db.session.commit()

    assert counts == {
        "email_links": 1,
        "sessions": 1,
        "handover_links": 1,
        "organisation_invitations": 2,
        "notifications": 1,
        "sent_mails": 1,
        "rejected_registrations": 1,
        "stale_draft_warnings": 0,
        "stale_drafts": 0,
        "audit_events": 1,
    }
    assert world["email_links"]["new"] in ids(EmailToken)
    assert world["email_links"]["old"] not in ids(EmailToken)
    assert ids(UserSession) >= {world["sessions"]["new"]}
    assert world["sessions"]["old"] not in ids(UserSession)
    assert {world["handover_links"]["new"], world["handover_links"]["accepted"]} <= ids(Invitation)
    assert world["handover_links"]["old"] not in ids(Invitation)
    assert ids(OrganisationInvitation) & set(world["organisation_invitations"].values()) == {
        world["organisation_invitations"]["new"]
    }
    assert world["notifications"]["new"] in ids(Notification)
    assert world["notifications"]["old"] not in ids(Notification)
    assert ids(OutboundMail) >= {world["sent_mails"]["new"], world["sent_mails"]["queued"]}
    assert world["sent_mails"]["old"] not in ids(OutboundMail)
    assert world["rejected_registrations"]["new"] in ids(Organisation)
    assert world["rejected_registrations"]["old"] not in ids(Organisation)
    assert world["rejected_registrations"]["old_user"] not in ids(User)
    assert world["audit_events"]["new"] in ids(AuditEvent)
    assert world["audit_events"]["old"] not in ids(AuditEvent)

    # Nothing is due any more at the same moment.
    assert set(retention.apply(now=NOW).values()) == {0}


def test_a_dry_run_counts_and_deletes_nothing(make, runner):
    world = build_world(make)
    before = {model: ids(model) for model in (EmailToken, Notification, Organisation)}
    due = retention.apply(now=NOW, dry_run=True)
    db.session.commit()
    assert due["email_links"] == 1 and due["rejected_registrations"] == 1
    assert {model: ids(model) for model in before} == before
    assert world["notifications"]["old"] in ids(Notification)


def test_a_rejected_organisation_others_depend_on_is_kept(make):
    investor = make.investor(verified=False)
    investor.organisation.rejected_at = ago(400)
    make.mandate(investor)  # a mandate holds the organisation
    db.session.commit()
    counts = retention.apply(now=NOW)
    db.session.commit()
    assert counts["rejected_registrations"] == 0
    assert investor.organisation_id in ids(Organisation)


def test_the_command_reports_each_kind_and_the_job_is_in_the_scheduler_table(app, make, runner):
    make.owner()
    db.session.commit()
    result = runner.invoke(args=["privacy", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    for rule in retention.RULES:
        assert f"{rule.kind}: 0 due" in result.output
    entry = next(p for p in PERIODIC if p.job == retention.JOB)
    assert entry.command == "flask privacy retention"
    from marketplace import tasks

    assert retention.JOB in tasks.job_names()
    assert mail.outbox == []


def test_audit_events_are_kept_two_years_then_deleted(make):
    """The day before, on and after the two years: only what is older goes."""
    assert retention.AUDIT_KEPT == 730 * DAY
    owner = make.owner()
    for days in (729, 730, 731):
        make._add(
            AuditEvent(action="doc.viewed", actor_id=owner.id, ip="10.0.0.7", created_at=ago(days))
        )
    db.session.commit()
    counts = retention.apply(now=NOW)
    db.session.commit()
    assert counts["audit_events"] == 1
    left = db.session.scalars(
        sa.select(AuditEvent.created_at).where(AuditEvent.action == "doc.viewed")
    )
    assert sorted((NOW - as_utc(at)).days for at in left) == [729, 730]
