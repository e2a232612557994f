"""Password rules and hashing (argon2id)."""

from __future__ import annotations

import functools
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

from marketplace.errors import ValidationError

MIN_LENGTH = 8
MAX_LENGTH = 128
_hasher = PasswordHasher()


@functools.cache
def _common() -> frozenset[str]:
    path = Path(__file__).parent.parent / "data" / "common-passwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def check_password_rules(password: str, *, email: str = "", name: str = "") -> None:
    """Raise ValidationError unless `password` is long enough and not a common one."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(_l("Use at least 8 characters."), field="password")
    if len(password) > MAX_LENGTH:
        raise ValidationError(_l("Use at most 128 characters."), field="password")
    lowered = password.lower()
    if lowered in _common() or len(set(lowered)) <= 2:
        raise ValidationError(
            _l("This password is too common. Choose a longer phrase, for example three words."),
            field="password",
        )
    local_part = email.split("@")[0].lower()
    if (local_part and len(local_part) >= 4 and local_part in lowered) or (
        name and lowered.replace(" ", "") == name.lower().replace(" ", "")
    ):
        raise ValidationError(
            _l("Do not use your name or e-mail address in your password."), field="password"
        )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash to verify against when the account does not exist, so timing does not reveal it.
DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-real-password")
