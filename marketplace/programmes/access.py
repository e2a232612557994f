"""The programme a page is about, for the views of every package (programmes, monitoring):
found and checked here once, so each view says only which programme and which rule."""

from __future__ import annotations

from collections.abc import Callable

from flask import g
from flask_login import current_user

from marketplace.accounts.models import User
from marketplace.permissions import is_admin
from marketplace.programmes import permissions
from marketplace.programmes.models import Programme
from marketplace.web import require_permission, require_role, visible_or_404


def programme_or_404(
    programme_id: int,
    *,
    may: Callable[[User, Programme], bool] = permissions.can_manage_programme,
    admin_too: bool = False,
) -> Programme:
    """The programme the URL names, as a programme's pages answer: 403 to roles that see no
    programme whatever the id (all but facilitators; admins too unless `admin_too`), 404 for
    another organisation's programme (as for a missing one, so its existence is not given
    away), 403 when `may` refuses (a colleague whose address is not confirmed yet). Marks the
    page as holding personal data (its enterprises)."""
    admin = admin_too and is_admin(current_user)
    if not admin:
        require_role("facilitator")
    where = {} if admin else {"organisation_id": current_user.organisation_id}
    programme = visible_or_404(Programme, programme_id, **where)
    require_permission(may, programme)
    g.personal_data = True
    return programme
