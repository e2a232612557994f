"""In-app notifications and the e-mails that go with them.

`notify` writes a notification row for each user with the change and, per the user's setting
for that kind (`DELIVERIES`: in the app only, also by e-mail, or in a daily digest), an e-mail in
the recipient's own language in the same transaction (`mail.send`), delivered after the commit.
`send_digests` (job "notifications.digest", `flask notifications digest`) mails each digest
reader what came since their last digest. Every kind, its texts and who receives it are listed
in `kinds.py` (`KINDS`, `KIND_LABELS`, README "Notifications").

Recipients are anything with a user's `id`, `email`, `locale` and `active` (`Recipient`):
this module sits below accounts and every business domain, so it imports none of them.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from blinker import Namespace
from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, column, func, select, table

from marketplace import formatting, mail, tasks
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.models import row_or_not_found, utcnow
from marketplace.notifications.kinds import (
    INTRODUCTION_ANSWERS,
    KIND_LABELS,
    KIND_ROLES,
    KINDS,
    MAIL_REASONS,
    MAIL_SUBJECTS,
    NOTIFICATION_TEXTS,
)
from marketplace.notifications.models import (
    DEFAULT_DELIVERY,
    DELIVERIES,
    Notification,
    NotificationDigest,
    NotificationSetting,
)

# The job's name stays the one it had in the matching package: jobs queued under it before the
# move must still find it.
MAIL_JOB = "matching.send_mail"


class Recipient(Protocol):
    """What notifying needs of a user (an `accounts.models.User`)."""

    id: int
    email: str
    locale: str | None
    active: bool


DIGEST_JOB = "notifications.digest"
DIGEST_ZONE = zoneinfo.ZoneInfo("Asia/Jakarta")
# (subject, body) of a kind's e-mail for one recipient, in the locale forced for them.
Composer = Callable[[Recipient], tuple[str, str]]


@tasks.job(MAIL_JOB)
def send_mail(*, to: str, subject: str, body: str) -> None:
    """Queue one e-mail from a job, in a transaction of its own. Kept for jobs enqueued before
    mail rows existed; services call `mail.send` instead, in their own transaction, so that the
    mail cannot be lost between the commit and the job."""
    with tasks.job_session() as session:
        mail.send(to, subject, body, session=session)


def text_of(notification: Notification) -> str:
    """The notification in the current request's language."""
    params = dict(notification.params or {})
    if "time" in params:
        params["time"] = formatting.datetime(dt.datetime.fromisoformat(params["time"]))
    if notification.kind == "introduction_answer":
        params["status"] = str(INTRODUCTION_ANSWERS[params["status"]])
    return str(NOTIFICATION_TEXTS[notification.kind]) % params


def _base_url() -> str:
    return mail.public_url()


def _reason(kind: str) -> str:
    return MAIL_REASONS.get(kind.partition("_")[0], "notice")


