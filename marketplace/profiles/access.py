"""The enterprise a page is about, for the views of every package (profiles, programmes,
monitoring): found and checked here once, so each view says only which enterprise it needs."""

from __future__ import annotations

from flask import abort, g
from flask_login import current_user

from marketplace.profiles import permissions
from marketplace.profiles.models import Enterprise
from marketplace.web import visible_or_404


def enterprise_or_404(enterprise_id: int, *, edit: bool = False) -> Enterprise:
    """The enterprise the current user may see (404 otherwise; 403 when `edit` and they may
    not change it). Marks the page as holding personal data for the profile's editors."""
    enterprise = visible_or_404(Enterprise, enterprise_id, permissions.can_view_enterprise)
    if edit and not permissions.can_edit_enterprise(current_user, enterprise):
        abort(403)
    if permissions.can_edit_enterprise(current_user, enterprise):
        g.personal_data = True
    return enterprise
