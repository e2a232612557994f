"""What the enterprises side does when accounts announce a change (accounts/signals.py).

Imported once by create_app; accounts itself never imports this package.
"""

from __future__ import annotations

from marketplace.accounts import signals
from marketplace.profiles import enterprises


@signals.user_registered.connect
def create_draft_profile(user, **_extra) -> None:
    """An owner who registers gets an empty draft profile for their enterprise organisation,
    unless it has one already (an owner joining through a hand-over invitation)."""
    if user.role == "owner" and user.organisation_id is not None:
        enterprises.create_draft_profile(owner=user)
