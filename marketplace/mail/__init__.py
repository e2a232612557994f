"""The e-mail seam: every message the app sends goes through `send`.

`send` composes the message in the recipient's language (plain text with a footer saying why
they get it, plus an HTML alternative) and writes it to the `outbound_mails` table in the
caller's transaction: a rollback drops it, a commit keeps it. After the commit the job
"mail.deliver" delivers it; two deliverers never send the same row, because each first claims
it with a conditional UPDATE (queued -> sending). A failed attempt puts the row back in the
queue with an exponential backoff, and after MAIL_MAX_ATTEMPTS marks it failed.
`send_pending` (`flask mail send-pending`, run periodically) delivers what is due: retries, and
what a crash between the commit and the delivery left behind.

With MAIL_LOG_ONLY (development and tests) delivery writes one log line instead of talking to
a server; in development (`make run`) it also prints the whole mail, links included. Either way
a delivered message is appended to `outbox`, which tests read. The real transport (smtplib)
lives in `marketplace.mail.transport`, the only module that imports it.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Protocol

from flask import current_app
from flask_babel import force_locale, get_locale
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marketplace import tasks
from marketplace.mail import compose, transport
from marketplace.mail.models import OutboundMail
from marketplace.models import utcnow

log = logging.getLogger(__name__)

DELIVER_JOB = "mail.deliver"
REASONS = compose.REASONS
# The one way to build a link for a mail (PUBLIC_BASE_URL): see compose.public_url.
public_url = compose.public_url
external_url = compose.external_url
# A row claimed (sending) for this long belongs to a deliverer that died: the sweep re-queues
# it. Far above MAIL_TIMEOUT, so a slow but live delivery is not sent a second time.
STALE_CLAIM = dt.timedelta(minutes=15)
MAX_BACKOFF = dt.timedelta(hours=6)
# After the server could not be reached, deliveries right after a commit leave their mail to the
# sweep for this long, so that a request that queues several mails waits for one time-out at
# most, not one per mail.
UNREACHABLE_PAUSE_S = 60.0
_PAUSE_KEY = "temumodal_mail_unreachable_until"


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str  # the plain-text part, footer included
    html: str = ""
    kind: str = "account"
    locale: str = "id"
    message_id: str = ""


# Messages delivered by this process (logged or handed to the server), oldest first; tests
# read and clear it.
outbox: list[Message] = []


class Addressee(Protocol):
    """Whom `send_to` writes to: a user, or anything with an address and a chosen language."""

    email: str
    locale: str | None


def recipient_locale(chosen: str | None) -> str:
    """The language to write to someone in: the one they chose, else the platform's default."""
    return chosen or current_app.config["BABEL_DEFAULT_LOCALE"]


def _current_locale() -> str:
    locale = get_locale()
    return str(locale) if locale is not None else recipient_locale(None)


def send_to(
    person: Addressee,
    compose: Callable[[], tuple[str, str]],
    *,
    kind: str,
    key: str | None = None,
) -> Message:
    """Queue one e-mail to `person` in their own language: `compose()` runs with that language
    switched on and returns the subject and the body; the rest is `send`'s."""
    locale = recipient_locale(person.locale)
    with force_locale(locale):
        subject, body = compose()
        subject, body = str(subject), str(body)
    return send(person.email, subject, body, kind=kind, locale=locale, key=key)


