"""Accounts: logging in, login sessions, changing one's password and language.

Registration and the e-mailed one-time links (confirmation, password reset) are in
`marketplace.accounts.registration`; verifying organisations and (de)activating users in
`marketplace.accounts.administration`. Two-factor login is in `marketplace.accounts.totp`.

Services flush, never commit: the caller (a view, a CLI command, a test) owns the transaction.
Accounts imports no business domain (profiles, programmes, pitches, matching, events): what
those must do when an account changes, they do on the signals in `accounts/signals.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload

from marketplace import audit, tokens
from marketplace.accounts import passwords
from marketplace.accounts.models import User, UserSession
from marketplace.errors import PermissionDenied, Problems
from marketplace.extensions import db
from marketplace.models import as_utc, utcnow

SESSION_TOUCH_INTERVAL = dt.timedelta(seconds=60)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


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
# marketplace.privacy.deletion_requests): higher packages register an explainer here, so this module
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


# One query for the session, its user and the user's organisation (every page's permission
# checks read it). It runs on every request, so the statement is built once per process:
# building it and its cache key cost more of the worker's time than running it.
_SESSION_AND_USER = (
    select(UserSession, User)
    .join(User, User.id == UserSession.user_id)
    .options(joinedload(User.organisation))
    .where(UserSession.token_hash == bindparam("token_hash"))
)


def resolve_session(token: str | None) -> User | None:
    """The user of a live session, or None when the token is unknown, idle too long, too old,
    or its user is deactivated. Expired sessions are deleted.

    Side effects: updates `last_seen_at` at most once a minute.
    """
    if not token:
        return None
    found = db.session.execute(_SESSION_AND_USER, {"token_hash": tokens.token_hash(token)}).first()
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


def password_change_problems(*, user: User, current_password: str, new_password: str) -> Problems:
    """What is wrong with a password change, each on its field: a wrong current password, a
    new one that breaks the rules (also run on a form that failed its own checks, so one
    submit shows every error)."""
    problems = Problems()
    if not passwords.verify_password(user.password_hash, current_password):
        problems.add(_l("The current password is not correct."), field="current_password")
    with problems.check("new_password"):
        passwords.check_password_rules(new_password, email=user.email, name=user.name)
    return problems


def change_password(*, user: User, current_password: str, new_password: str) -> None:
    """Set a new password and end every session of the user (the caller starts a new one).

    Raises ValidationError for a wrong current password or a weak new one, each on its field.
    Side effects: sessions deleted, `password.changed` audit entry.
    """
    password_change_problems(
        user=user, current_password=current_password, new_password=new_password
    ).raise_any()
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()
    end_all_sessions(user.id)
    audit.on_user("password.changed", user.id, by=user.id)
    db.session.flush()


def set_locale(*, user: User, locale: str) -> None:
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale
