"""What enterprises and programmes do when accounts announce a change (accounts/signals.py).

Imported once by create_app; accounts itself never imports this package.
"""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.accounts import signals
from marketplace.extensions import db
from marketplace.profiles.models import Enterprise


@signals.user_registered.connect
def create_draft_profile(user, **_extra) -> None:
    """An owner who registers gets an empty draft profile for their enterprise organisation,
    unless it has one already (an owner joining through a hand-over invitation)."""
    if user.role != "owner" or user.organisation_id is None:
        return
    has_profile = db.session.scalar(
        select(func.count())
        .select_from(Enterprise)
        .where(Enterprise.organisation_id == user.organisation_id)
    )
    if not has_profile:
        db.session.add(
            Enterprise(
                organisation_id=user.organisation_id,
                name=user.organisation.name,
                created_by_id=user.id,
            )
        )
        db.session.flush()


@signals.organisation_verified.connect
def deliver_held_invitations(organisation, **_extra) -> None:
    """A programme organisation's invitations to owners waited for this verification."""
    if organisation.kind != "programme":
        return
    from marketplace.profiles import services

    services.deliver_held_invitations(organisation=organisation)
