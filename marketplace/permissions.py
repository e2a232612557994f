"""Every domain's permission predicates in one namespace, for templates (`can.edit_enterprise`).

Views import the domain modules directly; templates use this one, so both ask the same question.
"""

from marketplace.profiles.permissions import (  # noqa: F401
    can_attest as attest,
)
