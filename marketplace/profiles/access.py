"""The enterprise a page is about, for the views of every package (profiles, programmes,
monitoring): found and checked here once, so each view says only which enterprise it needs."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, g
from flask_login import current_user

from marketplace.accounts.models import User
from marketplace.profiles import permissions
from marketplace.profiles.models import Enterprise
from marketplace.web import visible_or_404


def enterprise_or_404(
    enterprise_id: int,
    *,
    edit: bool = False,
    may_see: Callable[[User, Enterprise], bool] = permissions.can_view_enterprise,
    may_edit: Callable[[User, Enterprise], bool] = permissions.can_edit_enterprise,
) -> Enterprise:
    """The enterprise the current user may see (404 otherwise; 403 when `edit` and they may
    not change it). Marks the page as holding personal data for those who may change it.

    A package whose pages guard a part of the enterprise passes its own pair of rules
    (pitches: who sees the deck summary, who manages the deck)."""
    enterprise = visible_or_404(Enterprise, enterprise_id, may_see)
    editor = may_edit(current_user, enterprise)
    if edit and not editor:
        abort(403)
    if editor:
        g.personal_data = True
    return enterprise
