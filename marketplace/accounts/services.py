"""Accounts: registration, e-mail confirmation, login sessions, passwords (and their reset),
verification. Two-factor login is in `marketplace.accounts.totp`.

Services flush, never commit: the caller (a view, a CLI command, a test) owns the transaction.
Accounts imports no business domain (profiles, programmes, pitches, matching, events): what
those must do when an account changes, they do on the signals in `accounts/signals.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from marketplace import audit, tokens, vocab
from marketplace.accounts import mails, passwords, signals
from marketplace.accounts.models import EmailToken, Organisation, User, UserSession
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.models import as_utc, utcnow
from marketplace.notifications import services as notifications

SESSION_TOUCH_INTERVAL = dt.timedelta(seconds=60)
# E-mailed one-time links: long enough to find the mail, short enough that an old mailbox
# is no key to the account.
CONFIRM_LINK_LIFETIME = dt.timedelta(hours=48)
RESET_LINK_LIFETIME = dt.timedelta(hours=1)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register_user(
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    organisation_name: str | None = None,
    organisation: Organisation | None = None,
    phone: str | None = None,
    locale: str = "id",
) -> User:
    """Create a user; with `organisation_name`, also the organisation of the role's kind.

    The address starts unconfirmed (see `send_confirmation`, `confirm_email`). Admins cannot
    register. Raises ValidationError (password rules, role) and Conflict (e-mail already
    registered). Side effects: audit entry `user.registered`; signal `user_registered` (owners
    get an empty draft profile from the enterprises side).
    """
    if role not in vocab.ROLES or role == "admin":
        raise ValidationError(_l("Choose one of the roles offered."), field="role")
    email = normalise_email(email)
    passwords.check_password_rules(password, email=email, name=name)
    if find_user_by_email(email) is not None:
        raise Conflict(
            _l(
                "An account with this e-mail address exists already. Log in, or reset the password."
            ),
            field="email",
        )
    # Whoever creates an organisation administers it; a member added later does not.
    organisation_admin = organisation is None
    if organisation is None:
        if not (organisation_name or "").strip():
            raise ValidationError(
                _l("Give the name of your organisation."), field="organisation_name"
            )
        organisation = Organisation(
            kind=vocab.ROLE_ORGANISATION_KIND[role], name=organisation_name.strip()
        )
        db.session.add(organisation)
    elif organisation.kind != vocab.ROLE_ORGANISATION_KIND[role]:
        raise ValidationError(_l("This organisation does not take members in that role."))
    user = User(
        email=email,
        name=name.strip(),
        phone=phone,
        password_hash=passwords.hash_password(password),
        role=role,
        organisation=organisation,
        organisation_admin=organisation_admin,
        locale=locale if locale in current_app.config["LANGUAGES"] else "id",
        password_changed_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    signals.user_registered.send(user)
    audit.on_user("user.registered", user.id, by=user.id, role=role)
    db.session.flush()
    return user


def register_account(
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    organisation_name: str | None,
    phone: str | None = None,
    locale: str = "id",
) -> User | None:
    """The public sign-up: like `register_user`, but it never tells whether the address has an
    account. Everything that can be checked without looking the address up is checked first.
    A new address gets its account (unconfirmed, not logged in) and a confirmation link; for a
    taken address nothing is created and the account's holder gets an e-mail saying someone
    tried (in their language). Returns the new user or None; callers answer the same either way.
    Raises ValidationError. Side effects: see `register_user` and `send_confirmation`; audit
    `register.existing_email` for a taken address; mail after commit.
    """
    if role not in vocab.ROLES or role == "admin":
        raise ValidationError(_l("Choose one of the roles offered."), field="role")
    passwords.check_password_rules(password, email=normalise_email(email), name=name)
    if not (organisation_name or "").strip():
        raise ValidationError(_l("Give the name of your organisation."), field="organisation_name")
    existing = find_user_by_email(email)
    if existing is None:
        user = register_user(
            email=email,
            name=name,
            password=password,
            role=role,
            organisation_name=organisation_name,
            phone=phone,
            locale=locale,
        )
        send_confirmation(user=user)
        return user
    # The same slow hash a new account costs, so the answer does not come back faster.
    passwords.hash_password(password)
    mails.queue(
        "taken",
        to=existing.email,
        locale=existing.locale,
        params={
            "login": mails.external_url("accounts.login"),
            "reset": mails.external_url("accounts.forgot_password"),
        },
    )
    audit.on_user("register.existing_email", existing.id, by=None)
    db.session.flush()
    return None


# --- one-time links by e-mail (confirmation, password reset) -----------------------------------
def _unused_links(user: User, purpose: str) -> list[EmailToken]:
    """The user's links of this purpose that were never used (expired ones included)."""
    return list(
        db.session.scalars(
            select(EmailToken).where(
                EmailToken.user_id == user.id,
                EmailToken.purpose == purpose,
                EmailToken.used_at.is_(None),
            )
        )
    )


