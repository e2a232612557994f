"""Deletion requests (UU PDP 27/2022 art. 8, 16 (2) h; issue 16): who may ask, the 72-hour
pending period, cancelling, and each request's entry in the admin's rights-request queue.

A user asks to delete their own account (`request_deletion`); a facilitator asks for a
phone-only owner's enterprise (`request_enterprise_deletion`, recorded as on the owner's
behalf). The account is blocked at once (sessions ended, login refused with a message saying
how to cancel) and the profile hidden; the requester gets a one-time cancel link by e-mail
(only its SHA-256 is kept, as for every link: marketplace.tokens). Once `due_at` has passed the
erasure (marketplace.privacy.erasure) carries it out.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import audit, formatting, mail, tokens
from marketplace.accounts import mails as account_mails
from marketplace.accounts import passwords
from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.models import as_utc, utcnow
from marketplace.privacy.erasure_models import AccountDeletion
from marketplace.privacy.models import RightsRequest
from marketplace.profiles import enterprises as enterprise_services
from marketplace.profiles import permissions
from marketplace.profiles.models import Enterprise

PENDING_PERIOD = dt.timedelta(hours=72)
ROLES = frozenset({"owner", "investor", "facilitator"})


# --- who may ask -------------------------------------------------------------------------------
def pending_for_user(user: User) -> AccountDeletion | None:
    return db.session.scalar(
        select(AccountDeletion).where(
            AccountDeletion.user_id == user.id, AccountDeletion.is_pending
        )
    )


def pending_for_enterprise(enterprise: Enterprise) -> AccountDeletion | None:
    return db.session.scalar(
        select(AccountDeletion).where(
            AccountDeletion.enterprise_id == enterprise.id, AccountDeletion.is_pending
        )
    )


def is_erased(enterprise: Enterprise) -> bool:
    return (
        db.session.scalar(
            select(AccountDeletion.id).where(
                AccountDeletion.enterprise_id == enterprise.id, AccountDeletion.done_at.is_not(None)
            )
        )
        is not None
    )


def _active_owners(enterprise: Enterprise) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(
                User.organisation_id == enterprise.organisation_id,
                User.role == "owner",
                User.active.is_(True),
            )
        )
    )


def may_request_for(user, enterprise: Enterprise) -> bool:
    """A facilitator of the enterprise's programme, when the owner has no account (a
    phone-only owner): the one who can ask on their behalf."""
    return permissions.is_facilitator_of(user, enterprise) and not _active_owners(enterprise)


def phone_only_enterprises(user) -> list[Enterprise]:
    """Enterprises `user` (a facilitator) may ask to delete on their owner's behalf."""
    if getattr(user, "role", None) != "facilitator":
        return []
    from marketplace.programmes.models import Enrolment

    ids = db.session.scalars(select(Enrolment.enterprise_id).distinct()).all()
    found = [db.session.get(Enterprise, i) for i in ids]
    return [e for e in found if e is not None and not is_erased(e) and may_request_for(user, e)]


def _check_password(user: User, password: str | None) -> None:
    if not passwords.verify_password(user.password_hash, password or ""):
        raise ValidationError(_l("The password is not correct."), field="password")


def _hide(enterprise: Enterprise) -> bool:
    was_published = enterprise.status == "published"
    if was_published:
        enterprise.status = "draft"
        enterprise_services.reindex_later(enterprise)
    return was_published


def _mail_cancel_link(deletion: AccountDeletion, to: User, token: str) -> None:
    mail.send_to(to, partial(_cancel_link_mail, deletion, token), kind="account")


def _cancel_link_mail(deletion: AccountDeletion, token: str) -> tuple[str, str]:
    subject = _l("TemuModal: deletion requested; you can cancel it for 72 hours")
    body = _l(
        "We received a request to delete %(what)s on TemuModal. It is blocked"
        " now and everything will be deleted on %(due)s. To cancel, open this"
        " link before then (it works once):\n\n%(link)s\n\nIf you did not ask for this,"
        " open the link and change your password.",
        what=_deletion_subject(deletion),
        due=formatting.datetime(deletion.due_at),
        link=account_mails.external_url("erasure.cancel", token=token),
    )
    return str(subject), str(body)


