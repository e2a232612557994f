"""Records several people edit (a profile by its owner and their pendamping, a mandate or an
event by colleagues) never silently overwrite each other.

Each such row has a `version` column that SQLAlchemy raises on every UPDATE (`version_id_col`,
which also refuses a write racing another one between load and flush). A form sends back the
version it was opened at and a fingerprint of the values it showed (:func:`fingerprint`); on
save the service calls :func:`check_unchanged`, which refuses the save with :class:`EditConflict`
naming the fields someone else changed since the form was opened. A newer version that changed
none of the form's fields (the profile was published meanwhile, say) does not block the save.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.errors import Conflict


class EditConflict(Conflict):
    """Someone else saved the record after this form was opened; `changed` names the fields
    (as the form names them) whose values differ now."""

    def __init__(self, changed: list[str]) -> None:
        super().__init__(
            _l(
                "Someone else saved this after you opened the form, so your changes are not "
                "saved yet. What you typed is kept below; the fields they changed are marked: "
                "check them and save again."
            )
        )
        self.changed = list(changed)


def _digest(value: Any) -> str:
    if isinstance(value, list | tuple | set):
        value = sorted(map(str, value))
    return hashlib.blake2b(repr(value).encode(), digest_size=4).hexdigest()


def fingerprint(values: Mapping[str, Any]) -> str:
    """A short digest of each value, in the mapping's order, to keep in a hidden form field."""
    return ".".join(_digest(v) for v in values.values())


def changed_since(values: Mapping[str, Any], opened: str | None) -> list[str]:
    """The names in `values` whose value differs from the fingerprint `opened` (all of them
    when the fingerprint is missing or does not fit)."""
    digests = (opened or "").split(".")
    if len(digests) != len(values):
        return list(values)
    return [
        name
        for (name, value), d in zip(values.items(), digests, strict=True)
        if _digest(value) != d
    ]


def check_unchanged(
    row: Any, *, version: int | None, opened: str | None, values: Mapping[str, Any]
) -> None:
    """Raise EditConflict when `row` has moved past `version` and one of `values` (the row's
    current values of the form's fields) differs from what the form showed. `version` None
    means the caller is not a form opened earlier (a CLI command, the demo): nothing to check."""
    if version is None or row.version == version:
        return
    changed = changed_since(values, opened)
    if changed:
        raise EditConflict(changed)