def deliveries_for(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Each user's delivery for `kind` (DEFAULT_DELIVERY when they chose none). One query."""
    ids = list(user_ids)
    chosen = (
        dict(
            db.session.execute(
                select(NotificationSetting.user_id, NotificationSetting.delivery).where(
                    NotificationSetting.user_id.in_(ids), NotificationSetting.kind == kind
                )
            ).all()
        )
        if ids
        else {}
    )
    return {user_id: chosen.get(user_id, DEFAULT_DELIVERY) for user_id in ids}


def notify(
    *,
    users: Iterable[Recipient],
    kind: str,
    params: dict,
    link: str,
    compose: Composer | None = None,
) -> list[Notification]:
    """Tell `users` about something: an in-app notification each, and an e-mail to those whose
    setting for `kind` is "email" (digest readers get it in their next digest).

    `params` hold names, numbers and an ISO `time`, never personal data beyond names; `link`
    is the path of the page where the recipient acts. The e-mail is written in each user's
    language: the notification's text and link, or what `compose(user)` returns (a fuller
    message, such as an agenda). Side effects: rows; mails queued (`mail.send`), delivered after
    the commit. Raises KeyError for an unknown kind.
    """
    if kind not in KINDS:
        raise KeyError(f"unknown notification kind {kind!r}")
    recipients = {u.id: u for u in users if u.active}
    deliveries = deliveries_for(recipients, kind)
    notices = []
    for user in recipients.values():
        notice = Notification(user_id=user.id, kind=kind, params=params, link=link)
        db.session.add(notice)
        notices.append(notice)
        if deliveries[user.id] != "email":
            continue
        written = partial(compose, user) if compose is not None else partial(_notice_mail, notice)
        mail.send_to(user, written, kind=_reason(kind))
    db.session.flush()
    return notices


def _notice_mail(notice: Notification) -> tuple[str, str]:
    """A notification as an e-mail: its text and a link to the page where the user acts."""
    return str(MAIL_SUBJECTS[notice.kind]), text_of(notice) + "\n\n" + _base_url() + notice.link


# --- reading ---------------------------------------------------------------------------------
def latest_for(user: Recipient, *, limit: int = 50) -> list[Notification]:
    """The user's latest notifications, newest first. Reads only."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Day:
    date: dt.date  # in WIB
    notifications: list[Notification]


def by_day(notifications: Iterable[Notification]) -> list[Day]:
    """Group notifications (newest first) by their day in WIB, keeping the order."""
    days: list[Day] = []
    for notice in notifications:
        created = notice.created_at
        if created.tzinfo is None:  # SQLite hands back naive UTC
            created = created.replace(tzinfo=dt.UTC)
        day = created.astimezone(DIGEST_ZONE).date()
        if not days or days[-1].date != day:
            days.append(Day(day, []))
        days[-1].notifications.append(notice)
    return days


# Counted for the header of every page: the statement is built once per process.
_UNREAD_COUNT = (
    select(func.count())
    .select_from(Notification)
    .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
)


def unread_count(user: Recipient) -> int:
    """How many notifications the user has not read (one indexed count)."""
    return db.session.scalar(_UNREAD_COUNT, {"user_id": user.id})


def unread_count_cached(user: Recipient) -> int:
    """`unread_count`, counted once per request (the header asks on every page)."""
    if "notifications_unread" not in g:
        g.notifications_unread = unread_count(user)
    return g.notifications_unread


def mark_all_read(*, user: Recipient) -> int:
    """Mark all the user's notifications read; returns how many changed."""
    unread = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).all()
    now = utcnow()
    for notice in unread:
        notice.read_at = now
    db.session.flush()
    g.pop("notifications_unread", None)
    return len(unread)


def open_notification(*, user: Recipient, notification_id: int) -> Notification:
    """The user's notification, marked read (they opened its link). Raises NotFound for
    another user's or a missing one. Side effects: read_at."""
    notice = row_or_not_found(
        Notification, notification_id, _l("This notification does not exist."), user_id=user.id
    )
    if notice.read_at is None:
        notice.read_at = utcnow()
        db.session.flush()
        g.pop("notifications_unread", None)
    return notice


# --- settings --------------------------------------------------------------------------------
# sender: the User whose settings changed; `changes=` {kind: (old delivery, new delivery)}.
# Sent by `save_settings` in the caller's transaction: privacy keeps the history of the
# e-mail consent (app -> email/digest gives it for that kind, back to app withdraws it).
settings_changed = Namespace().signal("notification-settings-changed")


def kinds_for(role: str) -> list[str]:
    """The kinds a user of `role` can receive, in the settings page's order."""
    return [kind for kind in KIND_LABELS if role in KIND_ROLES[kind]]


def settings_of(user: Recipient) -> dict[str, str]:
    """The user's delivery for every kind (defaults filled in)."""
    chosen = dict(
        db.session.execute(
            select(NotificationSetting.kind, NotificationSetting.delivery).where(
                NotificationSetting.user_id == user.id
            )
        ).all()
    )
    return {kind: chosen.get(kind, DEFAULT_DELIVERY) for kind in KIND_LABELS}


