"""Every domain's permission predicates in one namespace, for templates (`can.edit_enterprise`).

Views import the domain modules directly; templates use this one, so both ask the same question.
"""

from marketplace.profiles.permissions import (  # noqa: F401
    can_attest as attest,
    can_edit_enterprise as edit_enterprise,
    can_edit_mandate as edit_mandate,
    can_manage_programme as manage_programme,
    can_see_identity as see_identity,
    can_see_sensitive as see_sensitive,
    can_view_enterprise as view_enterprise,
    can_view_full_profile as view_full_profile,
    is_admin as admin,
)
