"""Orders: hold a seat, send the buyer to Stripe Checkout, settle what Stripe says.

Refunds are in `payments.refunds`, an event's cancellation in `payments.cancellation`, who may
see or refund an order in `payments.permissions`.

The rules, after pretix's Stripe provider:
- every change of an order is a transition allowed only from the states listed for it, made
  under the event's write lock (`tickets.lock_event`), so a webhook delivered ten times, the
  buyer's return page and the periodic check can all run `settle_order` and only the first
  changes anything;
- the state is never taken from a webhook's body: `check_order` asks Stripe for the Checkout
  Session (with its PaymentIntent) and `settle_order` applies that;
- a payment is fulfilled only when Stripe's amount and currency are the order's; otherwise the
  order is flagged for an admin;
- a payment that arrives when its seat is gone (the hold expired and someone took the seat) is
  refunded by the refund job and the buyer is told why: seats are never oversold.

Services flush, never commit; they raise `marketplace.errors` domain errors.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from marketplace import audit, formatting, mail, tasks
from marketplace.accounts.models import User
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.events import permissions as event_permissions
from marketplace.events import registrations
from marketplace.events.models import EventRegistration, PitchEvent
from marketplace.extensions import db
from marketplace.models import as_utc, row_or_not_found, utcnow
from marketplace.payments import gateway, tickets
from marketplace.payments.models import (
    HOLDING_STATES,
    DiscountCode,
    OrderRefund,
    TicketOrder,
    TicketType,
)

log = logging.getLogger(__name__)

REFUND_JOB = "payments.refund"
CHECK_JOB = "payments.check_pending"
# Stripe's own shortest Checkout Session life is 30 minutes, counted from its creation; the
# margin covers the moment between the hold and the call.
MIN_HOLD = dt.timedelta(minutes=30)
SESSION_MARGIN = dt.timedelta(minutes=1)


# --- buying ----------------------------------------------------------------------------------
def _live_order(event: PitchEvent, user: User, now: dt.datetime) -> TicketOrder | None:
    rows = db.session.scalars(
        select(TicketOrder).where(
            TicketOrder.event_id == event.id,
            TicketOrder.user_id == user.id,
            TicketOrder.status.in_(("pending", "processing", "paid")),
        )
    )
    return next((o for o in rows if o.holds_seat(now)), None)


def held_seat(
    *, user: User, event: PitchEvent, now: dt.datetime | None = None
) -> TicketOrder | EventRegistration | None:
    """The user's seat at `event`, if they hold one: their live order (being paid, or paid),
    else their registration (a free registration on the event page). The tickets page shows
    it instead of offering another seat. Reads only."""
    order = _live_order(event, user, now or utcnow())
    if order is not None:
        return order
    return event_permissions.registration_of(user, event)


def hold_ticket(
    *, actor: User, ticket_type: TicketType, code: str = "", now: dt.datetime | None = None
) -> TicketOrder:
    """Hold one seat of `ticket_type` for the actor for the checkout's lifetime; a free ticket
    (price 0, or a waiver code) is paid at once and seated without Stripe.

    Under the event's write lock: the type's and the event's seats left are counted with
    expired holds as free, so N buyers racing for C seats get exactly C holds. Raises
    PermissionDenied (not a verified investor), Conflict (cancelled, not on sale, sold out,
    already holding or registered), ValidationError (unknown or used-up code, field "code").
    Side effects: the order; for a free ticket the seat, the receipt number and e-mail; audit.
    """
    now = now or utcnow()
    event = tickets.lock_event(ticket_type.event_id)
    if not tickets.can_buy(actor, ticket_type):
        if ticket_type.kind == "observer":
            raise PermissionDenied(_l("Confirm your e-mail address to buy an observer ticket."))
        raise PermissionDenied(_l("Only investors of a verified organisation can buy tickets."))
    if not ticket_type.on_sale(now):
        raise Conflict(_l("This ticket is not on sale now."))
    if event.registration_deadline is not None and now > as_utc(event.registration_deadline):
        raise Conflict(_l("Registration for this event has closed."))
    if _live_order(event, actor, now) is not None or event_permissions.is_registered(actor, event):
        raise Conflict(_l("You have a ticket for this event already (or one being paid)."))
    discount = None
    if code.strip():
        discount = db.session.scalar(
            select(DiscountCode).where(
                DiscountCode.event_id == event.id, DiscountCode.code == code.strip().upper()
            )
        )
        if discount is None:
            raise ValidationError(_l("This code is not valid for this event."), field="code")
        if tickets.code_uses(discount, now=now) >= discount.max_uses:
            raise ValidationError(_l("This code has been used up."), field="code")
    if tickets.seats_left(ticket_type, now=now).left < 1:
        raise Conflict(_l("Sold out: every seat of this ticket is taken or being paid for."))
    amount = tickets.price_with_code(ticket_type.price, discount)
    if amount > 0 and not gateway.is_configured():
        raise Conflict(_l("Paid tickets cannot be sold now: payments are not set up."))
    order = TicketOrder(
        event_id=event.id,
        ticket_type_id=ticket_type.id,
        user_id=actor.id,
        discount_code_id=discount.id if discount else None,
        status="pending",
        list_price=ticket_type.price,
        amount=amount,
        currency=ticket_type.currency,
        hold_expires_at=now + dt.timedelta(minutes=tickets.hold_minutes(event)),
        attempt=1,
    )
    db.session.add(order)
    db.session.flush()
    audit.on_ticket_order("order.held", order.id, by=actor.id, event=event.id, amount=amount)
    if amount == 0:
        if not _seat(order, event, now):
            raise Conflict(_l("Sold out: every seat of this ticket is taken or being paid for."))
    return order


def open_checkout(
    *,
    order: TicketOrder,
    success_url: str,
    cancel_url: str,
    locale: str,
    now: dt.datetime | None = None,
) -> str:
    """Create the order's Stripe Checkout Session (expiring with the hold) and return its URL.
    Call after the hold is committed, so no lock is held while Stripe answers. Stripe keeps a
    session open at least 30 minutes from its creation: a hold of exactly that is stretched to
    the session's end, so the seat is held for the checkout's whole lifetime. Raises Conflict
    when the order is no longer waiting for payment or Stripe cannot be reached (the hold is
    then released). Side effects: the session id and URL on the order, its hold's end."""
    if order.status != "pending" or order.amount == 0:
        raise Conflict(_l("This order is not waiting for payment."))
    if order.checkout_url:
        return order.checkout_url
    expires_at = max(as_utc(order.hold_expires_at), (now or utcnow()) + MIN_HOLD + SESSION_MARGIN)
    try:
        session = gateway.create_checkout_session(
            order_id=order.id,
            attempt=order.attempt,
            product_name=f"{order.ticket_type.name} · {order.event.title}",
            amount=order.amount,
            currency=order.currency,
            customer_email=order.user.email,
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=expires_at,
            locale=locale,
        )
    except gateway.GatewayError as error:
        log.warning("checkout for order %s failed: %s", order.id, error)
        tickets.lock_event(order.event_id)
        order.status = "failed"
        order.note = "gateway_error"
        db.session.flush()
        raise Conflict(
            _l("The payment page could not be opened. Nothing was charged; please try again.")
        ) from error
    tickets.lock_event(order.event_id)  # write under the same lock as every other change
    order.stripe_session_id = session.id
    order.checkout_url = session.url
    if order.status == "pending":
        order.hold_expires_at = expires_at
    db.session.flush()
    return session.url or ""


