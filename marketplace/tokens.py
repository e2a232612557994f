"""Secret tokens that travel in links and cookies (login sessions, e-mailed links, hand-over
invitations): random, and kept in the database only as their SHA-256, so that a copy of the
database opens no account."""

from __future__ import annotations

import hashlib
import secrets


def new_token(nbytes: int = 32) -> str:
    """A URL-safe random token carrying `nbytes` random bytes."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """What the database stores for `token`."""
    return hashlib.sha256(token.encode()).hexdigest()