def send(
    to: str,
    subject: str,
    body: str,
    *,
    kind: str = "account",
    locale: str | None = None,
    key: str | None = None,
    session: Session | None = None,
) -> Message:
    """Queue one e-mail to `to`, delivered after the caller's transaction commits.

    `subject` and `body` are already in the recipient's language; pass that language as
    `locale` (default: the current one) so the footer matches. `kind` says why they get it
    (a key of REASONS). A `key` makes the call idempotent: a second send with the same key
    queues nothing. Side effects: an `outbound_mails` row on `session` (default: db.session),
    flushed; the delivery job enqueued for after the commit. Raises KeyError for an unknown
    kind.
    """
    from marketplace.extensions import db

    session = session if session is not None else db.session()
    if kind not in REASONS:
        raise KeyError(f"unknown mail kind {kind!r}")
    if key is not None:
        existing = session.scalar(select(OutboundMail).where(OutboundMail.key == key))
        if existing is not None:
            return _message(existing)
    locale = locale or _current_locale()
    subject, body = str(subject), str(body)
    footer = compose.footer(kind, locale)
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    mail = OutboundMail(
        key=key or uuid.uuid4().hex,
        message_id=make_msgid(domain=compose.sender_domain(sender)),
        kind=kind,
        recipient=to,
        locale=locale,
        subject=subject,
        text=compose.text_part(body, footer),
        html=compose.html_part(subject=subject, body=body, footer_text=footer, locale=locale),
        status="queued",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(mail)
    session.flush()
    tasks.enqueue_on(session, DELIVER_JOB, mail_id=mail.id)
    return _message(mail)


def _message(mail: OutboundMail) -> Message:
    return Message(
        to=mail.recipient,
        subject=mail.subject,
        body=mail.text,
        html=mail.html,
        kind=mail.kind,
        locale=mail.locale,
        message_id=mail.message_id,
    )


def development_console() -> bool:
    """True when mail stays on this machine in development (`make run`, log-only mail): then
    every mail delivered is also printed whole, links included, to the console, which is how a
    developer follows a confirmation, invitation or deletion-cancel link. Never elsewhere."""
    config = current_app.config
    return config.get("ENV_NAME") == "development" and bool(config["MAIL_LOG_ONLY"])


def print_development_mail(*, to: str, subject: str, body: str) -> None:
    print(f"\n--- e-mail to {to} (development: not sent) ---\n{subject}\n\n{body}\n---\n")


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait before the next try after `attempts` failed ones: doubling from
    MAIL_RETRY_SECONDS, at most six hours."""
    base = dt.timedelta(seconds=float(current_app.config["MAIL_RETRY_SECONDS"]))
    return min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


@tasks.job(DELIVER_JOB)
def deliver_after_commit(*, mail_id: int) -> str | None:
    """The after-commit job: `deliver`, unless the server was unreachable a moment ago (the
    mail then stays queued, due now, for the sweep)."""
    app = current_app._get_current_object()
    if not app.config["MAIL_LOG_ONLY"] and app.extensions.get(_PAUSE_KEY, 0.0) > time.monotonic():
        return None
    return deliver(mail_id=mail_id)


def deliver(*, mail_id: int, now: dt.datetime | None = None) -> str | None:
    """Deliver one queued mail if it is due and nobody else has claimed it.

    Returns the row's new status ("sent", "queued" for a retry, "failed"), or None when the row
    was not claimed (already sent, claimed by another deliverer, not due yet). Never raises for
    a delivery failure: it is recorded on the row (last_error, next_attempt_at). Side effects:
    the row's status; the message sent (or logged with MAIL_LOG_ONLY) and added to `outbox`.
    """
    config = current_app.config
    now = now or utcnow()
    with tasks.job_session() as session:
        claimed = session.execute(
            update(OutboundMail)
            .where(
                OutboundMail.id == mail_id,
                OutboundMail.status == "queued",
                OutboundMail.next_attempt_at <= now,
            )
            .values(status="sending", attempts=OutboundMail.attempts + 1, claimed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        mail = session.get(OutboundMail, mail_id) if claimed else None
    if mail is None:
        return None

    error = None
    try:
        if config["MAIL_LOG_ONLY"]:
            # The address is personal data: log only its domain, never the body.
            log.info(
                "mail (log only) to=*@%s kind=%s subject=%s (%d characters)",
                mail.recipient.rpartition("@")[2],
                mail.kind,
                mail.subject,
                len(mail.text),
            )
            if development_console():
                print_development_mail(to=mail.recipient, subject=mail.subject, body=mail.text)
        else:
            sender = config["MAIL_DEFAULT_SENDER"]
            contact = config.get("MAIL_CONTACT")
            message = compose.email_message(
                mail, sender=sender, reply_to=contact if contact and "@" in contact else None
            )
            transport.deliver(message, config)
    except transport.TransportError as failure:
        error = str(failure)
        if failure.unreachable:
            current_app.extensions[_PAUSE_KEY] = time.monotonic() + UNREACHABLE_PAUSE_S
    except Exception as failure:  # a bug must not lose the mail or break the request
        log.exception("mail %s could not be composed or sent", mail_id)
        error = f"{type(failure).__name__}: {failure}"

    if error is None:
        status, values = "sent", {"sent_at": utcnow(), "last_error": None}
        outbox.append(_message(mail))
    else:
        status = "failed" if mail.attempts >= int(config["MAIL_MAX_ATTEMPTS"]) else "queued"
        values = {"last_error": error[:1000], "next_attempt_at": now + backoff(mail.attempts)}
        log.warning(
            "mail %s attempt %s failed (%s): %s", mail_id, mail.attempts, status, error[:200]
        )
    with tasks.job_session() as session:
        session.execute(
            update(OutboundMail)
            .where(OutboundMail.id == mail_id, OutboundMail.status == "sending")
            .values(status=status, claimed_at=None, **values)
            .execution_options(synchronize_session=False)
        )
    return status


def send_pending(*, now: dt.datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """The periodic sweep: re-queue rows whose deliverer died mid-send, then deliver every
    queued row that is due, oldest first. Safe to run in several processes at once (each row is
    claimed before it is sent). Returns counts by outcome: requeued, sent, queued (will be
    retried), failed, skipped (taken by another deliverer)."""
    now = now or utcnow()
    counts = {"requeued": 0, "sent": 0, "queued": 0, "failed": 0, "skipped": 0}
    counts["requeued"], due = due_mails(now=now, limit=limit)
    for mail_id in due:
        counts[deliver(mail_id=mail_id, now=now) or "skipped"] += 1
    return counts


def due_mails(*, now: dt.datetime, limit: int | None = None) -> tuple[int, list[int]]:
    """Re-queue rows whose deliverer died mid-send; returns how many, and the ids of the queued
    rows due at `now`, oldest first (what `send_pending` or the queue's sweep delivers)."""
    with tasks.job_session() as session:
        requeued = session.execute(
            update(OutboundMail)
            .where(OutboundMail.status == "sending", OutboundMail.claimed_at < now - STALE_CLAIM)
            .values(status="queued", claimed_at=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        query = (
            select(OutboundMail.id)
            .where(OutboundMail.status == "queued", OutboundMail.next_attempt_at <= now)
            .order_by(OutboundMail.id)
        )
        if limit is not None:
            query = query.limit(limit)
        return requeued, list(session.scalars(query))


def pending_count() -> dict[str, int]:
    """How many mails are queued, being sent and failed (for operators)."""
    from sqlalchemy import func

    from marketplace.extensions import db

    rows = db.session.execute(
        select(OutboundMail.status, func.count())
        .where(OutboundMail.status != "sent")
        .group_by(OutboundMail.status)
    ).all()
    return {"queued": 0, "sending": 0, "failed": 0} | {status: n for status, n in rows}
