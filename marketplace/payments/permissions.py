"""Who may see or refund a ticket order."""

from __future__ import annotations

from marketplace.events import permissions as event_permissions
from marketplace.events.models import PitchEvent
from marketplace.payments.models import TicketOrder


def can_view_order(user, order: TicketOrder) -> bool:
    """The buyer, the event's organisers and admins."""
    return (
        getattr(user, "is_authenticated", False)
        and user.active
        and (
            user.id == order.user_id
            or event_permissions.can_manage_event(user, order.event)
            or event_permissions.is_admin(user)
        )
    )


def can_see_event_orders(user, event: PitchEvent) -> bool:
    """The event's organisers and admins: the orders list, its CSV and refunds."""
    return event_permissions.can_manage_event(user, event) or event_permissions.is_admin(user)


def can_refund(user, order: TicketOrder) -> bool:
    return can_see_event_orders(user, order.event)