def _issue_link(*, user: User, purpose: str, lifetime: dt.timedelta) -> str:
    """A new one-time token for `user`; earlier open links of the same purpose stop working."""
    now = utcnow()
    for old in _unused_links(user, purpose):
        if as_utc(old.expires_at) > now:
            old.expires_at = now
    token = tokens.new_token()
    db.session.add(
        EmailToken(
            purpose=purpose,
            token_hash=tokens.token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


def _mail_link(
    *, user: User, purpose: str, lifetime: dt.timedelta, endpoint: str, **params: str
) -> None:
    """Issue a one-time link and queue the mail (template `purpose`) that carries it, saying
    how many hours it stays valid."""
    token = _issue_link(user=user, purpose=purpose, lifetime=lifetime)
    mails.queue(
        purpose,
        to=user.email,
        locale=user.locale,
        params={
            **params,
            "hours": int(lifetime.total_seconds() // 3600),
            "link": mails.external_url(endpoint, token=token),
        },
    )


def _open_link(token: str | None, purpose: str) -> tuple[EmailToken, User] | None:
    """The live link for `token` and its (active) user, or None."""
    row = db.session.scalar(
        select(EmailToken).where(
            EmailToken.token_hash == tokens.token_hash(token or ""), EmailToken.purpose == purpose
        )
    )
    if row is None or row.used_at is not None or as_utc(row.expires_at) <= utcnow():
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return row, user


def send_confirmation(*, user: User) -> bool:
    """Mail `user` a new confirmation link (valid CONFIRM_LINK_LIFETIME); earlier links stop
    working. Returns False (and sends nothing) when the address is confirmed already.
    Side effects: an `email_tokens` row (hash only); mail after commit; audit
    `email.confirmation_sent`.
    """
    if user.email_confirmed_at is not None:
        return False
    _mail_link(
        user=user,
        purpose="confirm",
        lifetime=CONFIRM_LINK_LIFETIME,
        endpoint="accounts.confirm_email",
        name=user.name,
    )
    audit.on_user("email.confirmation_sent", user.id, by=user.id)
    db.session.flush()
    return True


def check_confirmation_link(token: str | None) -> User:
    """The user a confirmation link is for, without using it up.

    Raises NotFound for an unknown, used or expired link (the message says how to get a new one).
    """
    found = _open_link(token, "confirm")
    if found is None:
        raise NotFound(
            _l(
                "This confirmation link has expired or was used already. Log in and press"
                ' "Send the link again" to get a new one.'
            )
        )
    return found[1]


def confirm_email(*, token: str | None) -> User:
    """Use a confirmation link: the address is confirmed; returns its user (the caller logs
    them in). Raises NotFound as `check_confirmation_link`. Side effects: the link is used up;
    `email_confirmed_at` set (kept if already set); audit `email.confirmed`.
    """
    user = check_confirmation_link(token)
    for row in _unused_links(user, "confirm"):
        row.used_at = utcnow()
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    audit.on_user("email.confirmed", user.id, by=user.id)
    db.session.flush()
    return user


def request_password_reset(*, email: str) -> None:
    """Mail a one-time link to set a new password (valid RESET_LINK_LIFETIME) when an active
    account has this address; nothing otherwise. The caller answers the same either way.
    Raises nothing. Side effects: an `email_tokens` row (hash only); mail after commit; audit
    `password.reset_requested`.
    """
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    _mail_link(
        user=user, purpose="reset", lifetime=RESET_LINK_LIFETIME, endpoint="accounts.reset_password"
    )
    audit.on_user("password.reset_requested", user.id, by=None)
    db.session.flush()


def check_reset_link(token: str | None) -> User:
    """The user a password-reset link is for, without using it up.

    Raises NotFound for an unknown, used or expired link.
    """
    found = _open_link(token, "reset")
    if found is None:
        raise NotFound(
            _l(
                "This link to set a new password has expired or was used already. Ask for a"
                " new one below."
            )
        )
    return found[1]


def reset_password(*, token: str | None, new_password: str) -> User:
    """Set a new password with a reset link and end every session of the user.

    The link proves the address, so an unconfirmed address becomes confirmed. Raises NotFound
    (bad link) and ValidationError (password rules; the link stays usable). Side effects: the
    link and the user's other reset links used up; sessions deleted; audit `password.reset`.
    """
    user = check_reset_link(token)
    passwords.check_password_rules(new_password, email=user.email, name=user.name)
    now = utcnow()
    for row in _unused_links(user, "reset"):
        row.used_at = now
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = now
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    end_all_sessions(user.id)
    audit.on_user("password.reset", user.id, by=user.id)
    db.session.flush()
    return user


class AccountDeactivated(PermissionDenied):
    """The right password for an account an administrator has deactivated."""


def authenticate(*, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Takes the same time either way.

    Only someone who knows the password learns that the account is deactivated
    (AccountDeactivated, whose message says whom to contact); a wrong password gets None
    whatever the account's state. Side effects: a `login.failed` audit entry on failure (no
    password is recorded).
    """
    user = find_user_by_email(email)
    if user is None:
        passwords.verify_password(passwords.DUMMY_HASH, password)
        audit.record("login.failed", actor_id=None, details={"reason": "unknown_account"})
        return None
    password_ok = passwords.verify_password(user.password_hash, password)
    if not password_ok or not user.active:
        audit.on_user(
            "login.failed",
            user.id,
            by=user.id,
            reason="password" if not password_ok else "inactive",
        )
        if password_ok:
            raise AccountDeactivated(deactivated_message(user))
        return None
    return user


# Why an account may be inactive besides an administrator's decision (a pending deletion,
# marketplace.privacy.erasure): higher packages register an explainer here, so this module
# never imports them (tests/test_layers.py). The first one with a message for the user wins.
_inactive_explainers: list[Callable[[User], str | None]] = []


def register_inactive_explainer(explainer: Callable[[User], str | None]) -> None:
    """Add `explainer(user) -> message or None`, asked when an inactive user logs in."""
    if explainer not in _inactive_explainers:
        _inactive_explainers.append(explainer)


def deactivated_message(user: User | None = None) -> str:
    """What a deactivated user is told: a registered explainer's message (a pending deletion
    and how to cancel it), else the administrator's decision with the contact address."""
    for explain in _inactive_explainers if user is not None else ():
        message = explain(user)
        if message:
            return message
    contact = current_app.config.get("MAIL_CONTACT")
    if contact:
        return _l(
            "Your account was deactivated by a TemuModal administrator. To ask why or to have"
            " it reactivated, write to %(contact)s.",
            contact=contact,
        )
    return _l(
        "Your account was deactivated by a TemuModal administrator. To ask why or to have it"
        " reactivated, reply to any e-mail you received from TemuModal."
    )


def start_session(*, user: User, ip: str | None, user_agent: str | None) -> str:
    """Open a login session; returns the random token the cookie will carry.

    Side effects: a `user_sessions` row (only the token's hash), `login.ok` audit entry.
    """
    token = tokens.new_token()
    now = utcnow()
    db.session.add(
        UserSession(
            token_hash=tokens.token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            ip=ip,
            user_agent=(user_agent or "")[:200],
        )
    )
    user.last_login_at = now
    audit.on_user("login.ok", user.id, by=user.id)
    db.session.flush()
    return token


def resolve_session(token: str | None) -> User | None:
    """The user of a live session, or None when the token is unknown, idle too long, too old,
    or its user is deactivated. Expired sessions are deleted.

    Side effects: updates `last_seen_at` at most once a minute.
    """
    if not token:
        return None
    # One query for the session, its user and the user's organisation (every page's
    # permission checks read it): this runs on every request.
    found = db.session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .options(joinedload(User.organisation))
        .where(UserSession.token_hash == tokens.token_hash(token))
    ).first()
    if found is None:
        return None
    row, user = found
    now = utcnow()
    config = current_app.config
    idle = now - as_utc(row.last_seen_at)
    age = now - as_utc(row.created_at)
    if (
        idle > config["SESSION_IDLE_TIMEOUT"]
        or age > config["SESSION_ABSOLUTE_TIMEOUT"]
        or not user.active
    ):
        db.session.delete(row)
        # Not flushed: a pending delete is what makes security.load_session_user commit it.
        return None
    if idle > SESSION_TOUCH_INTERVAL:
        row.last_seen_at = now
    return user


def end_session(token: str | None) -> None:
    """End one session (logout). Side effects: deletes its row."""
    if token:
        db.session.execute(
            delete(UserSession).where(UserSession.token_hash == tokens.token_hash(token))
        )


def end_all_sessions(user_id: int) -> None:
    """End every session of a user, on every device. Side effects: deletes their rows."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))


def change_password(*, user: User, current_password: str, new_password: str) -> None:
    """Set a new password and end every session of the user (the caller starts a new one).

    Raises ValidationError for a wrong current password or a weak new one.
    Side effects: sessions deleted, `password.changed` audit entry.
    """
    if not passwords.verify_password(user.password_hash, current_password):
        raise ValidationError(_l("The current password is not correct."), field="current_password")
    passwords.check_password_rules(new_password, email=user.email, name=user.name)
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()
    end_all_sessions(user.id)
    audit.on_user("password.changed", user.id, by=user.id)
    db.session.flush()


def set_locale(*, user: User, locale: str) -> None:
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale


# --- administration --------------------------------------------------------------------------
VERIFIABLE_KINDS = frozenset({"investor", "programme"})
MEMBERS_LINK = "/organisation"


def _tell_members(organisation: Organisation, kind: str, params: dict) -> None:
    members = db.session.scalars(
        select(User).where(User.organisation_id == organisation.id, User.active.is_(True))
    )
    notifications.notify(users=list(members), kind=kind, params=params, link=MEMBERS_LINK)


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
