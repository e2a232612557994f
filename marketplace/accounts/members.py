"""Organisation members (issue 13): colleagues invite each other by e-mail, join on accepting,
and an organisation admin removes members.

Rights over an organisation's objects (shared shortlists, mandates, programmes and their
cohorts, events) follow `User.organisation_id`, so joining grants them and removal ends them at
once: the removed member keeps their account, moved to a new, unverified organisation of their
own. Only investor and programme organisations take members this way (an enterprise's rights go
through its owner and the programme's consent). Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace import audit, permissions, vocab
from marketplace.accounts import mails, registration
from marketplace.accounts import services as account_services
from marketplace.accounts.models import INVITATION_ROLES, Organisation, OrganisationInvitation, User
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.models import as_utc, utcnow

INVITATION_LIFETIME = dt.timedelta(days=7)
MEMBER_KINDS = frozenset({"investor", "programme"})
# The user role that belongs in each organisation kind taking members.
KIND_ROLE = {kind: role for role, kind in vocab.ROLE_ORGANISATION_KIND.items()}


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@permissions.deny_on_error
def can_see_members(user) -> bool:
    """A member of an investor or programme organisation (its members page)."""
    return permissions.is_active(user) and user.organisation.kind in MEMBER_KINDS


@permissions.deny_on_error
def can_invite(user) -> bool:
    """A confirmed member of an investor or programme organisation."""
    return permissions.is_confirmed(user) and can_see_members(user)


@permissions.deny_on_error
def is_organisation_admin(user, organisation: Organisation) -> bool:
    return (
        can_see_members(user)
        and user.organisation_id == organisation.id
        and bool(user.organisation_admin)
    )


def members_of(organisation: Organisation) -> list[User]:
    """The organisation's members, admins first, then by name. Reads only."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == organisation.id)
            .order_by(User.organisation_admin.desc(), User.name)
        )
    )


def active_members(organisation_id: int, *, role: str | None = None) -> list[User]:
    """The organisation's active users (only those of `role` when given), by id: who hears
    for it. Reads only."""
    query = select(User).where(User.organisation_id == organisation_id, User.active.is_(True))
    if role is not None:
        query = query.where(User.role == role)
    return list(db.session.scalars(query.order_by(User.id)))


def open_invitations(organisation: Organisation) -> list[OrganisationInvitation]:
    """Invitations not yet accepted, cancelled or expired, newest first. Reads only."""
    now = utcnow()
    rows = db.session.scalars(
        select(OrganisationInvitation)
        .where(
            OrganisationInvitation.organisation_id == organisation.id,
            OrganisationInvitation.accepted_at.is_(None),
            OrganisationInvitation.cancelled_at.is_(None),
        )
        .order_by(OrganisationInvitation.id.desc())
    )
    return [row for row in rows if as_utc(row.expires_at) > now]


