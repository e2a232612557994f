"""The SMTP transport: the only module that imports smtplib.

`deliver(message, config)` hands one composed message to the configured server and returns, or
raises `TransportError` with a message safe to store and log (never the password). Tests start
a real SMTP server on 127.0.0.1 (aiosmtpd) instead of replacing this module.
"""

from __future__ import annotations

import ipaddress
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any


class TransportError(Exception):
    """The server could not be reached or did not accept the message; worth retrying.
    `unreachable` is true when no SMTP conversation took place (refused, timed out)."""

    def __init__(self, message: str, *, unreachable: bool = False):
        super().__init__(message)
        self.unreachable = unreachable


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def deliver(message: EmailMessage, config: Mapping[str, Any]) -> None:
    """Send `message` through the server named by the MAIL_* settings in `config`.

    MAIL_USE_SSL opens an implicit-TLS connection (port 465); MAIL_USE_TLS upgrades a plain one
    with STARTTLS (port 587). Credentials are only sent over TLS, or to a server on this
    machine. Raises TransportError for every failure.
    """
    host = config["MAIL_SERVER"]
    port = int(config["MAIL_PORT"])
    timeout = float(config["MAIL_TIMEOUT"])
    username = config.get("MAIL_USERNAME")
    password = config.get("MAIL_PASSWORD")
    use_ssl, use_tls = bool(config["MAIL_USE_SSL"]), bool(config["MAIL_USE_TLS"])
    if username and not (use_ssl or use_tls or _is_loopback(host)):
        raise TransportError(
            "MAIL_USERNAME is set but neither MAIL_USE_TLS nor MAIL_USE_SSL: refusing to send"
            " the password in clear text"
        )
    context = ssl.create_default_context()
    try:
        if use_ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            smtp.ehlo()
            if use_tls and not use_ssl:
                smtp.starttls(context=context)
                smtp.ehlo()
            if username:
                smtp.login(username, password or "")
            refused = smtp.send_message(message)
            if refused:
                raise TransportError(f"recipient refused: {_describe(refused)}")
    except TransportError:
        raise
    except smtplib.SMTPResponseException as error:
        raise TransportError(f"{error.smtp_code} {_text(error.smtp_error)}") from error
    except smtplib.SMTPRecipientsRefused as error:
        raise TransportError(f"recipient refused: {_describe(error.recipients)}") from error
    except (smtplib.SMTPException, OSError) as error:  # refused, closed, timed out
        raise TransportError(
            f"{type(error).__name__}: {error}",
            unreachable=not isinstance(error, smtplib.SMTPException),
        ) from error


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(refused: dict) -> str:
    # Only the server's answers, not the addresses: they are personal data.
    return "; ".join(f"{code} {_text(reply)}" for code, reply in refused.values())
