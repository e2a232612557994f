"""Cancelling an event: refunds in full, holds ended, everyone concerned told."""

from __future__ import annotations

from functools import partial

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import audit, formatting, mail, tasks
from marketplace.accounts.models import User
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.events import permissions as event_permissions
from marketplace.events.models import PitchEvent
from marketplace.extensions import db
from marketplace.models import utcnow
from marketplace.notifications import services as notifications
from marketplace.payments import tickets
from marketplace.payments.models import OrderRefund, TicketOrder
from marketplace.payments.refunds import refundable
from marketplace.payments.services import REFUND_JOB

CANCELLED_JOB = "payments.event_cancelled"


def cancel_event(*, actor: User, event: PitchEvent, reason: str) -> int:
    """The organiser cancels the event: it is marked cancelled (calendars then carry
    STATUS:CANCELLED under the same UIDs), every paid order is refunded in full of what is left,
    open holds end now, and everyone concerned is e-mailed. Returns how many refunds were
    requested. Raises PermissionDenied, Conflict (cancelled already), ValidationError (no
    reason). Side effects: event status, orders, refund rows and jobs, audit, the mail job."""
    if not event_permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot change this event."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_l("Say why the event is cancelled."), field="reason")
    event = tickets.lock_event(event.id)
    if event.status == "cancelled":
        raise Conflict(_l("This event is cancelled."))
    event.status = "cancelled"
    now = utcnow()
    refunds = 0
    orders = db.session.scalars(
        select(TicketOrder).where(TicketOrder.event_id == event.id).order_by(TicketOrder.id)
    ).all()
    for order in orders:
        if order.status == "pending":
            order.status = "expired"
            order.note = "event_cancelled"
            order.hold_expires_at = now
        elif order.status in ("paid", "processing") and order.amount > 0:
            left = refundable(order)
            if left > 0 and order.stripe_payment_intent_id:
                refund = OrderRefund(
                    order_id=order.id,
                    amount=left,
                    reason=reason[:300],
                    requested_by_id=actor.id,
                )
                db.session.add(refund)
                db.session.flush()
                tasks.enqueue(REFUND_JOB, refund_id=refund.id)
                refunds += 1
    db.session.flush()
    audit.on_event("event.cancelled", event.id, by=actor.id, reason=reason[:300], refunds=refunds)
    notifications.notify(
        users=cancellation_recipients(event),
        kind="event_cancelled",
        params={"event": event.title},
        link=f"/events/{event.id}",
        compose=lambda user: cancellation_message(event, reason[:300]),
    )
    tasks.enqueue(CANCELLED_JOB, event_id=event.id, reason=reason[:300])
    return refunds


def cancellation_recipients(event: PitchEvent) -> list[User]:
    """Everyone concerned by the event's cancellation, each once: registered investors, every
    ticket holder (investor or observer: paid, being paid or refunded), the judges and the
    invited enterprises' owners or pendamping. Reads only."""
    from marketplace.events.notices import enterprise_recipients

    people: dict[int, User] = {}
    for registration in event.registrations:
        people[registration.user_id] = registration.user
    for order in db.session.scalars(select(TicketOrder).where(TicketOrder.event_id == event.id)):
        if order.status in ("paid", "processing", "refund_due", "refunded", "flagged"):
            people[order.user_id] = order.user
    for judge in event.judges:
        people[judge.user_id] = judge.user
    for invitation in event.invitations:
        for user in enterprise_recipients(invitation.enterprise):
            people[user.id] = user
    return list(people.values())


def cancellation_message(event: PitchEvent, reason: str) -> tuple[str, str]:
    """Subject and body of the cancellation e-mail, in the current locale."""
    locale = str(get_locale() or "id")
    subject = _("%(title)s is cancelled", title=event.title)
    body = "\n".join(
        [
            _(
                "The organiser has cancelled %(title)s (%(date)s).",
                title=event.title,
                date=formatting.date(event.starts_on, locale),
            ),
            _("Reason: %(reason)s", reason=reason),
            _(
                "Anyone who paid for a ticket gets the money back in full; "
                "calendar entries for the event are marked cancelled."
            ),
        ]
    )
    return subject, body


@tasks.job(CANCELLED_JOB)
def event_cancelled_job(event_id: int, reason: str) -> int:
    """E-mail everyone concerned that the event is cancelled, once each, in their language
    (`cancellation_recipients`). Those whose notification setting for cancellations is
    "email" had the same message from `notifications.notify` when the event was cancelled;
    everyone else (in-app only, daily digest) gets it here all the same, since money and
    travel plans depend on it. Returns how many mails were queued."""
    from flask import current_app

    with current_app._get_current_object().app_context():
        event = db.session.get(PitchEvent, event_id)
        people = cancellation_recipients(event)
        mailed = notifications.deliveries_for([u.id for u in people], "event_cancelled")
        sent = 0
        for user in people:
            if mailed[user.id] == "email" or not user.active:
                continue
            mail.send_to(
                user,
                partial(cancellation_message, event, reason),
                kind="event",
                key=f"event-{event.id}-cancelled-{user.id}",
            )
            sent += 1
        db.session.commit()
        return sent
