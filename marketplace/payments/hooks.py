"""How payments plugs into events, which never imports it: an event that sells tickets refuses
the free register button (seats are taken through orders); observers (any confirmed account
with an observer ticket on offer or in hand) see the event, find it in their list and get its
reminder. Imported once by create_app."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from marketplace.accounts.models import User
from marketplace.events import permissions, registrations, reminders
from marketplace.events import services as event_services
from marketplace.events.models import PitchEvent
from marketplace.extensions import db
from marketplace.payments import tickets
from marketplace.payments.models import TicketOrder, TicketType
from marketplace.permissions import is_confirmed


def refuse_free_registration(event: PitchEvent):
    if tickets.sells_tickets(event):
        return _l("This event sells tickets: choose one on the tickets page.")
    return None


def observer_events(user: User) -> list[PitchEvent]:
    """Events offering observer places (not cancelled), and those the user holds one at."""
    if not is_confirmed(user):
        return []
    offering = select(TicketType.event_id).where(TicketType.kind == "observer")
    holding = select(TicketOrder.event_id).where(
        TicketOrder.user_id == user.id,
        TicketOrder.status.in_(("paid", "processing", "refund_due", "refunded", "flagged")),
    )
    return list(
        db.session.scalars(
            select(PitchEvent).where(
                or_(
                    (PitchEvent.status != "cancelled") & PitchEvent.id.in_(offering),
                    PitchEvent.id.in_(holding),
                )
            )
        )
    )


def observers_expected(event: PitchEvent) -> list[tuple[User, str]]:
    """Observers with a paid place, each pointed to their order (the place, time and receipt)."""
    orders = db.session.scalars(tickets.paid_observer_orders(event.id).order_by(TicketOrder.id))
    return [(o.user, f"/orders/{o.id}") for o in orders]


registrations.register_registration_refusal(refuse_free_registration)
permissions.register_viewer_rule(tickets.can_see_as_observer)
event_services.register_listing_rule(observer_events)
reminders.register_recipient_source(observers_expected)
