"""Who may see and change enterprise profiles and investor mandates.

Rights come from the user's role plus ownership of the object, never from the URL. Each
predicate denies when anything inside it fails (an exception is logged and means "no").
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from marketplace.permissions import deny_on_error, is_admin  # noqa: F401 (re-exported)
from marketplace.permissions import is_active as _active
from marketplace.profiles.models import Enterprise

log = logging.getLogger(__name__)

# A facilitator's rights over an enterprise rest on the owner's consent to a programme. That
# rule is the programmes package's (`programmes.consent`), which sits above profiles: it
# registers it here when the app starts (programmes/hooks.py), so this module never imports
# it. Until then no facilitator has rights: the predicates deny, they never guess.
_facilitation_rule: Callable[[int, int], bool] | None = None


def register_facilitation_rule(rule: Callable[[int, int], bool]) -> None:
    """Set the rule `rule(organisation_id, enterprise_id) -> bool`: whether that organisation's
    facilitators act for the enterprise now."""
    global _facilitation_rule
    _facilitation_rule = rule


class PreviewInvestor:
    """A stand-in viewer for the owner's "see my profile as an investor sees it": an active,
    confirmed investor of a verified organisation that is no account and belongs to no
    organisation, so it owns, facilitates and shortlists nothing. The profile page is rendered
    for it and the page's own predicates decide what shows (masked NIK, sensitive attributes
    only with consent, no editor controls). It previews one enterprise as published, so a draft
    shows what investors will see once it is published. Never stored in a session."""

    is_authenticated = True
    is_anonymous = False
    active = True
    role = "investor"
    id = None
    organisation_id = None
    email_confirmed_at = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # "confirmed"; never compared

    def __init__(self, enterprise: Enterprise) -> None:
        self.previews_enterprise_id = enterprise.id
        self.organisation = _VerifiedStandInOrganisation()


class _VerifiedStandInOrganisation:
    id = None
    kind = "investor"
    is_verified = True


def _previews_as_published(user, enterprise: Enterprise) -> bool:
    return isinstance(user, PreviewInvestor) and user.previews_enterprise_id == enterprise.id


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
    if not (_active(user) and user.role == "facilitator") or _facilitation_rule is None:
        return False
    return bool(_facilitation_rule(user.organisation_id, enterprise.id))


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
    published = enterprise.is_published or _previews_as_published(user, enterprise)
    return published and is_verified_investor(user)


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
