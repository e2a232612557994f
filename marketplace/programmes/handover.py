"""Hand-over: the owner of a profile a facilitator created on their behalf claims it through
a one-time link.

Only the SHA-256 of the link's token is stored. Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import audit, tokens
from marketplace.accounts import registration as account_registration
from marketplace.accounts.models import User
from marketplace.errors import Conflict, NotFound, PermissionDenied
from marketplace.extensions import db
from marketplace.models import as_utc, utcnow
from marketplace.profiles import permissions
from marketplace.profiles.models import Enterprise
from marketplace.programmes.models import Invitation

INVITATION_LIFETIME = dt.timedelta(days=30)


def create_invitation(*, facilitator: User, enterprise: Enterprise) -> str:
    """A one-time link token for the owner to claim the profile; valid 30 days.

    Raises PermissionDenied; Conflict when the enterprise already has an owner account.
    Side effects: earlier open invitations for the enterprise are revoked; audit.
    """
    if not permissions.is_facilitator_of(facilitator, enterprise):
        raise PermissionDenied(_l("Only the enterprise's facilitator can invite its owner."))
    has_owner = db.session.scalar(
        select(User.id).where(
            User.organisation_id == enterprise.organisation_id, User.role == "owner"
        )
    )
    if has_owner:
        raise Conflict(_l("This enterprise already has an owner account."))
    for old in db.session.scalars(
        select(Invitation).where(
            Invitation.enterprise_id == enterprise.id, Invitation.accepted_at.is_(None)
        )
    ):
        old.expires_at = utcnow()
    token = tokens.new_token(24)
    db.session.add(
        Invitation(
            enterprise=enterprise,
            token_hash=tokens.token_hash(token),
            phone=enterprise.owner_phone,
            created_by_id=facilitator.id,
            expires_at=utcnow() + INVITATION_LIFETIME,
        )
    )
    audit.on_enterprise("invitation.created", enterprise.id, by=facilitator.id)
    db.session.flush()
    return token


def find_invitation(token: str) -> Invitation:
    """The open invitation for `token`. Raises NotFound for unknown, used or expired links."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == tokens.token_hash(token or ""))
    )
    if (
        invitation is None
        or invitation.accepted_at is not None
        or as_utc(invitation.expires_at) <= utcnow()
    ):
        raise NotFound(
            _l("This invitation link is not valid any more. Ask your facilitator for a new one.")
        )
    return invitation


def accept_invitation(
    *, token: str, email: str, name: str, password: str, locale: str = "id"
) -> User:
    """The owner claims the profile: a new owner account in the enterprise's organisation.

    Raises NotFound (bad link), ValidationError, Conflict (e-mail taken).
    Side effects: the invitation is used up; audit.
    """
    invitation = find_invitation(token)
    user = account_registration.register_user(
        email=email,
        name=name,
        password=password,
        role="owner",
        organisation=invitation.enterprise.organisation,
        phone=invitation.phone,
        locale=locale,
    )
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    audit.on_enterprise("invitation.accepted", invitation.enterprise_id, by=user.id)
    db.session.flush()
    return user
