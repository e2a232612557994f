"""Refunds: what can be given back, asking for a refund, and the job that moves the money."""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace import audit, formatting, tasks
from marketplace.accounts.models import User
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.events import permissions as event_permissions
from marketplace.extensions import db
from marketplace.payments import gateway, tickets
from marketplace.payments.models import OrderRefund, TicketOrder
from marketplace.payments.permissions import can_refund
from marketplace.payments.services import REFUND_JOB, record_refunded

log = logging.getLogger(__name__)


def refundable(order: TicketOrder) -> int:
    """What can still be given back: of what Stripe took (a flagged order's own figure) or the
    order's amount, less refunds made or under way."""
    requested = sum(r.amount for r in order.refunds if r.status != "failed")
    return max(0, order.refund_cap - max(requested, order.refunded_amount))


def read_amount_taken(*, order: TicketOrder) -> None:
    """A flagged order took an amount that is not the order's: read it from Stripe (the
    PaymentIntent's amount received) so refunds are capped by it. Raises Conflict when Stripe
    cannot be reached or took another currency (an admin refunds on Stripe's dashboard)."""
    try:
        intent = gateway.retrieve_payment_intent(order.stripe_payment_intent_id)
    except gateway.GatewayError as error:
        raise Conflict(_l("Stripe could not be reached; try again in a moment.")) from error
    if intent.currency != order.currency:
        raise Conflict(_l("Stripe took another currency: refund this order on Stripe's dashboard."))
    order.amount_received = intent.amount_received
    db.session.flush()


def request_refund(*, actor: User, order: TicketOrder, amount: int, reason: str) -> OrderRefund:
    """The organiser (or an admin) gives back `amount` rupiah of a paid order, with a reason.
    The money moves in the refund job after commit. Raises PermissionDenied, ValidationError
    (amount, reason), Conflict (not paid, free). Side effects: a refund row; audit; the job."""
    if not can_refund(actor, order):
        raise PermissionDenied(_l("You cannot refund this order."))
    # A flagged order (Stripe's amount was not the order's) took money without a seat: it is
    # refunded the same way, by an admin or the organiser after looking at it.
    if (
        order.status not in ("paid", "flagged")
        or order.amount == 0
        or not order.stripe_payment_intent_id
    ):
        raise Conflict(_l("Only paid orders can be refunded."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_l("Say why the money is given back."), field="reason")
    if order.status == "flagged":
        read_amount_taken(order=order)
    left = refundable(order)
    if amount < 1 or amount > left:
        raise ValidationError(
            _l("Enter an amount from Rp1 to %(max)s.", max=formatting.rupiah(left)),
            field="amount",
        )
    refund = OrderRefund(
        order_id=order.id, amount=amount, reason=reason[:300], requested_by_id=actor.id
    )
    db.session.add(refund)
    db.session.flush()
    audit.on_ticket_order(
        "order.refund_requested", order.id, by=actor.id, amount=amount, reason=reason[:300]
    )
    tasks.enqueue(REFUND_JOB, refund_id=refund.id)
    return refund


@tasks.job(REFUND_JOB)
def refund_job(refund_id: int) -> str:
    """Give a requested refund's money back through Stripe (idempotent by the refund's id:
    a retry after a crash returns Stripe's same refund). Returns the refund's status."""
    from flask import current_app

    with current_app._get_current_object().app_context():  # a session of the job's own
        return _refund(refund_id)


def _refund(refund_id: int) -> str:
    refund = db.session.get(OrderRefund, refund_id)
    if refund is None or refund.status != "requested":
        return refund.status if refund else "missing"
    order = refund.order
    try:
        refund.stripe_refund_id = gateway.create_refund(
            payment_intent_id=order.stripe_payment_intent_id,
            amount=refund.amount,
            refund_id=refund.id,
        )
    except gateway.GatewayError as error:
        log.warning("refund %s failed: %s", refund.id, error)
        refund.status = "failed"
        audit.on_ticket_order("order.refund_failed", order.id, by=None, refund=refund.id)
        db.session.commit()
        return "failed"
    refund.status = "succeeded"
    tickets.lock_event(order.event_id)
    db.session.refresh(order)
    succeeded = db.session.scalar(
        select(func.coalesce(func.sum(OrderRefund.amount), 0)).where(
            OrderRefund.order_id == order.id, OrderRefund.status == "succeeded"
        )
    )
    record_refunded(order, min(int(succeeded), order.refund_cap))
    db.session.commit()
    return "succeeded"


def retry_refund(*, actor: User, refund: OrderRefund) -> None:
    """An admin tries a failed refund again. Raises PermissionDenied, Conflict."""
    if not event_permissions.is_admin(actor):
        raise PermissionDenied(_l("Only administrators can do this."))
    if refund.status != "failed":
        raise Conflict(_l("This refund is not failed."))
    refund.status = "requested"
    db.session.flush()
    tasks.enqueue(REFUND_JOB, refund_id=refund.id)
