"""Reminders before an event: one e-mail, about EVENT_REMINDER_HOURS (24) before it starts, to
everyone expected there: its judges, its registered investors and the enterprises that confirmed
attendance (their owners, or their pendamping when no owner has an account).

`send_reminders` is the periodic job `events.send_reminders` (marketplace/jobs/periodic.py).
Each person is reminded at most once per event: the `event_reminders` row (unique per event and
person) is written in the same transaction as the mail (`mail.send`, with a key of its own), so
a run that is repeated, or two runs at once, remind nobody twice, and a crash after the commit
loses no reminder (the mail row waits for the sweep). Nobody hears about a cancelled event or
one that has started.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace import formatting, mail, tasks
from marketplace.accounts.models import User
from marketplace.events.models import (
    EventInvitation,
    EventJudge,
    EventRegistration,
    EventReminder,
    PitchEvent,
)
from marketplace.events.notices import enterprise_recipients
from marketplace.extensions import db
from marketplace.models import utcnow

log = logging.getLogger(__name__)
REMIND_JOB = "events.send_reminders"


@dataclass(frozen=True)
class Reminded:
    """One person to remind, and the page that shows them their part of the day."""

    user: User
    path: str


def starts_at(event: PitchEvent) -> dt.datetime:
    """When the event begins, in UTC: its first day's start in its own zone."""
    local = dt.datetime.combine(event.starts_on, event.day_start, tzinfo=ZoneInfo(event.timezone))
    return local.astimezone(dt.UTC)


def due_events(*, now: dt.datetime, hours: float) -> list[PitchEvent]:
    """Events not cancelled that start after `now` and within `hours` of it. Reads only."""
    # Dates first (cheap, indexed by status), the exact start in each event's zone after.
    window = dt.timedelta(hours=hours)
    candidates = db.session.scalars(
        select(PitchEvent).where(
            PitchEvent.status != "cancelled",
            PitchEvent.starts_on >= (now - dt.timedelta(days=1)).date(),
            PitchEvent.starts_on <= (now + window + dt.timedelta(days=1)).date(),
        )
    )
    return [e for e in candidates if now < starts_at(e) <= now + window]


def recipients(event: PitchEvent) -> list[Reminded]:
    """Everyone expected at `event`, each once (a judge who also registered hears as a judge):
    judges, registered investors whose seat is not waiting for payment, and the people of each
    enterprise with confirmed attendance. Inactive accounts are left out. Reads only."""
    people: dict[int, Reminded] = {}

    def add(user: User | None, path: str) -> None:
        if user is not None and user.active and user.id not in people:
            people[user.id] = Reminded(user, path)

    for judge in db.session.scalars(select(EventJudge).where(EventJudge.event_id == event.id)):
        add(judge.user, f"/events/{event.id}/judging")
    for registration in db.session.scalars(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id,
            EventRegistration.status == "registered",
            EventRegistration.payment_state != "pending",
        )
    ):
        add(registration.user, f"/events/{event.id}/agenda")
    for invitation in db.session.scalars(
        select(EventInvitation).where(
            EventInvitation.event_id == event.id, EventInvitation.status == "confirmed"
        )
    ):
        path = f"/events/{event.id}/enterprises/{invitation.enterprise_id}/agenda"
        for user in enterprise_recipients(invitation.enterprise):
            add(user, path)
    for source in _recipient_sources:
        for user, path in source(event):
            add(user, path)
    return list(people.values())


_recipient_sources: list[Callable[[PitchEvent], Iterable[tuple[User, str]]]] = []


def register_recipient_source(source: Callable[[PitchEvent], Iterable[tuple[User, str]]]) -> None:
    """Let a higher package name more people expected at an event, each with the path of
    their page (payments: observers, to their order)."""
    if source not in _recipient_sources:
        _recipient_sources.append(source)


def reminder_message(event: PitchEvent, person: Reminded) -> tuple[str, str]:
    """Subject and body of the reminder, in the current locale."""
    base = mail.public_url()
    when = formatting.datetime(starts_at(event), tz=event.timezone)
    subject = _("Reminder: %(title)s starts on %(when)s", title=event.title, when=when)
    lines = [
        _("Hello %(name)s,", name=person.user.name),
        "",
        _("%(title)s starts on %(when)s.", title=event.title, when=when),
    ]
    if event.venue:
        lines.append(_("Place: %(venue)s", venue=event.venue))
    if event.online_url:
        lines.append(_("Online: %(url)s", url=event.online_url))
    lines += ["", _("Your part of the day, and any changes: %(url)s", url=base + person.path)]
    return subject, "\n".join(lines)


def remind_event(event: PitchEvent) -> int:
    """Remind everyone expected at `event` who was not reminded yet. Returns how many were.
    Side effects: an `event_reminders` row and a mail (`mail.send`) per person; flushes. Raises
    IntegrityError when another run reminded one of them at the same moment (roll back)."""
    done = set(
        db.session.scalars(select(EventReminder.user_id).where(EventReminder.event_id == event.id))
    )
    sent = 0
    for person in recipients(event):
        if person.user.id in done:
            continue
        db.session.add(EventReminder(event_id=event.id, user_id=person.user.id))
        db.session.flush()  # the unique pair claims this person before the mail is written
        mail.send_to(
            person.user,
            partial(reminder_message, event, person),
            kind="event",
            key=f"event-reminder:{event.id}:{person.user.id}",
        )
        sent += 1
    return sent


@tasks.job(REMIND_JOB)
def send_reminders(now: str | None = None) -> int:
    """The periodic job: remind the people of every event starting within
    EVENT_REMINDER_HOURS. `now` (ISO, tests) defaults to the clock. Returns how many people
    were reminded. Commits once per event; an event another run is reminding at the same
    moment is left to it."""
    app = current_app._get_current_object()
    moment = dt.datetime.fromisoformat(now) if now else utcnow()
    hours = float(app.config["EVENT_REMINDER_HOURS"])
    total = 0
    # A context (and so a session) of its own: inline, a job runs in a request's after-commit
    # hook, whose session can no longer be used.
    with app.app_context():
        for event_id in [e.id for e in due_events(now=moment, hours=hours)]:
            try:
                total += remind_event(db.session.get(PitchEvent, event_id))
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                log.info("reminders of event %s are being sent by another run", event_id)
    return total
