"""How long each kind of personal data is kept once its use is over, and the job that applies it.

UU PDP 27/2022 (art. 16 (2), 43) asks that personal data be kept no longer than its purpose
needs. Each `Rule` names a kind of data, the period it is kept after its use ended, why, and
what is removed; docs/privacy.md lists the same table for people. `apply(now=…)` deletes what
is due (the periodic job "privacy.retention", `flask privacy retention`); `dry_run=True` counts
without deleting. Every rule is idempotent: running twice deletes nothing the second time. Stale
drafts are erased, not deleted, and only after a warning: marketplace.privacy.stale_drafts.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from marketplace import audit, tasks
from marketplace.accounts.models import (
    EmailToken,
    Organisation,
    OrganisationInvitation,
    User,
    UserSession,
)
from marketplace.audit import AuditEvent
from marketplace.extensions import db
from marketplace.mail.models import OutboundMail
from marketplace.models import utcnow
from marketplace.notifications.models import Notification
from marketplace.privacy import stale_drafts
from marketplace.programmes.models import Invitation

log = logging.getLogger(__name__)
JOB = "privacy.retention"
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    kind: str  # a code, also the CLI's and the docs' name
    keep: dt.timedelta  # kept this long after its use ended
    what: str  # what is removed (English; the docs carry both languages)
    why: str
    # (cutoff, dry_run) -> rows removed (or due, in a dry run)
    purge: Callable[[dt.datetime, bool], int]
    done: str = "deleted"  # what the command says was done to them


def _delete(model, condition, dry_run: bool) -> int:
    if dry_run:
        return db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
    # "fetch": rows loaded in the session are matched by key, not by comparing their
    # datetimes in Python (SQLite gives them back without a time zone).
    statement = delete(model).where(condition).execution_options(synchronize_session="fetch")
    return db.session.execute(statement).rowcount or 0


def _email_links(cutoff: dt.datetime, dry_run: bool) -> int:
    return _delete(EmailToken, EmailToken.expires_at < cutoff, dry_run)


def _sessions(cutoff: dt.datetime, dry_run: bool) -> int:
    # A session ends after 12 hours whatever happens (SESSION_ABSOLUTE_TIMEOUT): older rows
    # only hold the IP address and browser of a login long over.
    return _delete(UserSession, UserSession.created_at < cutoff, dry_run)


def _handover_links(cutoff: dt.datetime, dry_run: bool) -> int:
    # An accepted link is the record of who claimed the profile: kept with the profile.
    condition = and_(Invitation.accepted_at.is_(None), Invitation.expires_at < cutoff)
    return _delete(Invitation, condition, dry_run)


def _organisation_invitations(cutoff: dt.datetime, dry_run: bool) -> int:
    condition = and_(
        OrganisationInvitation.accepted_at.is_(None),
        or_(
            OrganisationInvitation.expires_at < cutoff,
            OrganisationInvitation.cancelled_at < cutoff,
        ),
    )
    return _delete(OrganisationInvitation, condition, dry_run)


def _notifications(cutoff: dt.datetime, dry_run: bool) -> int:
    return _delete(Notification, Notification.created_at < cutoff, dry_run)


def _sent_mails(cutoff: dt.datetime, dry_run: bool) -> int:
    # Queued mails wait for delivery whatever their age; sent and failed ones are done.
    condition = and_(OutboundMail.status.in_(("sent", "failed")), OutboundMail.created_at < cutoff)
    return _delete(OutboundMail, condition, dry_run)


def _rejected_registrations(cutoff: dt.datetime, dry_run: bool) -> int:
    """Organisations an admin rejected before `cutoff` and never verified, with their users.
    One whose rows others still reference (a mandate, an event, a payment) is kept: deleting
    it is a deletion request's work, with tombstones."""
    ids = db.session.scalars(
        select(Organisation.id).where(
            Organisation.rejected_at < cutoff, Organisation.verified_at.is_(None)
        )
    ).all()
    if dry_run:
        return len(ids)
    removed = 0
    for organisation_id in ids:
        try:
            with db.session.begin_nested():
                db.session.execute(delete(User).where(User.organisation_id == organisation_id))
                db.session.execute(delete(Organisation).where(Organisation.id == organisation_id))
        except IntegrityError:
            log.info("retention: rejected organisation %s is referenced; kept", organisation_id)
            continue
        removed += 1
    return removed


