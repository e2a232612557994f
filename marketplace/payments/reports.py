"""What organisers and admins read about orders: lists, totals, the CSV for finance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.events.models import EventRegistration, PitchEvent
from marketplace.extensions import db
from marketplace.formatting import csv_datetime, csv_text
from marketplace.models import as_utc, utcnow
from marketplace.payments import tickets
from marketplace.payments.models import OrderRefund, TicketOrder, WebhookFailure


def _orders_newest_first(where, shown) -> list[TicketOrder]:
    """The orders meeting `where`, newest first, with their ticket type and `shown` (the
    buyer or the event, whichever the list names) loaded."""
    return list(
        db.session.scalars(
            select(TicketOrder)
            .where(where)
            .options(selectinload(shown), selectinload(TicketOrder.ticket_type))
            .order_by(TicketOrder.id.desc())
        )
    )


def event_orders(event: PitchEvent) -> list[TicketOrder]:
    """The event's orders, newest first, with their buyers."""
    return _orders_newest_first(TicketOrder.event_id == event.id, TicketOrder.user)


def orders_of(user: User) -> list[TicketOrder]:
    """The user's own orders at every event, newest first."""
    return _orders_newest_first(TicketOrder.user_id == user.id, TicketOrder.event)


def unpaid_seats_before_tickets(user: User) -> list[EventRegistration]:
    """The user's seats registered under the old per-event price before tickets existed and
    never charged (migration 0015 kept them as payment_state 'pending', with no order): they
    still take a seat, so the holder must see them."""
    return _seats_of(user, EventRegistration.payment_state == "pending")


def registrations_without_order(user: User) -> list[EventRegistration]:
    """The user's seats taken by registering on the event page (a free registration, no
    ticket bought): no order stands for them, yet they are the user's seat, so /orders lists
    them. Seats reserved before tickets are `unpaid_seats_before_tickets`. Reads only."""
    ordered = select(TicketOrder.registration_id).where(
        TicketOrder.user_id == user.id, TicketOrder.registration_id.is_not(None)
    )
    return _seats_of(
        user,
        EventRegistration.payment_state != "pending",
        EventRegistration.id.not_in(ordered),
    )


def _seats_of(user: User, *conditions) -> list[EventRegistration]:
    """The user's registered seats that meet `conditions`, with their events, newest first."""
    return list(
        db.session.scalars(
            select(EventRegistration)
            .where(
                EventRegistration.user_id == user.id,
                EventRegistration.status == "registered",
                *conditions,
            )
            .options(selectinload(EventRegistration.event))
            .order_by(EventRegistration.id.desc())
        )
    )


@dataclass(frozen=True)
class Attendee:
    name: str
    organisation: str
    kind: str  # investor | observer
    payment_state: str  # a registration's payment state, or "paid" for an observer
    order: TicketOrder | None


def attendees(event: PitchEvent) -> list[Attendee]:
    """Who has a seat: registered investors (with the order that seated them, if any) and
    observers with a paid observer ticket; investors first, then by name. Reads only."""
    seated_by = {
        o.registration_id: o
        for o in db.session.scalars(
            select(TicketOrder).where(
                TicketOrder.event_id == event.id, TicketOrder.registration_id.is_not(None)
            )
        )
    }
    people = [
        Attendee(
            r.user.name,
            r.organisation.name,
            "investor",
            r.payment_state,
            seated_by.get(r.id),
        )
        for r in event.registrations
        if r.status == "registered"
    ]
    observers = db.session.scalars(tickets.paid_observer_orders(event.id).order_by(TicketOrder.id))
    people += [
        Attendee(
            o.user.name,
            o.user.organisation.name if o.user.organisation else "",
            "observer",
            "paid" if o.amount else "not_required",
            o,
        )
        for o in observers
    ]
    return sorted(people, key=lambda a: (a.kind != "investor", a.name.lower()))


def display_status(order: TicketOrder) -> str:
    """A pending order whose hold has passed is shown as expired, whatever the row says yet."""
    if order.status == "pending" and as_utc(order.hold_expires_at) <= utcnow():
        return "expired"
    return order.status


@dataclass(frozen=True)
class Totals:
    paid_orders: int
    pending_orders: int
    received: int  # rupiah taken on orders that are paid, refunded or being refunded
    refunded: int
    net: int


def totals(orders: Sequence[TicketOrder]) -> Totals:
    received = sum(o.amount for o in orders if o.status in ("paid", "refunded", "refund_due"))
    refunded = sum(o.refunded_amount for o in orders)
    return Totals(
        paid_orders=sum(1 for o in orders if o.status == "paid"),
        pending_orders=sum(1 for o in orders if display_status(o) in ("pending", "processing")),
        received=received,
        refunded=refunded,
        net=received - refunded,
    )


def orders_csv(orders: Sequence[TicketOrder]) -> str:
    """The orders as CSV for a finance team, labels in the current language; every text cell
    defused against spreadsheet formulas. No side effects."""
    header = [
        gettext("Order"),
        gettext("Receipt"),
        gettext("Buyer"),
        gettext("E-mail"),
        gettext("Ticket"),
        gettext("Status"),
        gettext("List price (Rp)"),
        gettext("Paid (Rp)"),
        gettext("Refunded (Rp)"),
        gettext("Paid at (WIB)"),
        gettext("Stripe payment"),
    ]
    return csv_text(header, (_order_row(order) for order in orders))


def _order_row(order: TicketOrder) -> tuple:
    return (
        order.reference,
        order.receipt_number or "",
        order.user.name,
        order.user.email,
        order.ticket_type.name,
        display_status(order),
        order.list_price,
        order.amount if order.paid_at else 0,
        order.refunded_amount,
        csv_datetime(as_utc(order.paid_at)),
        order.stripe_payment_intent_id or "",
    )


def needing_action() -> list[TicketOrder]:
    """Orders an admin must look at: flagged (amount mismatch), money taken but no seat and a
    refund that failed or is still due."""
    failed_refund = select(OrderRefund.order_id).where(OrderRefund.status == "failed")
    return list(
        db.session.scalars(
            select(TicketOrder)
            .where(
                or_(
                    TicketOrder.status.in_(("flagged", "refund_due")),
                    TicketOrder.id.in_(failed_refund),
                )
            )
            .order_by(TicketOrder.id)
        )
    )


def webhook_failures(limit: int = 50) -> list[WebhookFailure]:
    return list(
        db.session.scalars(select(WebhookFailure).order_by(WebhookFailure.id.desc()).limit(limit))
    )


def recent_orders(limit: int = 100) -> list[TicketOrder]:
    return list(
        db.session.scalars(select(TicketOrder).order_by(TicketOrder.id.desc()).limit(limit))
    )
