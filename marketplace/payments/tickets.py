"""Ticket types and discount codes per event, and how many seats are left.

A seat of a ticket type is taken by a paid order and held by a pending order whose hold has
not run out or a processing one; the event's own seats are its registrations (the counter
`registered_count`) plus the holds not yet seated. Nothing has to run for an expired hold to
free its seat: it stops counting when its time has passed.

Services flush, never commit; they raise `marketplace.errors` domain errors.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, or_, select, text
from sqlalchemy.exc import OperationalError

from marketplace import audit, formatting
from marketplace.accounts.models import User
from marketplace.errors import Conflict, PermissionDenied, Problems, ValidationError
from marketplace.events import permissions as event_permissions
from marketplace.events.models import PitchEvent
from marketplace.events.services import lock_for_write
from marketplace.extensions import db
from marketplace.models import as_utc, utcnow
from marketplace.money import MAX_AMOUNT
from marketplace.payments import gateway
from marketplace.payments.models import (
    MAX_HOLD_MINUTES,
    MIN_HOLD_MINUTES,
    TICKET_KINDS,
    DiscountCode,
    TicketOrder,
    TicketSettings,
    TicketType,
)
from marketplace.permissions import deny_on_error, is_confirmed

LOCK_TIMEOUT_MS = 5000
SQLITE_LOCK_WAIT_S = 30.0


def sells_tickets(event: PitchEvent) -> bool:
    """The event has ticket types: seats are taken through orders, not the register button."""
    return (
        db.session.scalar(select(TicketType.id).where(TicketType.event_id == event.id).limit(1))
        is not None
    )


def ticket_types(event: PitchEvent) -> list[TicketType]:
    return list(
        db.session.scalars(
            select(TicketType).where(TicketType.event_id == event.id).order_by(TicketType.price)
        )
    )


def discount_codes(event: PitchEvent) -> list[DiscountCode]:
    return list(
        db.session.scalars(
            select(DiscountCode)
            .where(DiscountCode.event_id == event.id)
            .order_by(DiscountCode.code)
        )
    )


def offers_observer_tickets(event: PitchEvent) -> bool:
    """The event sells observer tickets (whether on sale now or not) and is not cancelled."""
    return (
        event.status != "cancelled"
        and db.session.scalar(
            select(TicketType.id)
            .where(TicketType.event_id == event.id, TicketType.kind == "observer")
            .limit(1)
        )
        is not None
    )


def paid_observer_orders(event_id: int) -> Select[tuple[TicketOrder]]:
    """The query of an event's paid observer orders: an observer has no registration, so the
    paid order is the seat (it is counted against capacity, listed and reminded)."""
    return (
        select(TicketOrder)
        .join(TicketType, TicketType.id == TicketOrder.ticket_type_id)
        .where(
            TicketOrder.event_id == event_id,
            TicketType.kind == "observer",
            TicketOrder.status == "paid",
        )
    )


def observer_order(user, event: PitchEvent) -> TicketOrder | None:
    """The user's latest observer order at the event that is or was a seat (paid, being paid,
    or refunded), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(TicketOrder)
        .join(TicketType, TicketType.id == TicketOrder.ticket_type_id)
        .where(
            TicketOrder.event_id == event.id,
            TicketOrder.user_id == user.id,
            TicketType.kind == "observer",
            TicketOrder.status.in_(("paid", "processing", "refund_due", "refunded", "flagged")),
        )
        .order_by(TicketOrder.id.desc())
        .limit(1)
    )


@deny_on_error
def can_buy(user, ticket_type: TicketType) -> bool:
    """Investor seats: what `events.permissions.can_register` allows (investors of a verified
    organisation). Observer places: any confirmed account, whatever its role, except the
    event's own organisers (they run the day). Never on a cancelled event."""
    event = ticket_type.event
    if ticket_type.kind == "observer":
        return (
            is_confirmed(user)
            and event.status != "cancelled"
            and not event_permissions.can_manage_event(user, event)
        )
    return event_permissions.can_register(user, event)


