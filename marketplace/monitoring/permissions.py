"""Who sees a programme's monitoring and who reports an enterprise's check-ins.

A programme's dashboard, its list of enterprises behind each number and its exports: the
programme organisation's facilitators and admins. Investors and owners see only the public page
(platform-wide aggregates, suppressed). A check-in: the enterprise's editors (its owner, or a
facilitator it let in). Each predicate denies when anything inside it fails.
"""

from __future__ import annotations

from marketplace.permissions import deny_on_error, is_admin
from marketplace.profiles.permissions import can_edit_enterprise
from marketplace.programmes.permissions import can_manage_programme


@deny_on_error
def can_view_monitoring(user, programme) -> bool:
    return is_admin(user) or can_manage_programme(user, programme)


@deny_on_error
def can_set_targets(user, programme) -> bool:
    """The programme's facilitators (an admin reads, the programme decides its promises)."""
    return can_manage_programme(user, programme)


@deny_on_error
def can_check_in(user, enterprise) -> bool:
    return can_edit_enterprise(user, enterprise)
