"""Keep secrets and identity numbers out of the logs, whatever a caller passes in."""

from __future__ import annotations

import logging
import re

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
