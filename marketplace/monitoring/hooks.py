"""Monitoring's plugs into the pages of lower packages (profiles' signals): the owner's
dashboard offers "Report progress" when a check-in is due. Registered by
`marketplace._register_jobs`; reads only."""

from __future__ import annotations

from marketplace.monitoring import check_ins
from marketplace.profiles import enterprises
from marketplace.profiles import signals as profile_signals


@profile_signals.dashboard_shown.connect
def dashboard_context(user, **_extra) -> dict:
    """`check_in_due`: the owner's enterprise, when a check-in is due (else None)."""
    if user.role != "owner":
        return {}
    enterprise = enterprises.enterprise_of(user)
    if enterprise is None or not check_ins.check_in_due(enterprise):
        return {"check_in_due": None}
    return {"check_in_due": enterprise}
