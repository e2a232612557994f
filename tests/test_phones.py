"""Indonesian phone numbers as people type them, stored as E.164 (marketplace/phones.py)."""

from __future__ import annotations

import pytest

from marketplace import phones
from marketplace.errors import ValidationError

pytestmark = pytest.mark.database_free


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("081234567890", "+6281234567890"),
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("(021) 5551234", "+62215551234"),
    ],
)
def test_phone_is_normalised_to_plus_62(typed, expected):
    assert phones.normalise_phone(typed) == expected


@pytest.mark.parametrize("typed", ["12345", "+1 202 555 0100", "0812", "phone", ""])
def test_phone_refuses_short_foreign_and_non_numbers(typed):
    with pytest.raises(ValidationError):
        phones.normalise_phone(typed)


def test_a_refused_number_names_the_field_it_was_typed_in():
    with pytest.raises(ValidationError) as refused:
        phones.normalise_phone("abc!!", field="phone")

    assert refused.value.field == "phone"
