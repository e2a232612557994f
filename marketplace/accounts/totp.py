"""Two-factor login with a time-based one-time code (TOTP, RFC 6238) for facilitators and admins:
set-up, the check at login (one step of clock drift, no replayed code) and switching it off.

Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import secrets

import pyotp
from flask_babel import lazy_gettext as _l

from marketplace import audit
from marketplace.accounts import passwords
from marketplace.accounts.models import User
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.models import utcnow

TOTP_ROLES = frozenset({"facilitator", "admin"})


def begin_totp(*, user: User) -> str:
    """Create a new (not yet enabled) TOTP secret for the user; returns the otpauth URI.

    Raises PermissionDenied for roles that cannot use two-factor login.
    """
    if user.role not in TOTP_ROLES:
        raise PermissionDenied(_l("Two-factor login is for facilitators and admins."))
    if user.totp_enabled:
        raise Conflict(_l("Two-factor login is already on."))
    user.totp_secret = pyotp.random_base32()
    db.session.flush()
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name="TemuModal")


def _accept_code(user: User, code: str) -> bool:
    """Check a TOTP code, allowing one step of clock drift and refusing a replayed code."""
    if not user.totp_secret:
        return False
    code = (code or "").strip().replace(" ", "")
    totp = pyotp.TOTP(user.totp_secret)
    now = utcnow()
    for drift in (0, -1, 1):
        moment = now + dt.timedelta(seconds=30 * drift)
        step = totp.timecode(moment)
        if secrets.compare_digest(totp.at(moment), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            return True
    return False


def enable_totp(*, user: User, code: str) -> None:
    """Turn two-factor login on after the user proves the authenticator app has the secret.

    Raises ValidationError for a wrong code. Side effects: audit `totp.enabled`.
    """
    if user.totp_enabled or not user.totp_secret:
        raise Conflict(_l("Start the set-up again."))
    if not _accept_code(user, code):
        raise ValidationError(
            _l("That code is not correct. Type the 6 digits the app shows now."), field="code"
        )
    user.totp_enabled = True
    audit.on_user("totp.enabled", user.id, by=user.id)
    db.session.flush()


def verify_totp(*, user: User, code: str) -> bool:
    """True when `code` is the user's current TOTP code (not replayed). Flushes the step."""
    ok = user.totp_enabled and _accept_code(user, code)
    if not ok:
        audit.on_user("login.totp_failed", user.id, by=user.id)
    db.session.flush()
    return ok


def disable_totp(*, user: User, password: str) -> None:
    """Turn two-factor login off; needs the password. Side effects: audit `totp.disabled`."""
    if not passwords.verify_password(user.password_hash, password):
        raise ValidationError(_l("The password is not correct."), field="password")
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    audit.on_user("totp.disabled", user.id, by=user.id)
    db.session.flush()
