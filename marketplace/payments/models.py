"""Ticket types, discount codes, orders, refunds and the Stripe events already handled.

Money is whole rupiah (IDR) everywhere in the database; `gateway` converts to Stripe's minor
units. A seat is taken by an order that is paid, or held by one that is `pending` with its hold
still in the future or `processing` (a delayed payment Stripe has accepted but not settled):
an expired hold frees its seat simply by its time having passed, so no clean-up job is needed
for correctness (the periodic check only tidies the status and asks Stripe).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.events.models import EventRegistration, PitchEvent
from marketplace.extensions import db
from marketplace.models import EventId, TimestampMixin, as_utc, one_of, parent_id, utcnow

# Order states. pending: seat held until hold_expires_at, buyer on Stripe Checkout;
# processing: Checkout completed with a delayed method, seat held until Stripe settles;
# paid: seat taken; expired / failed: no seat; refund_due: money taken but no seat could be given
# (late payment, event full): the refund job gives it back; refunded: money given back in full;
# flagged: Stripe's amount differs from the order: an admin must look, nothing is fulfilled.
ORDER_STATES = (
    "pending",
    "processing",
    "paid",
    "expired",
    "failed",
    "refund_due",
    "refunded",
    "flagged",
)
HOLDING_STATES = ("pending", "processing")
# Who a ticket type is for. investor: a seat at the tables, for verified investors (a paid
# order seats them through an event registration); observer: a place to watch, for any
# confirmed account (owners, facilitators of other programmes, investors not at the tables):
# the paid order itself is the seat, with no registration, so observers are never scheduled.
TICKET_KINDS = {
    "investor": _l("Investor seat (verified investors)"),
    "observer": _l("Observer (any confirmed account)"),
}


class TicketType(TimestampMixin, db.Model):
    """A kind of seat at an event (investor seat, observer) with its price and capacity."""

    __tablename__ = "ticket_types"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "name"),
        sa.CheckConstraint("price >= 0", name="price_non_negative"),
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint(
            "sale_ends_at IS NULL OR sale_starts_at IS NULL OR sale_ends_at > sale_starts_at",
            name="sale_window_in_order",
        ),
        sa.CheckConstraint(one_of("kind", TICKET_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[EventId]
    name: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[str] = mapped_column(sa.String(10), default="investor", server_default="investor")
    price: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="IDR")
    capacity: Mapped[int] = mapped_column(sa.Integer)
    sale_starts_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    sale_ends_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))

    event: Mapped[PitchEvent] = relationship()

    def on_sale(self, now: dt.datetime) -> bool:
        starts, ends = as_utc(self.sale_starts_at), as_utc(self.sale_ends_at)
        return (starts is None or now >= starts) and (ends is None or now < ends)


MIN_HOLD_MINUTES = 30  # Stripe's shortest Checkout Session
MAX_HOLD_MINUTES = 24 * 60  # and its longest


class TicketSettings(db.Model):
    """An event's ticket settings: how long a seat is held for a buyer on Stripe Checkout."""

    __tablename__ = "ticket_settings"
    __table_args__ = (
        sa.CheckConstraint(
            f"hold_minutes BETWEEN {MIN_HOLD_MINUTES} AND {MAX_HOLD_MINUTES}", name="hold_minutes"
        ),
    )

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pitch_events.id", ondelete="CASCADE"), primary_key=True
    )
    hold_minutes: Mapped[int] = mapped_column(sa.Integer)


class DiscountCode(TimestampMixin, db.Model):
    """A code for partner NGOs or journalists: a percentage off (100 = waiver), limited uses."""

    __tablename__ = "discount_codes"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "code"),
        sa.CheckConstraint("percent_off BETWEEN 1 AND 100", name="percent_off"),
        sa.CheckConstraint("max_uses >= 1", name="max_uses_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[EventId]
    code: Mapped[str] = mapped_column(sa.String(40))
    percent_off: Mapped[int] = mapped_column(sa.Integer)
    max_uses: Mapped[int] = mapped_column(sa.Integer)


class TicketOrder(TimestampMixin, db.Model):
    """One buyer's order of one ticket: the hold, the payment and what became of it."""

    __tablename__ = "ticket_orders"
    __table_args__ = (
        sa.CheckConstraint(one_of("status", ORDER_STATES), name="status"),
        sa.CheckConstraint("amount >= 0 AND list_price >= amount", name="amount"),
        # At most the order's amount, or what Stripe took when that differs (a flagged order).
        sa.CheckConstraint(
            "refunded_amount >= 0 AND (refunded_amount <= amount "
            "OR refunded_amount <= amount_received)",
            name="refunded",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[EventId]
    ticket_type_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ticket_types.id", ondelete="RESTRICT"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    discount_code_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("discount_codes.id", ondelete="SET NULL")
    )
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event_registrations.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(sa.String(12), default="pending", index=True)
    list_price: Mapped[int] = mapped_column(sa.BigInteger)
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="IDR")
    hold_expires_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    attempt: Mapped[int] = mapped_column(sa.Integer, default=1)
    stripe_session_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(sa.Text)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    paid_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    receipt_number: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    refunded_amount: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # What Stripe took (rupiah), as Stripe said when last asked; None until it differs or is
    # needed: a flagged order's refunds are capped by it, not by `amount`.
    amount_received: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Why the order ended as it did, for the buyer and the admin (seat_gone, amount_mismatch…).
    note: Mapped[str | None] = mapped_column(sa.String(40))

    event: Mapped[PitchEvent] = relationship()
    ticket_type: Mapped[TicketType] = relationship()
    user: Mapped[User] = relationship()
    discount_code: Mapped[DiscountCode | None] = relationship()
    registration: Mapped[EventRegistration | None] = relationship()
    refunds: Mapped[list[OrderRefund]] = relationship(
        back_populates="order", order_by="OrderRefund.id"
    )

    def holds_seat(self, now: dt.datetime) -> bool:
        """True while the order keeps a seat from others (paid, or a hold not yet expired)."""
        if self.status in ("paid", "processing"):
            return True
        return self.status == "pending" and as_utc(self.hold_expires_at) > now

    @property
    def refund_cap(self) -> int:
        """The most that can be given back: what Stripe took when known, else the amount."""
        return self.amount if self.amount_received is None else self.amount_received

    @property
    def reference(self) -> str:
        return f"TM-{self.id:06d}"


class OrderRefund(db.Model):
    """Money given back on an order: whole or part, by a facilitator, an admin or the system."""

    __tablename__ = "order_refunds"
    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("status IN ('requested','succeeded','failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = parent_id("ticket_orders")
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    reason: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[str] = mapped_column(sa.String(10), default="requested")
    stripe_refund_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    order: Mapped[TicketOrder] = relationship(back_populates="refunds")


class StripeEvent(db.Model):
    """Each webhook event handled, stored once: a repeat delivery finds its row and is a no-op."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(80))
    order_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ticket_orders.id", ondelete="SET NULL"), index=True
    )
    received_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class WebhookFailure(db.Model):
    """A webhook delivery that could not be handled (Stripe retries it); shown to admins."""

    __tablename__ = "webhook_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str | None] = mapped_column(sa.String(255))
    type: Mapped[str | None] = mapped_column(sa.String(80))
    error: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
