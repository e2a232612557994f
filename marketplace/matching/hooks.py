"""How matching plugs into profiles' dashboard and profile page (profiles/signals.py), which
never import it.

Imported once by create_app.
"""

from __future__ import annotations

from flask_babel import ngettext

from marketplace.matching import meetings, permissions, shortlists
from marketplace.profiles import signals as profile_signals


@profile_signals.waiting_shown.connect
def waiting_meetings(user, **_extra) -> list[profile_signals.Waiting]:
    """Meeting requests whose next answer is the user's side's: a new request for the
    enterprise side, other times proposed for the investor side."""
    if user.role not in ("owner", "facilitator", "investor"):
        return []
    turn = "countered" if user.role == "investor" else "pending"
    count = sum(1 for m in meetings.meetings_for(user) if m.status == turn)
    if user.role == "investor":
        label = ngettext(
            "%(num)d meeting answer waiting for you",
            "%(num)d meeting answers waiting for you",
            count,
        )
    else:
        label = ngettext(
            "%(num)d meeting request to answer", "%(num)d meeting requests to answer", count
        )
    return [profile_signals.Waiting(label, count, "/meetings")]


@profile_signals.profile_shown.connect
def profile_context(user, *, enterprise, **_extra) -> dict:
    """Whether the enterprise is on the viewer's organisation's shortlist (None: no shortlist)."""
    if not permissions.can_use_shortlist(user):
        return {"shortlisted": None}
    return {"shortlisted": shortlists.on_shortlist(user.organisation_id, enterprise.id)}