# --- settling what Stripe says ---------------------------------------------------------------
def _seat(order: TicketOrder, event: PitchEvent, now: dt.datetime) -> bool:
    """Seat a paid order (under the lock): its own live hold, or a seat still free. Returns
    False, changing nothing, when the seat is gone or the buyer has one already."""
    if not order.holds_seat(now):
        left = tickets.seats_left(order.ticket_type, now=now, exclude_order_id=order.id)
        if left.left < 1:
            return False
    if order.ticket_type.kind == "observer":
        # An observer's seat is the paid order itself (no registration: never scheduled).
        if _other_seat(order) or event_permissions.is_registered(order.user, event):
            return False
    else:
        registration = registrations.seat_ticket_holder(
            event=event, user=order.user, price=order.amount
        )
        if registration is None:
            return False
        order.registration_id = registration.id
    order.status = "paid"
    order.paid_at = now
    order.receipt_number = f"KW/{now:%Y}/{order.id:06d}"
    db.session.flush()
    audit.on_ticket_order("order.paid", order.id, by=None)
    _mail(order, "receipt")
    return True


def _other_seat(order: TicketOrder) -> bool:
    """The buyer has another paid order at the event (one seat per person)."""
    return (
        db.session.scalar(
            select(TicketOrder.id).where(
                TicketOrder.event_id == order.event_id,
                TicketOrder.user_id == order.user_id,
                TicketOrder.status == "paid",
                TicketOrder.id != order.id,
            )
        )
        is not None
    )


