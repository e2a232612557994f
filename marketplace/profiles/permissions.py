"""Who may see and change enterprise profiles and investor mandates.

Rights come from the user's role plus ownership of the object, never from the URL. Each
predicate denies when anything inside it fails (an exception is logged and means "no").
"""

from __future__ import annotations

import logging

from marketplace.extensions import db
from marketplace.permissions import deny_on_error, is_admin  # noqa: F401 (re-exported)
from marketplace.permissions import is_active as _active
from marketplace.profiles.models import Enterprise

# Enterprise rights rest on the owner's consent to programmes. The rule is read from a
# models-only module of the programmes package (see its docstring), so there is no import cycle.
from marketplace.programmes import consent

log = logging.getLogger(__name__)


@deny_on_error
def is_owner_of(user, enterprise: Enterprise) -> bool:
    return (
        _active(user)
        and user.role == "owner"
        and user.organisation_id == (enterprise.organisation_id)
    )


@deny_on_error
def is_facilitator_of(user, enterprise: Enterprise) -> bool:
    """A facilitator of a programme organisation the enterprise let in (see
    `programmes.consent.consented_enrolments`). A pending, declined, left or withdrawn
    enrolment gives nothing."""
    if not (_active(user) and user.role == "facilitator"):
        return False
    return bool(db.session.scalar(consent.facilitates(user.organisation_id, enterprise.id)))


@deny_on_error
def can_edit_enterprise(user, enterprise: Enterprise) -> bool:
    return is_owner_of(user, enterprise) or is_facilitator_of(user, enterprise)


@deny_on_error
def can_view_enterprise(user, enterprise: Enterprise) -> bool:
    """The public summary: anyone for a published profile; drafts only to their editors."""
    return enterprise.is_published or can_edit_enterprise(user, enterprise) or is_admin(user)


@deny_on_error
def is_verified_investor(user) -> bool:
    return _active(user) and user.role == "investor" and user.organisation.is_verified


@deny_on_error
def can_view_full_profile(user, enterprise: Enterprise) -> bool:
    """Finances, documents held, mentoring and readiness detail.

    Editors and admins always; investors of a verified organisation for published profiles.
    An unverified investor organisation sees only the public summary.
    """
    if can_edit_enterprise(user, enterprise) or is_admin(user):
        return True
    return enterprise.is_published and is_verified_investor(user)


@deny_on_error
def can_see_identity(user, enterprise: Enterprise) -> bool:
    """The full NIK and the owner's phone: only the owner and their facilitator."""
    return can_edit_enterprise(user, enterprise)


@deny_on_error
def can_see_sensitive(user, enterprise: Enterprise, attribute: str) -> bool:
    """A sensitive owner attribute (women_led, disability_inclusive, pkh_graduate).

    Editors always; others only with the enterprise's consent for that attribute and access to
    the full profile.
    """
    if can_edit_enterprise(user, enterprise):
        return True
    consent = getattr(enterprise, f"share_{attribute}", False)
    return bool(consent) and can_view_full_profile(user, enterprise)


@deny_on_error
def can_edit_mandate(user, organisation) -> bool:
    return _active(user) and user.role == "investor" and user.organisation_id == organisation.id
