"""The one seam to Stripe: the only module that imports `stripe`.

Uses the pinned library's `StripeClient` (`client.v1.…`) at the API version it is pinned to.
Amounts cross this seam in whole rupiah; Stripe counts IDR in hundredths (IDR is not a
zero-decimal currency in Stripe's API), so 1 rupiah is sent as 100 and read back divided by 100.
Every create call carries an idempotency key made from the order (and attempt or refund).
Tests plug a labelled fake transport in through the STRIPE_HTTP_CLIENT setting; nothing else
about the code changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import stripe
from flask import current_app

SIGNATURE_TOLERANCE_S = 300
MINOR_UNITS_PER_RUPIAH = 100


class GatewayError(Exception):
    """Stripe refused the call or could not be reached."""


class SignatureError(Exception):
    """A webhook whose signature is missing, wrong, stale or whose body was changed."""


def to_minor(rupiah: int) -> int:
    """Whole rupiah → Stripe's `unit_amount` for IDR (hundredths)."""
    return int(rupiah) * MINOR_UNITS_PER_RUPIAH


def from_minor(amount: int) -> int:
    """Stripe's IDR amount → whole rupiah (Stripe only takes whole rupiah for IDR)."""
    return int(amount) // MINOR_UNITS_PER_RUPIAH


# Stripe refuses a charge below a minimum set per currency (in effect the equivalent of
# USD 0.50 in the account's settlement currency); the floor for IDR is TemuModal's, set with
# margin above that equivalent and adjustable with TICKET_MIN_PRICE_IDR (README, "Paid
# tickets"). A paid ticket, also after a discount code, costs at least this much.
DEFAULT_MIN_CHARGE = {"IDR": 10_000}


def min_charge(currency: str = "IDR") -> int:
    """The smallest price, in whole units, a paid ticket may have in `currency`."""
    configured = current_app.config["TICKET_MIN_PRICE_IDR"] if currency.upper() == "IDR" else None
    return int(configured) if configured else DEFAULT_MIN_CHARGE.get(currency.upper(), 1)


def is_configured() -> bool:
    """Both the secret key and the webhook secret are set: priced tickets can be sold."""
    return bool(
        current_app.config.get("STRIPE_SECRET_KEY")
        and current_app.config.get("STRIPE_WEBHOOK_SECRET")
    )


def _client() -> stripe.StripeClient:
    key = current_app.config.get("STRIPE_SECRET_KEY")
    if not key:
        raise GatewayError("STRIPE_SECRET_KEY is not set")
    return stripe.StripeClient(
        key,
        http_client=current_app.config.get("STRIPE_HTTP_CLIENT"),
        max_network_retries=current_app.config["STRIPE_MAX_NETWORK_RETRIES"],
    )


@dataclass(frozen=True)
class CheckoutSession:
    """What TemuModal needs to know about a Checkout Session, as Stripe says it now."""

    id: str
    url: str | None
    status: str  # open | complete | expired
    payment_status: str  # paid | unpaid | no_payment_required
    amount_total: int  # rupiah
    currency: str  # upper case
    order_id: int | None  # client_reference_id
    payment_intent_id: str | None
    payment_intent_status: str | None  # succeeded, processing, requires_payment_method, …


@dataclass(frozen=True)
class Charge:
    id: str
    payment_intent_id: str | None
    order_id: int | None  # from the PaymentIntent's metadata, set when the session was created
    amount_refunded: int  # rupiah
    amount_captured: int  # rupiah: what Stripe took


@dataclass(frozen=True)
class PaymentIntent:
    id: str
    status: str
    amount_received: int  # rupiah: what Stripe took
    currency: str  # upper case


def _field(obj, name: str):
    """A field of a Stripe object, None when Stripe left it out (objects are not dicts)."""
    return getattr(obj, name, None)


def _session(obj) -> CheckoutSession:
    intent = _field(obj, "payment_intent")
    expanded = intent is not None and not isinstance(intent, str)
    reference = _field(obj, "client_reference_id")
    return CheckoutSession(
        id=obj.id,
        url=_field(obj, "url"),
        status=obj.status,
        payment_status=obj.payment_status,
        amount_total=from_minor(_field(obj, "amount_total") or 0),
        currency=(_field(obj, "currency") or "").upper(),
        order_id=int(reference) if reference and str(reference).isdigit() else None,
        payment_intent_id=intent.id if expanded else intent,
        payment_intent_status=intent.status if expanded else None,
    )