def _refund_due(order: TicketOrder, note: str) -> None:
    order.status = "refund_due"
    order.note = note
    refund = OrderRefund(
        order_id=order.id,
        amount=order.amount - order.refunded_amount,
        reason=note,
        status="requested",
    )
    db.session.add(refund)
    db.session.flush()
    audit.on_ticket_order("order.refund_due", order.id, by=None, reason=note)
    tasks.enqueue(REFUND_JOB, refund_id=refund.id)


def settle_order(
    *, order_id: int, session: gateway.CheckoutSession, now: dt.datetime | None = None
) -> TicketOrder:
    """Apply what Stripe says about the order's Checkout Session; the one fulfilment function
    of the return page, the webhook and the periodic check. Each transition is allowed only
    from the states named, so calling it again changes nothing.

    - paid: pending/processing/expired/failed → paid (seated), or refund_due (seat gone or
      the buyer seated already), or flagged (amount or currency not the order's);
    - complete but unpaid, PaymentIntent still working: pending → processing;
    - complete but unpaid, PaymentIntent failed: pending/processing → failed;
    - expired: pending → expired.
    Raises NotFound (no such order). Side effects: the order, seat, receipt e-mail, refund job.
    """
    now = now or utcnow()
    order = row_or_not_found(TicketOrder, order_id, _l("There is no such order."))
    event = tickets.lock_event(order.event_id)
    db.session.refresh(order)
    if session.id != order.stripe_session_id and order.stripe_session_id is not None:
        log.warning("session %s is not order %s's", session.id, order.id)
        return order
    if session.payment_intent_id and not order.stripe_payment_intent_id:
        order.stripe_payment_intent_id = session.payment_intent_id
    unsettled = ("pending", "processing", "expired", "failed")
    if session.status == "complete" and session.payment_status == "paid":
        if order.status not in unsettled:
            return order
        if session.amount_total != order.amount or session.currency != order.currency:
            order.status = "flagged"
            order.note = "amount_mismatch"
            if session.currency == order.currency:
                order.amount_received = session.amount_total
            audit.on_ticket_order(
                "order.flagged",
                order.id,
                by=None,
                stripe_amount=session.amount_total,
                currency=session.currency,
            )
        elif order.refunded_amount >= order.amount:
            order.status = "refunded"
        elif not _seat(order, event, now):
            already = _live_registration(order) is not None or _other_seat(order)
            _refund_due(order, "already_registered" if already else "seat_gone")
            _mail(order, "late")
    elif session.status == "complete":
        failed = session.payment_intent_status in ("requires_payment_method", "canceled")
        if failed and order.status in ("pending", "processing"):
            order.status = "failed"
            order.note = "payment_failed"
            _mail(order, "failed")
        elif not failed and order.status == "pending":
            order.status = "processing"
    elif session.status == "expired" and order.status == "pending":
        order.status = "expired"
    db.session.flush()
    return order


