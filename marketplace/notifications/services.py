"""In-app notifications and the e-mails that go with them.

`notify` writes a notification row for each user with the change, and an e-mail in each
recipient's own language in the same transaction (`mail.send`), delivered after the commit.
Meeting requests, programme invitations, hand-overs and judge invitations notify; every
kind and its texts are listed here (`KINDS`).

Recipients are anything with a user's `id`, `email`, `locale` and `active` (`Recipient`):
this module sits below accounts and every business domain, so it imports none of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import formatting, mail, tasks
from marketplace.extensions import db
from marketplace.models import utcnow
from marketplace.notifications.models import Notification

# The job's name stays the one it had in the matching package: jobs queued under it before the
# move must still find it.
MAIL_JOB = "matching.send_mail"


class Recipient(Protocol):
    """What notifying needs of a user (an `accounts.models.User`)."""

    id: int
    email: str
    locale: str | None
    active: bool


NOTIFICATION_TEXTS = {
    "meeting_requested": _l("%(organisation)s asks %(enterprise)s for a meeting."),
    "meeting_accepted": _l(
        "The meeting of %(organisation)s with %(enterprise)s is set for %(time)s."
    ),
    "meeting_declined": _l(
        "The meeting request of %(organisation)s to %(enterprise)s was declined."
    ),
    "meeting_countered": _l(
        "Other times were proposed for the meeting of %(organisation)s with %(enterprise)s."
    ),
    "programme_invited": _l(
        "%(organisation)s (a verified programme organisation) invites your enterprise to"
        " %(programme)s, cohort %(cohort)s. If you accept, its facilitators can edit your"
        " profile, see your full NIK and phone number, your documents and activity log, answer"
        " data-room requests and confirm event attendance for you. Accept or decline it in your"
        " settings."
    ),
    "programme_accepted": _l("%(enterprise)s accepted the invitation to %(cohort)s."),
    "programme_declined": _l("%(enterprise)s declined the invitation to %(cohort)s."),
    "programme_left": _l("%(enterprise)s left %(cohort)s: you cannot act for it any more."),
    "judge_invited": _l(
        "%(organisation)s invites you to judge the pitches at %(event)s. Accept or decline it"
        " under Events: you become a judge only if you accept."
    ),
    "saved_search_match": _l(
        "%(enterprise)s was just published and matches your saved search “%(search)s”."
    ),
}
MAIL_SUBJECTS = {
    "meeting_requested": _l("TemuModal: a meeting request"),
    "meeting_accepted": _l("TemuModal: meeting accepted"),
    "meeting_declined": _l("TemuModal: meeting declined"),
    "meeting_countered": _l("TemuModal: other meeting times proposed"),
    "programme_invited": _l("TemuModal: an invitation to a programme"),
    "programme_accepted": _l("TemuModal: invitation accepted"),
    "programme_declined": _l("TemuModal: invitation declined"),
    "programme_left": _l("TemuModal: an enterprise left your programme"),
    "judge_invited": _l("TemuModal: an invitation to judge"),
    "saved_search_match": _l("TemuModal: a new profile matches your saved search"),
}
KINDS = frozenset(NOTIFICATION_TEXTS)


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
    return str(NOTIFICATION_TEXTS[notification.kind]) % params


def notify(*, users: Iterable[Recipient], kind: str, params: dict, link: str) -> list[Notification]:
    """Tell `users` about something: an in-app notification each and an e-mail after commit.

    `params` hold names and an ISO `time`, never personal data beyond names. The e-mail is
    written in each user's language. Side effects: rows; mails queued (`mail.send`). Raises KeyError
    for an unknown kind.
    """
    notices = []
    base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    for user in {u.id: u for u in users if u.active}.values():
        notice = Notification(user_id=user.id, kind=kind, params=params, link=link)
        db.session.add(notice)
        notices.append(notice)
        locale = user.locale or "id"
        with force_locale(locale):
            subject = str(MAIL_SUBJECTS[kind])
            body = text_of(notice) + "\n\n" + base + link
        # "meeting_requested" -> "meeting": the footer's reason for the mail.
        reason = kind.partition("_")[0]
        reason = reason if reason in mail.REASONS else "notice"
        mail.send(user.email, subject, body, kind=reason, locale=locale)
    db.session.flush()
    return notices


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


def mark_all_read(*, user: Recipient) -> int:
    """Mark all the user's notifications read; returns how many changed."""
    unread = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).all()
    now = utcnow()
    for notice in unread:
        notice.read_at = now
    db.session.flush()
    return len(unread)
