"""Who may see and change enterprise profiles, programmes and mandates.

Rights come from the user's role plus ownership of the object, never from the URL. Each
predicate denies when anything inside it fails (an exception is logged and means "no").
"""

from __future__ import annotations

import logging

from sqlalchemy import or_, select

from marketplace.accounts.models import Organisation
from marketplace.extensions import db
from marketplace.permissions import (  # noqa: F401 (re-exported)
    deny_on_error,
    is_admin,
    is_confirmed,
)
from marketplace.permissions import is_active as _active
from marketplace.profiles.models import Cohort, Enrolment, Enterprise, Programme

log = logging.getLogger(__name__)


@deny_on_error
def is_owner_of(user, enterprise: Enterprise) -> bool:
    return (
        _active(user)
        and user.role == "owner"
        and user.organisation_id == (enterprise.organisation_id)
    )


def consented_enrolments():
    """The enrolments that give their programme organisation's facilitators rights.

    Accepted by the owner (or made on behalf of a phone-only owner, which counts as accepted
    and stays so after the hand-over) and not withdrawn; for an invitation to an owner who
    registered themselves, the programme organisation must also be verified (an admin can
    take rights away again by un-verifying it). One rule for every query: the predicates
    below, the facilitator's lists of meetings and events, and who hears about a profile.
    A select of (enterprise_id, organisation_id, facilitator_id), one row per enrolment.
    """
    return (
        select(
            Enrolment.enterprise_id,
            Programme.organisation_id,
            Enrolment.facilitator_id,
        )
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Programme, Programme.id == Cohort.programme_id)
        .join(Organisation, Organisation.id == Programme.organisation_id)
        .where(
            Enrolment.consent == "accepted",
            Enrolment.status != "withdrawn",
            or_(Enrolment.on_behalf.is_(True), Organisation.verified_at.is_not(None)),
        )
    )


def mentored_enterprise_ids(organisation_id: int):
    """A select of the ids of enterprises `organisation_id`'s facilitators act for."""
    rows = consented_enrolments().subquery()
    return select(rows.c.enterprise_id).where(rows.c.organisation_id == organisation_id)


@deny_on_error
def is_facilitator_of(user, enterprise: Enterprise) -> bool:
    """A facilitator of a programme organisation the enterprise let in (see
    `consented_enrolments`). A pending, declined, left or withdrawn enrolment gives nothing."""
    if not (_active(user) and user.role == "facilitator"):
        return False
    rows = consented_enrolments().where(
        Enrolment.enterprise_id == enterprise.id,
        Programme.organisation_id == user.organisation_id,
    )
    return bool(db.session.scalar(select(rows.exists())))


@deny_on_error
def can_answer_enrolment(user, enrolment: Enrolment) -> bool:
    """Accept, decline or leave a programme: the owners of the enrolled enterprise only."""
    return is_owner_of(user, enrolment.enterprise)


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
def can_attest(user, enterprise: Enterprise) -> bool:
    return is_facilitator_of(user, enterprise)


@deny_on_error
def can_manage_programme(user, programme: Programme) -> bool:
    """Its organisation's facilitators, once their address is confirmed (managing includes
    inviting enterprises, which gives rights over their data once accepted)."""
    return (
        is_confirmed(user)
        and user.role == "facilitator"
        and (programme.organisation_id == user.organisation_id)
    )


@deny_on_error
def can_edit_mandate(user, organisation) -> bool:
    return _active(user) and user.role == "investor" and user.organisation_id == organisation.id