def _live_registration(order: TicketOrder) -> EventRegistration | None:
    return db.session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == order.event_id,
            EventRegistration.user_id == order.user_id,
            EventRegistration.status == "registered",
        )
    )


def check_order(*, order: TicketOrder, now: dt.datetime | None = None) -> TicketOrder:
    """Ask Stripe about the order's session and settle it (the return page, the periodic check,
    an admin's "check again"). An order that never got a session expires with its hold.
    Raises Conflict when Stripe cannot be reached. Side effects: as `settle_order`."""
    now = now or utcnow()
    if order.stripe_session_id is None:
        if order.status == "pending" and as_utc(order.hold_expires_at) <= now:
            tickets.lock_event(order.event_id)
            db.session.refresh(order)
            if order.status == "pending":
                order.status = "expired"
                db.session.flush()
        return order
    try:
        session = gateway.retrieve_checkout_session(order.stripe_session_id)
    except gateway.GatewayError as error:
        raise Conflict(_l("Stripe could not be reached; try again in a moment.")) from error
    return settle_order(order_id=order.id, session=session, now=now)


def apply_charge(*, charge: gateway.Charge) -> TicketOrder | None:
    """Apply a charge's refunded amount as Stripe has it (refunds made here or on Stripe's
    dashboard). Refunded in full: the order is refunded and its seat given back. Returns the
    order, None when no order has that PaymentIntent. Side effects: the order, seat."""
    order = db.session.scalar(
        select(TicketOrder).where(TicketOrder.stripe_payment_intent_id == charge.payment_intent_id)
    )
    if order is None and charge.order_id is not None:
        # The refund is told before the payment was settled here: found by the order id the
        # PaymentIntent carries (set when the session was created).
        order = db.session.get(TicketOrder, charge.order_id)
        if order is not None and order.stripe_payment_intent_id not in (
            None,
            charge.payment_intent_id,
        ):
            order = None
    if order is None:
        return None
    tickets.lock_event(order.event_id)
    db.session.refresh(order)
    order.stripe_payment_intent_id = order.stripe_payment_intent_id or charge.payment_intent_id
    if charge.amount_captured and charge.amount_captured != order.amount:
        order.amount_received = charge.amount_captured
    record_refunded(order, min(charge.amount_refunded, order.refund_cap))
    return order


def record_refunded(order: TicketOrder, refunded: int) -> None:
    """Raise the order's refunded amount to `refunded` (never lower: refunds and the webhook
    may tell the same refund twice, in any order); refunded in full (all Stripe took) → state
    refunded, the seat given back and the registration marked refunded. On a cancelled event
    the registration's holder still downloads the cancelled calendar entries
    (`events.permissions.had_seat_at_cancelled_event`)."""
    if refunded <= order.refunded_amount:
        return
    order.refunded_amount = refunded
    if refunded >= order.refund_cap and order.status in (
        *HOLDING_STATES,
        "paid",
        "refund_due",
        "flagged",
    ):
        was_paid = order.status == "paid"
        order.status = "refunded"
        if order.registration is not None:
            registrations.release_seat(registration=order.registration)
            order.registration.payment_state = "refunded"
        if was_paid:
            _mail(order, "refunded")
    db.session.flush()


def resend_receipt(*, actor: User, order: TicketOrder) -> None:
    """An admin sends the buyer's receipt e-mail again (lost, or sent to a full mailbox), in
    the buyer's language. Raises PermissionDenied (not an admin), Conflict (no receipt: the
    order was never paid). Side effects: one more receipt e-mail; audit."""
    if not event_permissions.is_admin(actor):
        raise PermissionDenied(_l("Only administrators can do this."))
    if order.receipt_number is None:
        raise Conflict(_l("This order has no receipt: it was never paid."))
    sent = audit.on_ticket_order("order.receipt_resent", order.id, by=actor.id)
    db.session.flush()
    _mail(order, "receipt", again=sent.id)


