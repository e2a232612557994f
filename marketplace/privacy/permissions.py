"""Who may ask for and answer rights requests. Each predicate denies when anything fails."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.permissions import deny_on_error, is_active, is_admin
from marketplace.profiles.models import Enterprise
from marketplace.profiles.permissions import is_facilitator_of


def has_owner_account(enterprise: Enterprise) -> bool:
    """Whether an owner has an account for `enterprise` (else it is a phone-only owner's)."""
    return (
        db.session.scalar(
            select(User.id)
            .where(User.organisation_id == enterprise.organisation_id, User.role == "owner")
            .limit(1)
        )
        is not None
    )


@deny_on_error
def can_request_for(user, enterprise: Enterprise) -> bool:
    """A facilitator acting for a phone-only owner may ask for their copy on their behalf;
    an owner with an account asks for their own."""
    return is_facilitator_of(user, enterprise) and not has_owner_account(enterprise)


@deny_on_error
def can_administer(user) -> bool:
    return is_admin(user)


@deny_on_error
def can_answer(user, request) -> bool:
    """An admin answers any request; a facilitator answers a correction of an enterprise they
    act for, never one they asked for themselves."""
    if is_admin(user):
        return True
    if not is_active(user) or request.kind != "correction" or request.subject_enterprise is None:
        return False
    return request.requester_id != user.id and is_facilitator_of(user, request.subject_enterprise)


@deny_on_error
def can_view(user, request) -> bool:
    """The requester sees their own request; those who may answer it see it too."""
    return (is_active(user) and request.requester_id == user.id) or can_answer(user, request)


def facilitators_of(enterprise: Enterprise) -> list[User]:
    from marketplace.programmes import services as programmes

    return programmes.facilitators_of(enterprise)


def own_enterprises(user) -> list[Enterprise]:
    """The enterprises an owner owns (none for other roles)."""
    if not is_active(user) or user.role != "owner" or user.organisation_id is None:
        return []
    return list(
        db.session.scalars(
            select(Enterprise)
            .where(Enterprise.organisation_id == user.organisation_id)
            .order_by(Enterprise.id)
        )
    )


def behalf_enterprises(user) -> list[Enterprise]:
    """Enterprises of phone-only owners a facilitator acts for (may ask for their copy)."""
    if not is_active(user) or user.role != "facilitator":
        return []
    from marketplace.programmes import consent

    ids = db.session.scalars(consent.mentored_enterprise_ids(user.organisation_id)).all()
    if not ids:
        return []
    enterprises = db.session.scalars(
        select(Enterprise).where(Enterprise.id.in_(ids)).order_by(Enterprise.name)
    )
    return [e for e in enterprises if not has_owner_account(e)]