def create_checkout_session(
    *,
    order_id: int,
    attempt: int,
    product_name: str,
    amount: int,
    currency: str,
    customer_email: str,
    success_url: str,
    cancel_url: str,
    expires_at: dt.datetime,
    locale: str,
) -> CheckoutSession:
    """Open a Checkout Session for one ticket. Raises GatewayError."""
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency.lower(),
                    "unit_amount": to_minor(amount),
                    "product_data": {"name": product_name},
                },
            }
        ],
        "client_reference_id": str(order_id),
        "metadata": {"order_id": str(order_id), "attempt": str(attempt)},
        "payment_intent_data": {"metadata": {"order_id": str(order_id)}},
        "customer_email": customer_email,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": int(expires_at.timestamp()),
        "locale": locale,
    }
    try:
        session = _client().v1.checkout.sessions.create(
            params, {"idempotency_key": f"temumodal-order-{order_id}-attempt-{attempt}"}
        )
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    return _session(session)


def retrieve_checkout_session(session_id: str) -> CheckoutSession:
    """The session as Stripe has it now, with its PaymentIntent's status. Raises GatewayError."""
    try:
        session = _client().v1.checkout.sessions.retrieve(
            session_id, {"expand": ["payment_intent"]}
        )
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    return _session(session)


def expire_checkout_session(session_id: str) -> None:
    """Close an open session so it can no longer be paid. Raises GatewayError."""
    try:
        _client().v1.checkout.sessions.expire(session_id)
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error


def create_refund(*, payment_intent_id: str, amount: int, refund_id: int) -> str:
    """Give `amount` rupiah back; returns Stripe's refund id. Raises GatewayError."""
    try:
        refund = _client().v1.refunds.create(
            {
                "payment_intent": payment_intent_id,
                "amount": to_minor(amount),
                "metadata": {"refund_id": str(refund_id)},
            },
            {"idempotency_key": f"temumodal-refund-{refund_id}"},
        )
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    return refund.id


def retrieve_charge(charge_id: str) -> Charge:
    """A charge as Stripe has it now. Raises GatewayError."""
    try:
        charge = _client().v1.charges.retrieve(charge_id, {"expand": ["payment_intent"]})
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    intent = _field(charge, "payment_intent")
    expanded = intent is not None and not isinstance(intent, str)
    metadata = _field(intent, "metadata") if expanded else None
    reference = metadata["order_id"] if metadata and "order_id" in metadata else None
    return Charge(
        id=charge.id,
        payment_intent_id=intent.id if expanded else intent,
        order_id=int(reference) if reference and str(reference).isdigit() else None,
        amount_refunded=from_minor(_field(charge, "amount_refunded") or 0),
        amount_captured=from_minor(_field(charge, "amount_captured") or 0),
    )


def retrieve_payment_intent(payment_intent_id: str) -> PaymentIntent:
    """A PaymentIntent as Stripe has it now: what it actually took. Raises GatewayError."""
    try:
        intent = _client().v1.payment_intents.retrieve(payment_intent_id)
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    return PaymentIntent(
        id=intent.id,
        status=intent.status,
        amount_received=from_minor(_field(intent, "amount_received") or 0),
        currency=(_field(intent, "currency") or "").upper(),
    )


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    object_id: str  # the id of the Stripe object the event is about (session, charge)


def verify_webhook(payload: bytes, signature_header: str | None) -> WebhookEvent:
    """Check the signature on the raw body (at most 300 s old) and read the event's id, type
    and object id; nothing else in the body is trusted. Raises SignatureError."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret or not signature_header:
        raise SignatureError("missing signature or secret")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature_header, secret, tolerance=SIGNATURE_TOLERANCE_S
        )
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise SignatureError(str(error)) from error
    try:
        data = event.to_dict()
        return WebhookEvent(
            id=data["id"], type=data["type"], object_id=data["data"]["object"]["id"]
        )
    except (KeyError, AttributeError, TypeError) as error:
        raise SignatureError("not a Stripe event") from error
