"""Who may run programmes, answer an enrolment and attest readiness items.

Rights come from the user's role plus ownership of the object, never from the URL. Each
predicate denies when anything inside it fails (an exception is logged and means "no").
"""

from __future__ import annotations

from marketplace.permissions import deny_on_error, is_confirmed
from marketplace.permissions import is_active as _active
from marketplace.profiles.permissions import is_facilitator_of, is_owner_of
from marketplace.programmes.models import Enrolment, Programme


@deny_on_error
def can_manage_programme(user, programme: Programme) -> bool:
    """Its organisation's facilitators, once their address is confirmed (managing includes
    inviting enterprises, which gives rights over their data once accepted)."""
    return (
        _active(user)
        and is_confirmed(user)
        and user.role == "facilitator"
        and (programme.organisation_id == user.organisation_id)
    )


@deny_on_error
def can_answer_enrolment(user, enrolment: Enrolment) -> bool:
    """Accept, decline or leave a programme: the owners of the enrolled enterprise only."""
    return is_owner_of(user, enrolment.enterprise)


@deny_on_error
def can_attest(user, enterprise) -> bool:
    return is_facilitator_of(user, enterprise)