# --- the periodic check ----------------------------------------------------------------------
def overdue_orders(now: dt.datetime) -> list[TicketOrder]:
    """Orders Stripe has not settled although their hold passed (pending), or still processing
    after a day; the periodic check asks Stripe about each."""
    return list(
        db.session.scalars(
            select(TicketOrder)
            .where(
                or_(
                    (TicketOrder.status == "pending") & (TicketOrder.hold_expires_at <= now),
                    (TicketOrder.status == "processing")
                    & (TicketOrder.updated_at <= now - dt.timedelta(hours=1)),
                )
            )
            .order_by(TicketOrder.id)
        )
    )


@tasks.job(CHECK_JOB)
def check_pending_job() -> dict[str, int]:
    """Settle every overdue order against Stripe; one that cannot be checked now waits for the
    next run. Returns counts by outcome. Side effects: as `check_order`, one commit per order."""
    from flask import current_app

    with current_app._get_current_object().app_context():
        return _check_pending(utcnow())


def _check_pending(now: dt.datetime) -> dict[str, int]:
    counts: dict[str, int] = {}
    for order_id in [o.id for o in overdue_orders(now)]:
        order = db.session.get(TicketOrder, order_id)
        try:
            status = check_order(order=order, now=now).status
            db.session.commit()
        except Conflict:
            db.session.rollback()
            status = "unreachable"
        counts[status] = counts.get(status, 0) + 1
    return counts


# --- e-mail ----------------------------------------------------------------------------------
def _mail(order: TicketOrder, kind: str, *, again: object = None) -> None:
    """The buyer's e-mail about the order, once per (order, kind), in their language; `again`
    (an admin's re-send) makes one more."""
    locale = mail.recipient_locale(order.user.locale)
    mail.send_to(
        order.user,
        partial(_order_mail, order, kind, locale),
        kind="event",
        key=f"order-{order.id}-{kind}" + (f"-again-{again}" if again is not None else ""),
    )


def _order_mail(order: TicketOrder, kind: str, locale: str) -> tuple[str, str]:
    base = mail.public_url()
    title = order.event.title
    if kind == "receipt":
        subject = _(
            "Your ticket for %(title)s (receipt %(n)s)", title=title, n=order.receipt_number
        )
        lines = [
            _("Thank you: your seat is booked."),
            _("Ticket: %(name)s", name=order.ticket_type.name),
            _("Paid: %(amount)s", amount=formatting.rupiah(order.amount, locale)),
            _("Receipt (kuitansi): %(url)s", url=f"{base}/orders/{order.id}/receipt"),
        ]
    elif kind == "late":
        subject = _("Your payment for %(title)s is being refunded", title=title)
        lines = [
            _(
                "Your payment arrived after your seat's hold had run out, and the seat "
                "was taken meanwhile. The full amount (%(amount)s) is being refunded to you.",
                amount=formatting.rupiah(order.amount, locale),
            )
        ]
    elif kind == "failed":
        subject = _("Your payment for %(title)s did not go through", title=title)
        lines = [_("Nothing was charged and the seat was released. You may try again.")]
    else:
        subject = _("Your ticket for %(title)s was refunded", title=title)
        lines = [
            _(
                "%(amount)s has been refunded to you; your seat is released.",
                amount=formatting.rupiah(order.refunded_amount, locale),
            )
        ]
    lines += [
        "",
        _("Order: %(url)s", url=f"{base}/orders/{order.id}"),
        _("TemuModal only collects ticket fees; it never holds or moves investment money."),
    ]
    return str(subject), "\n".join(str(line) for line in lines)
