"""Which enrolments give a programme organisation's facilitators rights over an enterprise.

The one consent rule, as queries, importing only models: the enterprise side's predicate
(`profiles.permissions.is_facilitator_of`, which gets it through programmes/hooks.py because
profiles sits below programmes), matching's and events' lists all read it from here.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from marketplace.accounts.models import Organisation
from marketplace.programmes.models import Cohort, Enrolment, Programme


def consented_enrolments():
    """The enrolments that give their programme organisation's facilitators rights.

    Accepted by the owner (or made on behalf of a phone-only owner, which counts as accepted
    and stays so after the hand-over) and not withdrawn; for an invitation to an owner who
    registered themselves, the programme organisation must also be verified (an admin can
    take rights away again by un-verifying it). One rule for every query: the predicates
    in `profiles.permissions`, the facilitator's lists of meetings and events, and who hears
    about a profile. A select of (enterprise_id, organisation_id, facilitator_id), one row per
    enrolment.
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


def facilitates(organisation_id: int, enterprise_id: int):
    """A select of whether `organisation_id`'s facilitators act for the enterprise now."""
    rows = consented_enrolments().where(
        Enrolment.enterprise_id == enterprise_id,
        Programme.organisation_id == organisation_id,
    )
    return select(rows.exists())


def answered_enterprise_ids(user):
    """A select of the ids of enterprises `user` answers for: an owner's own, a facilitator's
    mentored ones (None for other roles)."""
    from marketplace.profiles.models import Enterprise

    if user.role == "owner":
        return select(Enterprise.id).where(Enterprise.organisation_id == user.organisation_id)
    if user.role == "facilitator":
        return mentored_enterprise_ids(user.organisation_id)
    return None
