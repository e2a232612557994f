"""Stale drafts: a profile never published and left untouched for a year is deleted, after a
warning (UU PDP 27/2022 art. 16 (2): data kept no longer than its purpose needs; issue 16).

A draft profile holds the owner's name, phone, NIK and finances for one purpose: to be shown to
investors once published. A draft nobody has touched for `STALE_AFTER` (365 days since the
latest of its last change, the last work on it in its audit log and its owners' last login)
has lost that purpose. Its owners and the facilitators acting for it are warned `NOTICE` (28
days) before, in the app and by e-mail (per their notification settings, kind
"privacy_draft_expiring"); an edit, other work on it or an owner's login in between keeps it
(the idle time starts again). Then the profile and its owners' accounts are erased through the
deletion service (marketplace.privacy.deletion_requests, .erasure): tombstones, records others
depend on kept. A draft is never deleted less than `NOTICE` after its warning, whenever the
warning went out. The retention job (marketplace.privacy.retention) runs both steps daily; the
warning is recorded as the audit event `WARNED`, which is how the next runs know it was given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.models import as_utc
from marketplace.privacy import deletion_requests, erasure
from marketplace.privacy.erasure_models import AccountDeletion
from marketplace.profiles.models import Enterprise

STALE_AFTER = dt.timedelta(days=365)  # idle this long (never published): deleted
NOTICE = dt.timedelta(days=28)  # warned this long before, at least
WARNED = "privacy.stale_draft_warned"
KIND = "privacy_draft_expiring"


@dataclass(frozen=True)
class Stale:
    enterprise: Enterprise
    owners: list[User]
    # The latest of: its last change, the last work on it in its audit log, its owners' last
    # login.
    idle_since: dt.datetime
    warned_at: dt.datetime | None  # the warning given since then, if any

    @property
    def delete_on(self) -> dt.datetime:
        """When it is deleted: a year after it went idle, and never sooner than `NOTICE`
        after the warning."""
        due = self.idle_since + STALE_AFTER
        return max(due, self.warned_at + NOTICE) if self.warned_at else due


def _owners(enterprise: Enterprise) -> list[User]:
    """The enterprise's owner accounts not already deleted or on their way to it."""
    taken = select(AccountDeletion.user_id).where(
        AccountDeletion.user_id.is_not(None), AccountDeletion.cancelled_at.is_(None)
    )
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == enterprise.organisation_id,
                User.role == "owner",
                User.id.not_in(taken),
            )
            .order_by(User.id)
        )
    )


def _warned_at(enterprise: Enterprise, since: dt.datetime) -> dt.datetime | None:
    at = db.session.scalar(
        select(audit.AuditEvent.created_at)
        .where(
            audit.AuditEvent.action == WARNED,
            audit.AuditEvent.object_type == "enterprise",
            audit.AuditEvent.object_id == enterprise.id,
        )
        .order_by(audit.AuditEvent.created_at.desc())
        .limit(1)
    )
    return as_utc(at) if at is not None and as_utc(at) >= since else None


def _last_worked_on(enterprise: Enterprise) -> dt.datetime | None:
    """The last thing someone did to the profile that its audit log records (a photo or a
    document added, an item attested …): work that does not change the profile's own row.
    Entries without a person (the warning, the retention run) do not count."""
    at = db.session.scalar(
        select(func.max(audit.AuditEvent.created_at)).where(
            audit.AuditEvent.object_type == "enterprise",
            audit.AuditEvent.object_id == enterprise.id,
            audit.AuditEvent.actor_id.is_not(None),
        )
    )
    return as_utc(at) if at is not None else None


def idle_drafts(*, idle_since: dt.datetime) -> list[Stale]:
    """Drafts never published, idle since `idle_since` or earlier, not already deleted or
    pending deletion, oldest first. Reads only."""
    taken = select(AccountDeletion.enterprise_id).where(
        AccountDeletion.enterprise_id.is_not(None), AccountDeletion.cancelled_at.is_(None)
    )
    drafts = db.session.scalars(
        select(Enterprise)
        .where(
            Enterprise.status == "draft",
            Enterprise.published_at.is_(None),
            Enterprise.updated_at <= idle_since,
            Enterprise.id.not_in(taken),
        )
        .order_by(Enterprise.id)
    )
    found = []
    for enterprise in drafts:
        owners = _owners(enterprise)
        moments = [as_utc(enterprise.updated_at)]
        moments += [as_utc(o.last_login_at) for o in owners if o.last_login_at is not None]
        worked_on = _last_worked_on(enterprise)
        if worked_on is not None:
            moments.append(worked_on)
        last = max(moments)
        if last <= idle_since:
            found.append(Stale(enterprise, owners, last, _warned_at(enterprise, last)))
    return found


def warn(*, now: dt.datetime, dry_run: bool = False) -> int:
    """Warn the owners and facilitators of each draft that will be deleted in `NOTICE` (idle
    for `STALE_AFTER - NOTICE`) and has not been warned since it went idle. Returns how many
    drafts (with `dry_run`, how many would be). Side effects: a notification each (e-mailed
    per their settings, after commit); audit `WARNED` at `now` with the deletion date."""
    from marketplace.notifications import services as notifications
    from marketplace.programmes import services as programmes

    due = [s for s in idle_drafts(idle_since=now - (STALE_AFTER - NOTICE)) if s.warned_at is None]
    if dry_run:
        return len(due)
    for stale in due:
        delete_on = max(stale.idle_since + STALE_AFTER, now + NOTICE)
        notifications.notify(
            users=programmes.owners_and_facilitators(stale.enterprise),
            kind=KIND,
            params={"enterprise": stale.enterprise.name, "time": delete_on.isoformat()},
            link=f"/enterprises/{stale.enterprise.id}/edit",
        )
        event = audit.on_enterprise(
            WARNED, stale.enterprise.id, by=None, delete_on=delete_on.isoformat()
        )
        event.created_at = now
    db.session.flush()
    return len(due)


def delete(*, now: dt.datetime, dry_run: bool = False) -> int:
    """Erase each draft idle for `STALE_AFTER` whose warning is at least `NOTICE` old, with
    its owners' accounts, through the deletion service. Returns how many drafts (with
    `dry_run`, how many would be). Side effects: those of `erasure.erase` (tombstones, rows
    and files deleted, index updated after commit); `account_deletions` rows as the record."""
    due = [
        s
        for s in idle_drafts(idle_since=now - STALE_AFTER)
        if s.warned_at is not None and s.delete_on <= now
    ]
    if dry_run:
        return len(due)
    for stale in due:
        deletions = deletion_requests.record_retention_deletion(
            enterprise=stale.enterprise, owners=stale.owners, now=now
        )
        for deletion in deletions:
            erasure.erase(deletion)
    return len(due)