def invite_member(*, actor: User, email: str, role: str) -> OrganisationInvitation:
    """Invite `email` to the actor's organisation as `role` ("member" or "admin").

    The answer is the same whether or not the address has an account (the caller says "sent"
    either way); the mail goes in the account's language when there is one, else the actor's.
    Earlier open invitations of the same address to the same organisation stop working.
    Raises PermissionDenied (not a confirmed member of an investor or programme organisation;
    "admin" asked by a plain member) and ValidationError (role, address). Side effects: an
    invitation row (token hash only); mail after commit; audit `organisation.member_invited`.
    """
    if not can_invite(actor):
        raise PermissionDenied(_l("Confirm your e-mail address before you invite colleagues."))
    if role not in INVITATION_ROLES:
        raise ValidationError(_l("Choose one of the roles offered."), field="role")
    if role == "admin" and not actor.organisation_admin:
        raise ValidationError(
            _l("Only an organisation admin can invite another admin."), field="role"
        )
    email = account_services.normalise_email(email)
    if "@" not in email:
        raise ValidationError(_l("This does not look like an e-mail address."), field="email")
    now = utcnow()
    for old in db.session.scalars(
        select(OrganisationInvitation).where(
            OrganisationInvitation.organisation_id == actor.organisation_id,
            OrganisationInvitation.email == email,
            OrganisationInvitation.accepted_at.is_(None),
            OrganisationInvitation.cancelled_at.is_(None),
        )
    ):
        old.cancelled_at = now
    token = secrets.token_urlsafe(32)
    invitation = OrganisationInvitation(
        organisation_id=actor.organisation_id,
        email=email,
        role=role,
        token_hash=_hash_token(token),
        invited_by_id=actor.id,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    existing = account_services.find_user_by_email(email)
    mails.queue(
        "member_invite",
        to=email,
        locale=(existing.locale if existing is not None else actor.locale) or "id",
        params={
            "inviter": actor.name,
            "organisation": actor.organisation.name,
            "days": INVITATION_LIFETIME.days,
            "link": mails.external_url("organisation.join", token=token),
        },
    )
    db.session.flush()
    audit.on_organisation(
        "organisation.member_invited",
        actor.organisation_id,
        by=actor.id,
        invitation_id=invitation.id,
        role=role,
    )
    db.session.flush()
    return invitation


def check_invitation(token: str | None) -> OrganisationInvitation:
    """The open invitation for `token`. Raises NotFound for an unknown, used, cancelled or
    expired one."""
    row = db.session.scalar(
        select(OrganisationInvitation).where(
            OrganisationInvitation.token_hash == _hash_token(token or "")
        )
    )
    if (
        row is None
        or row.accepted_at is not None
        or row.cancelled_at is not None
        or as_utc(row.expires_at) <= utcnow()
    ):
        raise NotFound(
            _l(
                "This invitation has expired, was used already or was withdrawn. Ask your"
                " colleague to invite you again."
            )
        )
    return row


def _only_admin_of_others(user: User) -> bool:
    """True when `user` is the only admin of an organisation that has other members."""
    if not user.organisation_admin:
        return False
    others = db.session.scalars(
        select(User).where(User.organisation_id == user.organisation_id, User.id != user.id)
    ).all()
    return bool(others) and not any(o.organisation_admin for o in others)


def role_refusal(user: User, invitation: OrganisationInvitation):
    """Why `user`'s account cannot join the invitation's organisation because of its role
    (an owner's account invited into an investor organisation), in plain words with what to do;
    None when the role fits. Said only to the account's own holder, when they open or accept
    the invitation: the invite form answers the same for every address (docs/security.md,
    "Forms that could tell whether an e-mail has an account"), so it cannot refuse it then."""
    organisation = invitation.organisation
    if user.role == KIND_ROLE[organisation.kind]:
        return None
    return _l(
        "This account's role (%(role)s) cannot join %(organisation)s (%(kind)s), and"
        " an account's role cannot change. To join, ask %(inviter)s to invite another"
        " e-mail address of yours and register with that address; this account stays"
        " as it is.",
        role=vocab.ROLES[user.role],
        organisation=organisation.name,
        kind=vocab.ORGANISATION_KINDS[organisation.kind],
        inviter=invitation.invited_by.name if invitation.invited_by else organisation.name,
    )


def accept_invitation(*, token: str | None, user: User) -> OrganisationInvitation:
    """`user` joins the invitation's organisation in its role; rights over the organisation's
    objects follow at once.

    Raises NotFound (bad link), PermissionDenied (unconfirmed account: nobody gains rights
    before proving the address), ValidationError (the invitation is for another address; the
    user's role does not fit the organisation; they are the only admin of an organisation with
    other members). Side effects: the user's organisation and admin flag change; the
    invitation is used up; audit `organisation.member_joined`.
    """
    invitation = check_invitation(token)
    if not permissions.is_confirmed(user):
        raise PermissionDenied(_l("Confirm your e-mail address first, then open the link again."))
    if account_services.normalise_email(user.email) != invitation.email:
        raise ValidationError(
            _l("This invitation was sent to another e-mail address. Log in with that address.")
        )
    organisation = invitation.organisation
    refusal = role_refusal(user, invitation)
    if refusal is not None:
        raise ValidationError(refusal)
    if user.organisation_id != organisation.id:
        if _only_admin_of_others(user):
            raise ValidationError(
                _l(
                    "You are the only admin of %(organisation)s: make a colleague its admin"
                    " before you move.",
                    organisation=user.organisation.name,
                )
            )
        user.organisation = organisation
        user.organisation_admin = invitation.role == "admin"
    elif invitation.role == "admin":
        user.organisation_admin = True
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    audit.on_organisation(
        "organisation.member_joined",
        organisation.id,
        by=user.id,
        invitation_id=invitation.id,
        role=invitation.role,
    )
    db.session.flush()
    return invitation


def register_with_invitation(
    *, token: str | None, name: str, password: str, locale: str = "id"
) -> User:
    """Create the account of an invited newcomer and let them join: the link came to the
    address, so it counts as confirmed. Raises NotFound (bad link), Conflict (the address has
    an account: log in to accept) and ValidationError (password rules). Side effects: see
    `register_user` and `accept_invitation`."""
    invitation = check_invitation(token)
    if account_services.find_user_by_email(invitation.email) is not None:
        raise Conflict(
            _l("An account with this e-mail address exists already. Log in to accept."),
        )
    user = registration.register_user(
        email=invitation.email,
        name=name,
        password=password,
        role=KIND_ROLE[invitation.organisation.kind],
        organisation=invitation.organisation,
        locale=locale,
    )
    user.email_confirmed_at = utcnow()
    db.session.flush()
    accept_invitation(token=token, user=user)
    return user


def cancel_invitation(*, actor: User, invitation: OrganisationInvitation) -> None:
    """Withdraw an open invitation: its link stops working. The inviter or an organisation
    admin may. Raises NotFound (another organisation's invitation) and PermissionDenied.
    Side effects: audit `organisation.invitation_cancelled`."""
    if invitation.organisation_id != actor.organisation_id or not can_see_members(actor):
        raise NotFound(_l("This invitation does not exist."))
    if not (actor.organisation_admin or invitation.invited_by_id == actor.id):
        raise PermissionDenied(_l("Only the inviter or an organisation admin can withdraw it."))
    if invitation.accepted_at is None and invitation.cancelled_at is None:
        invitation.cancelled_at = utcnow()
    audit.on_organisation(
        "organisation.invitation_cancelled",
        invitation.organisation_id,
        by=actor.id,
        invitation_id=invitation.id,
    )
    db.session.flush()


def remove_member(*, actor: User, member: User) -> Organisation:
    """Remove `member` from the actor's organisation; their rights over its objects (shared
    shortlists, programmes and cohorts, events, the mandate) end at once. They keep their
    account, in a new unverified organisation of the same kind (which they administer): every
    check reads the organisation on each request, so no open page still acts for the old one.
    Returns that new organisation.

    Raises NotFound (not a member of the actor's organisation), PermissionDenied (the actor is
    not an organisation admin) and ValidationError (removing oneself). Side effects: audit
    `organisation.member_removed`.
    """
    organisation = actor.organisation
    if member.organisation_id != organisation.id or not can_see_members(actor):
        raise NotFound(_l("This person is not a member of your organisation."))
    if not is_organisation_admin(actor, organisation):
        raise PermissionDenied(_l("Only an organisation admin can remove members."))
    if member.id == actor.id:
        raise ValidationError(_l("You cannot remove yourself: leave the organisation instead."))
    own = _move_to_own_organisation(member)
    audit.on_user(
        "organisation.member_removed", member.id, by=actor.id, organisation_id=organisation.id
    )
    db.session.flush()
    return own


def leave_organisation(*, member: User) -> Organisation:
    """`member` leaves their organisation; their rights over its objects end at once, as for a
    removal (:func:`remove_member`): they keep their account, in a new unverified organisation
    of the same kind. Returns that new organisation.

    Raises PermissionDenied (not a member of an investor or programme organisation) and
    ValidationError (the only member: there is nothing to leave; the only admin of an
    organisation with other members: someone must administer it). Side effects: audit
    `organisation.member_left`.
    """
    if not can_see_members(member):
        raise PermissionDenied(
            _l("Only members of investor and programme organisations can leave.")
        )
    organisation = member.organisation
    others = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.organisation_id == organisation.id, User.id != member.id)
    )
    if not others:
        raise ValidationError(
            _l(
                "You are the only member of %(organisation)s, so there is nothing to leave.",
                organisation=organisation.name,
            )
        )
    if _only_admin_of_others(member):
        raise ValidationError(
            _l(
                "You are the only admin of %(organisation)s. Invite a colleague as organisation"
                " admin first (they become admin when they accept), then leave.",
                organisation=organisation.name,
            )
        )
    own = _move_to_own_organisation(member)
    audit.on_organisation(
        "organisation.member_left", organisation.id, by=member.id, user_id=member.id
    )
    db.session.flush()
    return own


def _move_to_own_organisation(member: User) -> Organisation:
    """Put `member` in a new, unverified organisation of their own (of the same kind), as its
    admin: every check reads the organisation on each request, so the old one's rights end."""
    own = Organisation(kind=member.organisation.kind, name=member.name)
    db.session.add(own)
    member.organisation = own
    member.organisation_admin = True
    return own
