"""Registration and the one-time links e-mailed to confirm an address or reset a password.

Services flush, never commit (see `marketplace.accounts.services`).
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import audit, phones, tokens, vocab
from marketplace.accounts import mails, passwords, signals
from marketplace.accounts.models import EmailToken, Organisation, User
from marketplace.accounts.services import end_all_sessions, find_user_by_email, normalise_email
from marketplace.errors import Conflict, NotFound, Problems, ValidationError
from marketplace.extensions import db
from marketplace.models import as_utc, utcnow

# E-mailed one-time links: long enough to find the mail, short enough that an old mailbox
# is no key to the account.
CONFIRM_LINK_LIFETIME = dt.timedelta(hours=48)
RESET_LINK_LIFETIME = dt.timedelta(hours=1)


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
    register. Raises ValidationError (password rules, role, phone) and Conflict (e-mail already
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
                _l("Fill in the name of your enterprise or organisation."),
                field="organisation_name",
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
        phone=phones.normalise_phone(phone, field="phone") if phone else None,
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


def registration_problems(
    *,
    role: str | None,
    password: str | None,
    email: str | None,
    name: str | None,
    organisation_name: str | None,
    phone: str | None = None,
) -> Problems:
    """Every rule the sign-up form breaks that needs no look-up of the address, each on its
    field (also run on a form that failed its own checks, so one submit shows every error)."""
    problems = Problems()
    if role not in vocab.ROLES or role == "admin":
        problems.add(_l("Choose one of the roles offered."), field="role")
    with problems.check():
        passwords.check_password_rules(
            password or "", email=normalise_email(email or ""), name=name or ""
        )
    if not (organisation_name or "").strip():
        problems.add(
            _l("Fill in the name of your enterprise or organisation."), field="organisation_name"
        )
    if phone:
        with problems.check():
            phones.normalise_phone(phone, field="phone")
    return problems


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
    registration_problems(
        role=role,
        password=password,
        email=email,
        name=name,
        organisation_name=organisation_name,
        phone=phone,
    ).raise_any()
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
