"""The e-mail seam: every message the app sends goes through `send`.

In development and tests (config MAIL_LOG_ONLY, the default) a message is written to the log
and kept in `outbox` for tests to read; nothing leaves the machine. A real transport plugs in
here, behind the same function, without touching the callers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app, has_app_context

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


# Messages sent while MAIL_LOG_ONLY is on, oldest first; tests clear it.
outbox: list[Message] = []


def send(to: str, subject: str, body: str) -> Message:
    """Send one plain-text e-mail to `to`.

    Side effects: with MAIL_LOG_ONLY (development, tests) one log line and an entry in
    `outbox`. Raises RuntimeError when no transport is configured and MAIL_LOG_ONLY is off.
    """
    message = Message(to=to, subject=str(subject), body=str(body))
    log_only = current_app.config.get("MAIL_LOG_ONLY", True) if has_app_context() else True
    if not log_only:
        raise RuntimeError("no mail transport is configured; set MAIL_LOG_ONLY")
    # The address is personal data: log only its domain, never the body.
    log.info(
        "mail to=*@%s subject=%s (%d characters)",
        to.rpartition("@")[2],
        message.subject,
        len(message.body),
    )
    outbox.append(message)
    return message
