"""The events blueprint and what every phase's views share: loading an event the user may
see or manage, and an enterprise that takes part in it."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort
from flask_login import current_user

from marketplace.events import agendas, codes, permissions
from marketplace.events.models import PitchEvent
from marketplace.extensions import db
from marketplace.profiles.models import Enterprise
from marketplace.web import require_permission, visible_or_404

bp = Blueprint("events", __name__, url_prefix="/events")


@bp.app_context_processor
def inject_event_helpers():
    from marketplace.events.scheduling import STATUSES
    from marketplace.formatting import ZONE_ABBREVIATIONS

    return {
        "event_codes": codes,
        "zone_abbr": lambda zone: ZONE_ABBREVIATIONS.get(zone, zone),
        "place_name": agendas.place_name,
        "solver_statuses": STATUSES,
    }


def event_or_404(event_id: int) -> PitchEvent:
    """The event, when the user may see it."""
    return visible_or_404(PitchEvent, event_id, permissions.can_view_event)


def event_for(event_id: int, may: Callable[..., bool]) -> PitchEvent:
    """The event the user may see (404 otherwise), when `may(user, event)` (403 otherwise)."""
    event = event_or_404(event_id)
    require_permission(may, event)
    return event


def managed_event(event_id: int) -> PitchEvent:
    """The event, when the user runs it."""
    return event_for(event_id, permissions.can_manage_event)


def enterprise_of_event(
    event: PitchEvent, enterprise_id: int, *, manager_too: bool = True
) -> Enterprise:
    """An invited enterprise the user answers for (or, with `manager_too`, any invited one
    when the user runs the event)."""
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None or not any(i.enterprise_id == enterprise_id for i in event.invitations):
        abort(404)
    allowed = permissions.can_answer_for(current_user, event, enterprise) or (
        manager_too and permissions.can_manage_event(current_user, event)
    )
    if not allowed:
        abort(403)
    return enterprise
