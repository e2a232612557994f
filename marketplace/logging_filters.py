"""Keep secrets and identity numbers out of the logs, whatever a caller passes in; quiet chatty
loggers for the length of a command."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

_PATTERNS = [
    # 16-digit runs are NIKs (or card numbers): keep the first four and the last four.
    (re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)"), r"\1********\2"),
    (
        re.compile(
            r"(?i)(password|passwd|pwd|secret|token|csrf_token|session|cookie)"
            r"(['\"]?\s*[:=]\s*['\"]?)[^\s&'\",;]+"
        ),
        r"\1\2[redacted]",
    ),
    (re.compile(r"\b(sk|rk|whsec)_(live|test)?_?[A-Za-z0-9]{8,}"), r"\1_[redacted]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call must not break the request
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


# URL variables that carry a secret: the e-mailed one-time links (/confirm/<token>,
# /password/reset/<token>, /invitation/<token>). Name such a variable `token` in a new route.
SECRET_URL_ARGS = frozenset({"token"})
_RULE_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>:]+)>")
# A path no route matched: any segment long and random enough to be a token is masked.
_TOKEN_LIKE = re.compile(r"(?<=/)[A-Za-z0-9_\-]{20,}(?=/|$)")


def loggable_path() -> str:
    """The current request's path for logs and the audit trail: the route's own path with its
    variables filled in (ids stay, they are what an audit needs), secret ones (SECRET_URL_ARGS)
    as `[token]`; for a path no route matched, token-like segments masked. Needs a request."""
    from flask import request

    rule = request.url_rule
    args = request.view_args or {}
    if rule is None or not args.keys() & SECRET_URL_ARGS:
        return _TOKEN_LIKE.sub("[token]", request.path)

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return "[token]" if name in SECRET_URL_ARGS else str(args.get(name, match.group(0)))

    return request.script_root + _RULE_ARG.sub(fill, rule.rule)


@contextmanager
def quieted(*names: str, level: int = logging.WARNING) -> Iterator[None]:
    """Raise the named loggers to `level` inside the block and give them their own level back after,
    so a command run in a long-lived process (a worker, a test session) leaves the logs as it found
    them."""
    loggers = [logging.getLogger(name) for name in names]
    before = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(level)
    try:
        yield
    finally:
        for logger, old in zip(loggers, before, strict=True):
            logger.setLevel(old)