def _audit_events(cutoff: dt.datetime, dry_run: bool) -> int:
    return _delete(AuditEvent, AuditEvent.created_at < cutoff, dry_run)


def _stale_draft_warnings(cutoff: dt.datetime, dry_run: bool) -> int:
    now = cutoff + stale_drafts.STALE_AFTER - stale_drafts.NOTICE
    return stale_drafts.warn(now=now, dry_run=dry_run)


def _stale_drafts(cutoff: dt.datetime, dry_run: bool) -> int:
    return stale_drafts.delete(now=cutoff + stale_drafts.STALE_AFTER, dry_run=dry_run)


AUDIT_KEPT = 730 * DAY

RULES: tuple[Rule, ...] = (
    Rule(
        "email_links",
        30 * DAY,
        "expired links to confirm an address or set a new password",
        "after it expires a link only helps answer 'I never got the mail'",
        _email_links,
    ),
    Rule(
        "sessions",
        30 * DAY,
        "login sessions (IP address, browser) started more than 30 days ago",
        "a session ends after 12 hours; the rest is kept a month for security questions",
        _sessions,
    ),
    Rule(
        "handover_links",
        30 * DAY,
        "hand-over links never accepted, 30 days after they expired (with the owner's phone)",
        "an unused link has no purpose once expired; an accepted one stays with the profile",
        _handover_links,
    ),
    Rule(
        "organisation_invitations",
        30 * DAY,
        "invitations to join an organisation never accepted, 30 days after expiry or cancelling",
        "the invited e-mail address has no other use",
        _organisation_invitations,
    ),
    Rule(
        "notifications",
        365 * DAY,
        "in-app notifications older than a year",
        "a notice about something a year old no longer asks anyone to act",
        _notifications,
    ),
    Rule(
        "sent_mails",
        90 * DAY,
        "copies of sent or failed e-mails older than 90 days (address, subject, text)",
        "kept to answer delivery questions; the facts they told are kept where they belong",
        _sent_mails,
    ),
    Rule(
        "rejected_registrations",
        180 * DAY,
        "organisations an admin rejected, with their users, 180 days after the rejection",
        "time to appeal or register again; after that the registration has no purpose",
        _rejected_registrations,
    ),
    Rule(
        "stale_draft_warnings",
        stale_drafts.STALE_AFTER - stale_drafts.NOTICE,
        "nothing: the owners and facilitators of a draft never published and idle for 337"
        " days are told it will be deleted 28 days later unless someone edits it or logs in",
        "no profile is deleted without a warning its people can act on",
        _stale_draft_warnings,
        done="warned",
    ),
    Rule(
        "stale_drafts",
        stale_drafts.STALE_AFTER,
        "draft profiles never published and idle (no edit, no owner login) for 365 days, at"
        " least 28 days after the warning, with their owners' accounts (erased as on a"
        " deletion request: tombstones, records others depend on kept)",
        "a draft holds the owner's personal data only to be published; a year untouched, that"
        " purpose is gone",
        _stale_drafts,
    ),
    Rule(
        "audit_events",
        AUDIT_KEPT,
        "audit log entries (who did what, when, from which IP address) older than two years",
        "long enough to investigate an incident found late and to answer a request for the"
        " record of processing for two full years; the proofs the law asks for (consents,"
        " rights requests, deletions, breaches, payments) are kept in their own records",
        _audit_events,
    ),
)


def apply(*, now: dt.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete every row whose retention period is over at `now` (default: the clock); with
    `dry_run`, only count them. Returns {rule kind: rows}. Flushes, never commits. Side
    effects: deleted rows; audit `privacy.retention` with the counts (not in a dry run)."""
    now = now or utcnow()
    counts = {rule.kind: rule.purge(now - rule.keep, dry_run) for rule in RULES}
    if not dry_run and any(counts.values()):
        audit.record("privacy.retention", actor_id=None, details=counts)
    db.session.flush()
    return counts


@tasks.job(JOB)
def retention_job() -> dict[str, int]:
    counts = apply()
    db.session.commit()
    return counts
