"""Every domain's permission predicates in one namespace, for templates (`can.edit_enterprise`).

Views import the domain modules directly; templates use this one, so both ask the same question.
"""

from marketplace.profiles.permissions import can_attest as attest
from marketplace.profiles.permissions import can_edit_enterprise as edit_enterprise
from marketplace.profiles.permissions import can_edit_mandate as edit_mandate
from marketplace.profiles.permissions import can_manage_programme as manage_programme
from marketplace.profiles.permissions import can_see_identity as see_identity
from marketplace.profiles.permissions import can_see_sensitive as see_sensitive
from marketplace.profiles.permissions import can_view_enterprise as view_enterprise
from marketplace.profiles.permissions import can_view_full_profile as view_full_profile
from marketplace.profiles.permissions import is_admin as admin

__all__ = [
    "admin",
    "attest",
    "edit_enterprise",
    "edit_mandate",
    "manage_programme",
    "see_identity",
    "see_sensitive",
    "view_enterprise",
    "view_full_profile",
]