def save_settings(*, user: Recipient, choices: dict[str, str]) -> None:
    """Store the user's delivery per kind. Kinds not in `choices` keep theirs. Raises
    ValidationError (unknown kind or delivery) before changing anything. Side effects: rows."""
    for kind, delivery in choices.items():
        if kind not in KINDS or delivery not in DELIVERIES:
            raise ValidationError(_l("Choose one of the options offered."), field=kind)
    existing = {
        s.kind: s
        for s in db.session.scalars(
            select(NotificationSetting).where(NotificationSetting.user_id == user.id)
        )
    }
    before = settings_of(user)
    for kind, delivery in choices.items():
        if kind in existing:
            existing[kind].delivery = delivery
        else:
            db.session.add(NotificationSetting(user_id=user.id, kind=kind, delivery=delivery))
    db.session.flush()
    changed = {
        kind: (before[kind], delivery)
        for kind, delivery in choices.items()
        if before[kind] != delivery
    }
    if changed:
        settings_changed.send(user, changes=changed)


# --- the daily digest ------------------------------------------------------------------------
def _digest_mail(unread: list[Notification]) -> tuple[str, str]:
    return str(_l("TemuModal: your daily digest")), digest_body(unread)


def digest_body(notices: list[Notification]) -> str:
    """The digest's text in the current locale: one line per notification, with its link."""
    base = _base_url()
    lines = [
        str(
            _l(
                "What happened on TemuModal since your last digest (%(count)s):",
                count=len(notices),
            )
        ),
        "",
    ]
    for notice in notices:
        lines.append(f"- {formatting.datetime(notice.created_at)}: {text_of(notice)}")
        if notice.link:
            lines.append(f"  {base}{notice.link}")
    return "\n".join(lines)


def send_digests(*, users: Iterable[Recipient] | None = None) -> int:
    """Mail each user who chose the digest for some kind their unread notifications of those
    kinds since their last digest, one e-mail each, in their language; nothing when nothing
    came. `users` are the candidates (default: every user with a digest setting). Returns
    how many digests were queued. Side effects: mail rows
    (idempotent per user and newest notification), digest marks; the caller commits."""
    rows = db.session.execute(
        select(NotificationSetting.user_id, NotificationSetting.kind).where(
            NotificationSetting.delivery == "digest"
        )
    ).all()
    kinds_of: dict[int, set[str]] = {}
    for user_id, kind in rows:
        kinds_of.setdefault(user_id, set()).add(kind)
    if users is None:
        users = _load_users(kinds_of)
    sent = 0
    for user in users:
        if not user.active or user.id not in kinds_of:
            continue
        mark = db.session.get(NotificationDigest, user.id)
        if mark is None:
            mark = NotificationDigest(user_id=user.id, last_notification_id=0)
            db.session.add(mark)
        notices = list(
            db.session.scalars(
                select(Notification)
                .where(
                    Notification.user_id == user.id,
                    Notification.id > mark.last_notification_id,
                    Notification.kind.in_(kinds_of[user.id]),
                )
                .order_by(Notification.id)
            )
        )
        if not notices:
            continue
        mark.last_notification_id = notices[-1].id
        mark.sent_at = utcnow()
        unread = [n for n in notices if n.read_at is None]
        if not unread:
            continue
        mail.send_to(
            user,
            partial(_digest_mail, unread),
            kind="notice",
            key=f"digest:{user.id}:{notices[-1].id}",
        )
        sent += 1
    db.session.flush()
    return sent


# Users live in accounts, above this package: the digest reads the four columns it needs.
_USERS = table("users", column("id"), column("email"), column("locale"), column("active"))


def _load_users(kinds_of: dict[int, set[str]]) -> list[Recipient]:
    if not kinds_of:
        return []
    return list(
        db.session.execute(
            select(_USERS.c.id, _USERS.c.email, _USERS.c.locale, _USERS.c.active)
            .where(_USERS.c.id.in_(sorted(kinds_of)))
            .order_by(_USERS.c.id)
        ).all()
    )


@tasks.job(DIGEST_JOB)
def digest_job() -> int:
    """The daily job: `send_digests`, committed."""
    sent = send_digests()
    db.session.commit()
    return sent
