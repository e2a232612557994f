"""Indonesian phone numbers, as people type them and as they are stored (E.164), for every
package that keeps one: an account's phone, an enterprise owner's."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from marketplace.errors import ValidationError


def normalise_phone(value: str, *, field: str | None = None) -> str:
    """Indonesian phone numbers in E.164: 0812…, 62812…, +62 812… all become +62812….
    Anything else raises ValidationError (on `field`) saying how to write one."""
    raw = re.sub(r"[\s.\-()]", "", value or "")
    if raw.startswith("+"):
        raw = raw[1:]
        if not raw.startswith("62"):
            raise ValidationError(_l("Only Indonesian numbers (+62) are supported."), field=field)
    if raw.startswith("62"):
        national = raw[2:]
    elif raw.startswith("0"):
        national = raw[1:]
    else:
        national = raw
    national = national.lstrip("0")
    # Mobile numbers start with 8 and have 9-12 digits after the 0; landlines start with 2-9
    # and an area code.
    if not re.fullmatch(r"[2-9]\d{7,11}", national):
        raise ValidationError(
            _l("Write the phone number as 0812… or +62 812…, with 10 to 13 digits."), field=field
        )
    return "+62" + national
