"""Encryption of personal identifiers at rest (the NIK), with a key from configuration.

Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`. `NIK_ENCRYPTION_KEY` may hold several
keys separated by commas: the first encrypts, all decrypt, so the key can be rotated.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, MultiFernet
from flask import current_app


def _fernet() -> MultiFernet:
    keys = [k.strip() for k in current_app.config["NIK_ENCRYPTION_KEY"].split(",") if k.strip()]
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()
