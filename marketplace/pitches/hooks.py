"""How pitches plug into profiles' dashboard and profile page (profiles/signals.py), which
never import it.

Imported once by create_app.
"""

from __future__ import annotations

from flask_babel import ngettext
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.pitches import data_room, permissions, services
from marketplace.pitches.models import AccessRequest
from marketplace.profiles import enterprises
from marketplace.profiles import signals as profile_signals
from marketplace.profiles.models import Enterprise
from marketplace.programmes import consent


@profile_signals.waiting_shown.connect
def waiting_access_requests(user, **_extra) -> list[profile_signals.Waiting]:
    """Pending data-room requests of each enterprise the user answers for."""
    ids = consent.answered_enterprise_ids(user)
    if ids is None:
        return []
    rows = db.session.execute(
        select(Enterprise.id, Enterprise.name, func.count(AccessRequest.id))
        .join(AccessRequest, AccessRequest.enterprise_id == Enterprise.id)
        .where(AccessRequest.status == "pending", Enterprise.id.in_(ids))
        .group_by(Enterprise.id, Enterprise.name)
        .order_by(Enterprise.name)
    ).all()
    return [
        profile_signals.Waiting(
            ngettext(
                "%(name)s: %(num)d data-room request to answer",
                "%(name)s: %(num)d data-room requests to answer",
                count,
                name=name,
            ),
            count,
            f"/enterprises/{enterprise_id}/data-room",
        )
        for enterprise_id, name, count in rows
    ]


@profile_signals.dashboard_shown.connect
def dashboard_deck(user, **_extra) -> dict:
    """For an owner: whether their enterprise has a current deck (the dashboard links to it, or
    to the upload page)."""
    enterprise = enterprises.enterprise_of(user)
    deck = services.deck_of(enterprise) if enterprise is not None else None
    return {"has_deck": deck is not None and deck.current is not None}


@profile_signals.profile_shown.connect
def profile_context(user, *, enterprise, **_extra) -> dict:
    """Whether the enterprise has a deck investors can look at (a current version), and the
    viewer's organisation's open data-room request ('pending', 'accepted' or None)."""
    deck = services.deck_of(enterprise)
    access = None
    if getattr(user, "organisation_id", None) and permissions.can_request_access(user, enterprise):
        access = data_room.open_request_states(
            organisation_id=user.organisation_id, enterprise_ids=[enterprise.id]
        ).get(enterprise.id)
    return {"has_deck": deck is not None and deck.current is not None, "data_room_access": access}