def _deletion_subject(deletion: AccountDeletion) -> str:
    if deletion.on_behalf and deletion.enterprise_id:
        enterprise = db.session.get(Enterprise, deletion.enterprise_id)
        return str(_l("the profile of %(name)s", name=enterprise.name if enterprise else "?"))
    return str(_l("your account"))


# --- the deletion in the rights-request queue (/admin/privacy) ----------------------------------
def _queue(deletion: AccountDeletion) -> None:
    """List the deletion in the admin's rights-request queue with its 72-hour deadline."""
    db.session.add(
        RightsRequest(
            kind="deletion",
            requester_id=deletion.requested_by_id,
            subject_user_id=deletion.user_id,
            subject_enterprise_id=deletion.enterprise_id,
            on_behalf=deletion.on_behalf,
            created_at=deletion.requested_at,
            due_at=deletion.due_at,
        )
    )


def queue_entry(deletion: AccountDeletion) -> RightsRequest | None:
    """The open queue entry of `deletion` (read before the erasure redacts its references)."""
    query = select(RightsRequest).where(
        RightsRequest.kind == "deletion", RightsRequest.status == "open"
    )
    if deletion.user_id is not None:
        query = query.where(RightsRequest.subject_user_id == deletion.user_id)
    else:
        query = query.where(RightsRequest.subject_enterprise_id == deletion.enterprise_id)
    return db.session.scalars(query.limit(1)).first()


def close_entry(entry: RightsRequest | None, *, status: str, answer: str) -> None:
    if entry is not None:
        entry.status = status
        entry.answered_at = utcnow()
        entry.answer = answer


def request_deletion(*, user: User, password: str | None) -> AccountDeletion:
    """Ask to delete `user`'s own account (an owner's enterprise too, when they are its last
    active owner), after checking their password.

    Raises PermissionDenied (an administrator: another admin removes them), ValidationError
    (wrong password), Conflict (already pending). Side effects: the account blocked and every
    session ended at once; the enterprise hidden (index updated after commit); an
    `account_deletions` row due in 72 hours; audit `erasure.requested`; the cancel link
    mailed after commit.
    """
    if user.role not in ROLES:
        raise PermissionDenied(_l("Administrators' accounts are removed by another administrator."))
    _check_password(user, password)
    if pending_for_user(user) is not None:
        raise Conflict(_l("A deletion of this account is already pending."))
    enterprise = enterprise_services.enterprise_of(user)
    if enterprise is not None and (
        [o for o in _active_owners(enterprise) if o.id != user.id]
        or pending_for_enterprise(enterprise) is not None
    ):
        enterprise = None  # another owner keeps the profile
    now = utcnow()
    token = tokens.new_token()
    deletion = AccountDeletion(
        user_id=user.id,
        enterprise_id=enterprise.id if enterprise else None,
        requested_by_id=user.id,
        on_behalf=False,
        requested_at=now,
        due_at=now + PENDING_PERIOD,
        cancel_token_hash=tokens.token_hash(token),
        was_published=_hide(enterprise) if enterprise else False,
        outcome={},
    )
    db.session.add(deletion)
    user.active = False
    accounts.end_all_sessions(user.id)
    _queue(deletion)
    db.session.flush()
    audit.on_user(
        "erasure.requested",
        user.id,
        by=user.id,
        deletion=deletion.id,
        enterprise=deletion.enterprise_id,
    )
    _mail_cancel_link(deletion, user, token)
    return deletion


def request_enterprise_deletion(
    *, actor: User, enterprise: Enterprise, password: str | None
) -> AccountDeletion:
    """Ask, as a facilitator, to delete a phone-only owner's enterprise on their behalf.

    Raises NotFound (not their enterprise), ValidationError (the owner has an account: they
    ask themselves; wrong password), Conflict (already pending). Side effects: the profile
    hidden; an `account_deletions` row (on_behalf) due in 72 hours; audit
    `erasure.requested`; the cancel link mailed to the facilitator after commit.
    """
    if not permissions.is_facilitator_of(actor, enterprise) or is_erased(enterprise):
        raise NotFound(_l("This profile does not exist."))
    if _active_owners(enterprise):
        raise ValidationError(
            _l("The owner has an account: only they can ask to delete it, from their account.")
        )
    _check_password(actor, password)
    if pending_for_enterprise(enterprise) is not None:
        raise Conflict(_l("A deletion of this profile is already pending."))
    now = utcnow()
    token = tokens.new_token()
    deletion = AccountDeletion(
        user_id=None,
        enterprise_id=enterprise.id,
        requested_by_id=actor.id,
        on_behalf=True,
        requested_at=now,
        due_at=now + PENDING_PERIOD,
        cancel_token_hash=tokens.token_hash(token),
        was_published=_hide(enterprise),
        outcome={},
    )
    db.session.add(deletion)
    _queue(deletion)
    db.session.flush()
    audit.on_enterprise(
        "erasure.requested", enterprise.id, by=actor.id, deletion=deletion.id, on_behalf=True
    )
    _mail_cancel_link(deletion, actor, token)
    return deletion