@deny_on_error
def can_see_as_observer(user, event: PitchEvent) -> bool:
    """A confirmed account may see an event that offers observer places, and an observer keeps
    seeing the event they hold (or held) a place at, cancelled or not."""
    if not is_confirmed(user):
        return False
    return offers_observer_tickets(event) or observer_order(user, event) is not None


class Busy(Conflict):
    """The event's lock could not be had in time (a rush of buyers, a long transaction)."""


def lock_event(event_id: int) -> PitchEvent:
    """Hold the event's write lock for the rest of the transaction, so seat counts read next
    cannot change under us: SELECT … FOR UPDATE on the event row on PostgreSQL (waiting at most
    LOCK_TIMEOUT_MS), BEGIN IMMEDIATE on SQLite. Returns the event freshly read. Raises Busy
    (after rolling back) when the lock could not be had in time."""
    session = db.session()
    try:
        if session.connection().dialect.name == "postgresql":
            session.execute(text(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}"))
        else:
            _sqlite_write_lock(session)
        return session.scalar(
            select(PitchEvent)
            .where(PitchEvent.id == event_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    except OperationalError as error:
        session.rollback()
        raise Busy(_l("Many people are buying right now: please try again.")) from error


def _sqlite_write_lock(session) -> None:
    """BEGIN IMMEDIATE, tried again for up to SQLITE_LOCK_WAIT_S: SQLite's busy handler is not
    fair, so under a rush of buyers one request can wait past the busy timeout while others
    pass. A seat decision is worth the wait; after it the buyer is told to try again (409)."""
    deadline = time.monotonic() + SQLITE_LOCK_WAIT_S
    while True:
        try:
            lock_for_write(session)
            return
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _holding(now: dt.datetime):
    """Orders that hold a seat without being seated yet."""
    return or_(
        TicketOrder.status == "processing",
        and_(TicketOrder.status == "pending", TicketOrder.hold_expires_at > now),
    )


@dataclass(frozen=True)
class Seats:
    type_left: int
    event_left: int

    @property
    def left(self) -> int:
        return max(0, min(self.type_left, self.event_left))


def seats_left(
    ticket_type: TicketType, *, now: dt.datetime, exclude_order_id: int | None = None
) -> Seats:
    """Seats of this type and of its event nobody has or holds (an order of `exclude_order_id`
    not counted). Exact only under `lock_event`; otherwise a figure to show."""
    others = TicketOrder.id != (exclude_order_id or 0)
    type_taken = db.session.scalar(
        select(func.count(TicketOrder.id)).where(
            TicketOrder.ticket_type_id == ticket_type.id,
            or_(TicketOrder.status == "paid", _holding(now)),
            others,
        )
    )
    event_held = db.session.scalar(
        select(func.count(TicketOrder.id)).where(
            TicketOrder.event_id == ticket_type.event_id, _holding(now), others
        )
    )
    # Observers have no registration: their paid orders take event seats by themselves.
    observers_seated = db.session.scalar(
        paid_observer_orders(ticket_type.event_id)
        .with_only_columns(func.count(TicketOrder.id))
        .where(others)
    )
    event = db.session.get(PitchEvent, ticket_type.event_id)
    return Seats(
        type_left=ticket_type.capacity - type_taken,
        event_left=event.capacity - event.registered_count - event_held - observers_seated,
    )


def code_uses(code: DiscountCode, *, now: dt.datetime, exclude_order_id: int | None = None) -> int:
    """Uses of a code: paid orders and live holds (an expired hold gives its use back)."""
    return db.session.scalar(
        select(func.count(TicketOrder.id)).where(
            TicketOrder.discount_code_id == code.id,
            or_(TicketOrder.status == "paid", _holding(now)),
            TicketOrder.id != (exclude_order_id or 0),
        )
    )


@dataclass
class TicketTypeData:
    name: str
    price: int
    capacity: int
    kind: str = "investor"
    sale_starts_at: dt.datetime | None = None
    sale_ends_at: dt.datetime | None = None


def ticket_type_problems(
    event: PitchEvent,
    data: TicketTypeData,
    *,
    ticket_type: TicketType | None = None,
    now: dt.datetime | None = None,
) -> Problems:
    """Every rule a ticket type breaks, each on its field (also run on a form that failed its
    own checks, so one submit shows every error)."""
    problems = Problems()
    name = (data.name or "").strip()
    if not name:
        problems.add(_l("Give the ticket a name."), field="name")
    elif db.session.scalar(
        select(TicketType.id).where(
            TicketType.event_id == event.id,
            func.lower(TicketType.name) == name.lower(),
            TicketType.id != (ticket_type.id if ticket_type else 0),
        )
    ):
        problems.add(_l("This event has a ticket of that name."), field="name")
    floor = gateway.min_charge("IDR")
    if data.price < 0 or data.price > MAX_AMOUNT:
        problems.add(_l("Enter a price of Rp0 or more."), field="price")
    elif data.price > 0 and not gateway.is_configured():
        problems.add(
            _l(
                "Paid tickets need online payment, which is not switched on for this "
                "platform yet: ask the platform administrator. Free tickets work now."
            ),
            field="price",
        )
    elif 0 < data.price < floor:
        problems.add(
            _l(
                "Stripe cannot take less than %(min)s in one payment: set the price to "
                "%(min)s or more, or 0 for a free ticket.",
                min=formatting.rupiah(floor),
            ),
            field="price",
        )
    if data.kind not in TICKET_KINDS:
        problems.add(_l("Choose who the ticket is for."), field="kind")
    others = sum(t.capacity for t in ticket_types(event) if t is not ticket_type)
    if data.capacity < 1:
        problems.add(_l("Enter at least one seat."), field="capacity")
    elif others + data.capacity > event.capacity:
        problems.add(
            _l(
                "The ticket types together may have at most the event's %(n)s seats "
                "(%(free)s left for this one).",
                n=event.capacity,
                free=max(0, event.capacity - others),
            ),
            field="capacity",
        )
    starts, ends = as_utc(data.sale_starts_at), as_utc(data.sale_ends_at)
    unchanged = ticket_type is not None and as_utc(ticket_type.sale_ends_at) == ends
    if starts and ends and ends <= starts:
        problems.add(
            _l("The sale must close after it opens: choose a later time, or leave it blank."),
            field="sale_ends_at",
        )
    elif ends and not unchanged and ends <= (now or utcnow()):
        problems.add(
            _l("The sale cannot close in the past: choose a later time, or leave it blank."),
            field="sale_ends_at",
        )
    return problems


def save_ticket_type(
    *,
    actor: User,
    event: PitchEvent,
    data: TicketTypeData,
    ticket_type: TicketType | None = None,
    now: dt.datetime | None = None,
) -> TicketType:
    """Create (or change) a ticket type. The capacities of all types together stay within the
    event's seats; a priced type needs Stripe to be configured; the sale closes after it opens
    and, when the close is set or changed, after `now`. Raises PermissionDenied,
    ValidationError (with the field), Conflict (event cancelled). Side effects: audit."""
    if not event_permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot change this event."))
    if event.status == "cancelled":
        raise Conflict(_l("This event is cancelled."))
    ticket_type_problems(event, data, ticket_type=ticket_type, now=now).raise_any()
    name = data.name.strip()
    starts, ends = as_utc(data.sale_starts_at), as_utc(data.sale_ends_at)
    if ticket_type is None:
        ticket_type = TicketType(event_id=event.id, currency="IDR")
        db.session.add(ticket_type)
    ticket_type.name = name
    ticket_type.kind = data.kind
    ticket_type.price = data.price
    ticket_type.capacity = data.capacity
    ticket_type.sale_starts_at = starts
    ticket_type.sale_ends_at = ends
    db.session.flush()
    audit.on_event(
        "ticket_type.saved",
        event.id,
        by=actor.id,
        ticket_type=ticket_type.id,
        kind=data.kind,
        price=data.price,
        capacity=data.capacity,
    )
    return ticket_type


def discount_code_problems(
    event: PitchEvent, *, code: str | None, percent_off: int | None, max_uses: int | None
) -> Problems:
    """Every rule a discount code breaks, each on its field (also run on a form that failed its
    own checks, so one submit shows every error); a number the form could not read is None."""
    problems = Problems()
    code = (code or "").strip().upper()
    if not code or len(code) > 40 or not code.replace("-", "").isalnum():
        problems.add(_l("Use letters, digits and dashes only."), field="code")
    elif db.session.scalar(
        select(DiscountCode.id).where(DiscountCode.event_id == event.id, DiscountCode.code == code)
    ):
        problems.add(_l("This event has that code already."), field="code")
    if percent_off is not None and not 1 <= percent_off <= 100:
        problems.add(_l("Enter a discount from 1 to 100 %."), field="percent_off")
    if max_uses is not None and max_uses < 1:
        problems.add(_l("Allow at least one use."), field="max_uses")
    return problems


def add_discount_code(
    *, actor: User, event: PitchEvent, code: str, percent_off: int, max_uses: int
) -> DiscountCode:
    """A discount (1–99 %) or waiver (100 %) code with a usage limit. Raises PermissionDenied,
    ValidationError. Side effects: audit."""
    if not event_permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot change this event."))
    discount_code_problems(event, code=code, percent_off=percent_off, max_uses=max_uses).raise_any()
    code = code.strip().upper()
    row = DiscountCode(event_id=event.id, code=code, percent_off=percent_off, max_uses=max_uses)
    db.session.add(row)
    db.session.flush()
    audit.on_event(
        "discount_code.added",
        event.id,
        by=actor.id,
        code=code,
        percent_off=percent_off,
        max_uses=max_uses,
    )
    return row


def price_with_code(price: int, code: DiscountCode | None) -> int:
    """The price after a code, in whole rupiah (rounded down); a discounted ticket stays at
    Stripe's minimum charge or more unless it is waived (`gateway.min_charge`)."""
    if code is None:
        return price
    if code.percent_off >= 100:
        return 0
    return max(price - price * code.percent_off // 100, min(price, gateway.min_charge("IDR")))


# --- the hold time ---------------------------------------------------------------------------
def hold_minutes(event: PitchEvent) -> int:
    """How long a buyer's seat is held while they pay: the organiser's setting for the event,
    else TICKET_HOLD_MINUTES (default 30), never under Stripe's 30 minutes."""
    from flask import current_app

    chosen = db.session.get(TicketSettings, event.id)
    minutes = (
        chosen.hold_minutes
        if chosen is not None
        else int(current_app.config["TICKET_HOLD_MINUTES"])
    )
    return min(max(minutes, MIN_HOLD_MINUTES), MAX_HOLD_MINUTES)


def set_hold_minutes(*, actor: User, event: PitchEvent, minutes: int | None) -> int:
    """The organiser sets how long a seat is held for a buyer on Stripe Checkout: 30 minutes
    (Stripe's shortest checkout) to 24 hours (its longest). Orders already held keep their
    time. Returns the minutes. Raises PermissionDenied, ValidationError (field
    "hold_minutes"). Side effects: the event's ticket settings; audit."""
    if not event_permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot change this event."))
    if minutes is None or not MIN_HOLD_MINUTES <= minutes <= MAX_HOLD_MINUTES:
        raise ValidationError(
            _l(
                "Enter %(min)s to %(max)s minutes: Stripe keeps a checkout open at least "
                "30 minutes and at most 24 hours.",
                min=MIN_HOLD_MINUTES,
                max=MAX_HOLD_MINUTES,
            ),
            field="hold_minutes",
        )
    settings = db.session.get(TicketSettings, event.id)
    if settings is None:
        settings = TicketSettings(event_id=event.id, hold_minutes=minutes)
        db.session.add(settings)
    settings.hold_minutes = minutes
    db.session.flush()
    audit.on_event("tickets.hold_minutes", event.id, by=actor.id, minutes=minutes)
    return minutes
