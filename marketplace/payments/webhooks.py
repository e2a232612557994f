"""Stripe's webhook: verify, store the event once, fetch the object from Stripe, settle.

Answers (what Stripe does with them): 400 for a bad signature (nothing changes; Stripe shows
the failure), 200 for an event handled now or before, or one we do not handle, 503 when the
order's lock could not be had in time or Stripe could not be asked (Stripe retries with
backoff). The event row is written in the same transaction as the order's change, so an event
whose handling failed is not marked handled and is handled on Stripe's retry.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from marketplace.extensions import db
from marketplace.payments import gateway, services, tickets
from marketplace.payments.models import StripeEvent, TicketOrder, WebhookFailure

log = logging.getLogger(__name__)

SESSION_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "checkout.session.expired",
    }
)
CHARGE_EVENTS = frozenset({"charge.refunded"})
HANDLED = SESSION_EVENTS | CHARGE_EVENTS


class Retry(Exception):
    """Handling failed in a way a later delivery can fix: answer 503."""


def handle(payload: bytes, signature: str | None) -> tuple[int, str]:
    """Handle one delivery; returns (HTTP status, short text). Commits or rolls back itself."""
    try:
        event = gateway.verify_webhook(payload, signature)
    except gateway.SignatureError:
        return 400, "bad signature"
    if event.type not in HANDLED:
        return 200, "ignored"
    if db.session.get(StripeEvent, event.id) is not None:
        return 200, "already handled"
    try:
        order_id = _apply(event)
        db.session.add(StripeEvent(id=event.id, type=event.type, order_id=order_id))
        db.session.commit()
    except IntegrityError:
        # The same event delivered at once: the other delivery stored it first.
        db.session.rollback()
        return 200, "already handled"
    except (OperationalError, tickets.Busy, Retry) as error:
        db.session.rollback()
        _record_failure(event, error)
        return 503, "try again"
    return 200, "ok"


def _apply(event: gateway.WebhookEvent) -> int | None:
    try:
        if event.type in SESSION_EVENTS:
            order = db.session.scalar(
                select(TicketOrder).where(TicketOrder.stripe_session_id == event.object_id)
            )
            if order is None:
                return None  # not one of ours (another app on the same account)
            session = gateway.retrieve_checkout_session(event.object_id)
            return services.settle_order(order_id=order.id, session=session).id
        charge = gateway.retrieve_charge(event.object_id)
    except gateway.GatewayError as error:
        raise Retry(str(error)) from error
    order = services.apply_charge(charge=charge)
    return order.id if order else None


def _record_failure(event: gateway.WebhookEvent, error: Exception) -> None:
    log.warning("webhook %s (%s) failed: %s", event.id, event.type, error)
    db.session.add(WebhookFailure(event_id=event.id, type=event.type, error=str(error)[:500]))
    db.session.commit()