def open_cancel_link(token: str | None) -> AccountDeletion:
    """The pending deletion a cancel link is for. Raises NotFound (unknown, used, cancelled,
    done, or past its due time)."""
    deletion = db.session.scalar(
        select(AccountDeletion).where(
            AccountDeletion.cancel_token_hash == tokens.token_hash(token or "")
        )
    )
    if deletion is None or not deletion.is_pending or as_utc(deletion.due_at) <= utcnow():
        raise NotFound(_l("This link does not work any more: the deletion is not pending."))
    return deletion


def cancel_deletion(*, token: str | None) -> AccountDeletion:
    """Cancel a pending deletion through its mailed link, before it is due.

    Raises NotFound (see `open_cancel_link`). Side effects: the account unblocked (the user
    logs in again), the profile published again if the request hid it (index after commit);
    the link stops working; audit `erasure.cancelled`.
    """
    deletion = open_cancel_link(token)
    close_entry(queue_entry(deletion), status="cancelled", answer="deletion_cancelled")
    deletion.cancelled_at = utcnow()
    deletion.cancel_token_hash = None
    if deletion.user_id is not None:
        db.session.get(User, deletion.user_id).active = True
    if deletion.enterprise_id is not None and deletion.was_published:
        enterprise = db.session.get(Enterprise, deletion.enterprise_id)
        enterprise.status = "published"
        enterprise_services.reindex_later(enterprise)
    audit.on_account_deletion("erasure.cancelled", deletion.id, by=deletion.requested_by_id)
    db.session.flush()
    return deletion


def explain_inactive(user: User) -> str | None:
    """The login page's message for an account blocked by a pending deletion."""
    deletion = pending_for_user(user)
    if deletion is None:
        return None
    return str(
        _l(
            "Your account is blocked: you asked to delete it, and it will be deleted on %(due)s"
            ". To cancel, open the link in the e-mail we sent you when you asked.",
            due=formatting.datetime(deletion.due_at),
        )
    )


accounts.register_inactive_explainer(explain_inactive)


def record_retention_deletion(
    *, enterprise: Enterprise, owners: list[User], now: dt.datetime
) -> list[AccountDeletion]:
    """Record the deletion of a stale draft and its owners' accounts, due at once (the
    retention rule of marketplace.privacy.stale_drafts, after its warning): nobody asked, so
    no password, no cancel link and no entry in the rights-request queue. The first owner's
    deletion carries the enterprise, as when the last owner asks; without an owner account
    the enterprise's own. The caller erases them (marketplace.privacy.erasure.erase).

    Side effects: `account_deletions` rows (requested by no one, due `now`); every owner
    blocked and their sessions ended; audit `erasure.requested` with reason "retention".
    """
    subjects = [(o.id, enterprise.id if i == 0 else None) for i, o in enumerate(owners)]
    deletions = []
    for user_id, enterprise_id in subjects or [(None, enterprise.id)]:
        deletion = AccountDeletion(
            user_id=user_id,
            enterprise_id=enterprise_id,
            requested_by_id=None,
            on_behalf=False,
            requested_at=now,
            due_at=now,
            was_published=False,
            outcome={},
        )
        db.session.add(deletion)
        deletions.append(deletion)
    for owner in owners:
        owner.active = False
        accounts.end_all_sessions(owner.id)
    db.session.flush()
    for deletion in deletions:
        audit.on_account_deletion(
            "erasure.requested",
            deletion.id,
            by=None,
            reason="retention",
            enterprise=deletion.enterprise_id,
        )
    return deletions
