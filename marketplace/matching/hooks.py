"""How matching plugs into the profile page below it (profiles/signals.py). Imported once by
create_app."""

from __future__ import annotations

from marketplace.matching import permissions, shortlists
from marketplace.profiles import signals as profile_signals


@profile_signals.profile_shown.connect
def profile_context(user, *, enterprise, **_extra) -> dict:
    """Whether the enterprise is on the viewer's organisation's shortlist (None: no shortlist)."""
    if not permissions.can_use_shortlist(user):
        return {"shortlisted": None}
    return {"shortlisted": shortlists.on_shortlist(user.organisation_id, enterprise.id)}
