"""Permission predicates every domain shares, and every domain's predicates in one namespace
for templates (`can.edit_enterprise`).

The shared predicates (`deny_on_error`, `is_active`, `is_admin`) import no domain, so every
domain's permissions.py may import them. The template names are looked up lazily (module
`__getattr__`), so this module never imports a domain at import time and no import cycle
forms. Views import the domain modules directly; templates use this one, so both ask the same
question.
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def deny_on_error(predicate: Callable[..., bool]) -> Callable[..., bool]:
    """Make `predicate` deny (False) when anything inside it fails; the failure is logged."""

    @functools.wraps(predicate)
    def guarded(*args: Any, **kwargs: Any) -> bool:
        try:
            return bool(predicate(*args, **kwargs))
        except Exception:  # noqa: BLE001 - a broken check must deny, never allow
            log.exception("permission check %s failed; denying", predicate.__name__)
            return False

    return guarded


def is_active(user) -> bool:
    """A signed-in user whose account is active."""
    return user is not None and getattr(user, "is_authenticated", False) and user.active


@deny_on_error
def is_confirmed(user) -> bool:
    """An active user who has confirmed their e-mail address.

    Until then (issue 10) an account may look around but not contact anyone, be invited, or be
    given rights over others' data: every predicate guarding such an action requires this one
    (list in docs/security.md, "Unconfirmed accounts").
    """
    return is_active(user) and user.email_confirmed_at is not None


@deny_on_error
def is_admin(user) -> bool:
    return is_active(user) and user.role == "admin"


# Template name -> (module, predicate).
_TEMPLATE_PREDICATES = {
    "attest": ("marketplace.programmes.permissions", "can_attest"),
    "edit_enterprise": ("marketplace.profiles.permissions", "can_edit_enterprise"),
    "edit_mandate": ("marketplace.profiles.permissions", "can_edit_mandate"),
    "manage_programme": ("marketplace.programmes.permissions", "can_manage_programme"),
    "request_access": ("marketplace.pitches.permissions", "can_request_access"),
    "request_introduction": ("marketplace.matching.permissions", "can_request_introduction"),
    "request_meeting": ("marketplace.matching.permissions", "can_request_meeting"),
    "see_as_observer": ("marketplace.payments.tickets", "can_see_as_observer"),
    "see_enterprise_matches": ("marketplace.matching.permissions", "can_see_enterprise_matches"),
    "use_shortlist": ("marketplace.matching.permissions", "can_use_shortlist"),
    "see_identity": ("marketplace.profiles.permissions", "can_see_identity"),
    "see_sensitive": ("marketplace.profiles.permissions", "can_see_sensitive"),
    "view_enterprise": ("marketplace.profiles.permissions", "can_view_enterprise"),
    "view_full_profile": ("marketplace.profiles.permissions", "can_view_full_profile"),
}
admin = is_admin

__all__ = [
    "admin",
    "deny_on_error",
    "is_active",
    "is_admin",
    "is_confirmed",
    *_TEMPLATE_PREDICATES,
]


def __getattr__(name: str):
    try:
        module, predicate = _TEMPLATE_PREDICATES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    found = getattr(importlib.import_module(module), predicate)
    # Kept as a module attribute: a list of cards asks `can.…` a few times per card, and a
    # module attribute is found without calling this function again.
    globals()[name] = found
    return found
