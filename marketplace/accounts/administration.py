"""Administration of accounts: verifying organisations, (de)activating users.

Services flush, never commit (see `marketplace.accounts.services`).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import audit
from marketplace.accounts import signals
from marketplace.accounts.members import active_members
from marketplace.accounts.models import Organisation, User
from marketplace.accounts.services import end_all_sessions
from marketplace.errors import PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.models import utcnow
from marketplace.notifications import services as notifications

VERIFIABLE_KINDS = frozenset({"investor", "programme"})
MEMBERS_LINK = "/organisation"


def _tell_members(organisation: Organisation, kind: str, params: dict) -> None:
    notifications.notify(
        users=active_members(organisation.id), kind=kind, params=params, link=MEMBERS_LINK
    )


def verify_organisation(
    *, admin: User, organisation: Organisation, notify_members: bool = True
) -> None:
    """Mark an organisation verified (clearing an earlier rejection). Side effects: audit
    `organisation.verified`; its members notified (in-app and e-mail) unless `notify_members`
    is False (the demo seed, whose recorded world predates the notice); signal
    `organisation_verified` (a programme organisation's held invitations reach the owners)."""
    if admin.role != "admin":
        raise PermissionDenied(_l("Only administrators can verify organisations."))
    organisation.verified_at = utcnow()
    organisation.verified_by_id = admin.id
    organisation.rejected_at = None
    organisation.rejection_reason = None
    audit.on_organisation("organisation.verified", organisation.id, by=admin.id)
    if notify_members:
        _tell_members(organisation, "organisation_verified", {"organisation": organisation.name})
    signals.organisation_verified.send(organisation)
    db.session.flush()


def organisations_to_verify() -> dict[str, int]:
    """How many investor and programme organisations wait for an admin's verification, by
    kind (enterprise organisations need none to act)."""
    from sqlalchemy import func

    counts = dict(
        db.session.execute(
            select(Organisation.kind, func.count())
            .where(
                Organisation.kind.in_(("investor", "programme")),
                Organisation.verified_at.is_(None),
                Organisation.rejected_at.is_(None),
            )
            .group_by(Organisation.kind)
        ).all()
    )
    return {kind: counts.get(kind, 0) for kind in ("investor", "programme")}


def reject_organisation(*, admin: User, organisation: Organisation, reason: str) -> None:
    """Refuse to verify an investor or programme organisation, with a reason its members are
    sent; it leaves the verification queue (a later verification clears the refusal).

    Raises PermissionDenied (not an admin), ValidationError (no reason; another kind of
    organisation; already verified). Side effects: audit `organisation.rejected`; members
    notified in-app and by e-mail, the reason included.
    """
    if admin.role != "admin":
        raise PermissionDenied(_l("Only administrators can verify organisations."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _l("Say why, in words the organisation can act on: they receive it."), field="reason"
        )
    if organisation.kind not in VERIFIABLE_KINDS:
        raise ValidationError(_l("Only investor and programme organisations are verified."))
    if organisation.verified_at is not None:
        raise ValidationError(_l("This organisation is verified: withdraw the verification first."))
    organisation.rejected_at = utcnow()
    organisation.rejection_reason = reason[:2000]
    audit.on_organisation("organisation.rejected", organisation.id, by=admin.id)
    _tell_members(
        organisation,
        "organisation_rejected",
        {"organisation": organisation.name, "reason": organisation.rejection_reason},
    )
    db.session.flush()


def unverify_organisation(*, admin: User, organisation: Organisation) -> None:
    if admin.role != "admin":
        raise PermissionDenied(_l("Only administrators can verify organisations."))
    organisation.verified_at = None
    organisation.verified_by_id = None
    audit.on_organisation("organisation.unverified", organisation.id, by=admin.id)
    db.session.flush()


def set_user_active(*, admin: User, user: User, active: bool) -> None:
    """Deactivate (ending every session at once) or reactivate a user.

    Raises PermissionDenied for non-admins and for an admin deactivating themself.
    """
    if admin.role != "admin":
        raise PermissionDenied(_l("Only administrators can deactivate users."))
    if user.id == admin.id and not active:
        raise ValidationError(_l("You cannot deactivate your own account."))
    user.active = active
    if not active:
        end_all_sessions(user.id)
    audit.on_user("user.deactivated" if not active else "user.reactivated", user.id, by=admin.id)
    db.session.flush()
