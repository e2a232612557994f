import pytest

from marketplace.errors import ValidationError
from marketplace.profiles import validators


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3201010101900001", "3201010101900001"),
        ("3201 0101 0190 0001", "3201010101900001"),
        ("32.01.01-010190-0001", "3201010101900001"),
    ],
)
def test_nik_accepts_16_digits_with_separators(typed, expected):
    assert validators.normalise_nik(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["320101010190000", "32010101019000011", "320101010190000A", "", "9901010101900001"],
)
def test_nik_refuses_wrong_length_letters_and_unknown_province(typed):
    with pytest.raises(ValidationError):
        validators.normalise_nik(typed)


@pytest.mark.parametrize(
    ("typed", "ok"),
    [
        ("1234567890123", True),
        ("1234 5678 90123", True),
        ("123456789012", False),
        ("12345678901234", False),
        ("12345678901X3", False),
    ],
)
def test_nib_is_13_digits(typed, ok):
    if ok:
        assert validators.normalise_nib(typed) == typed.replace(" ", "")
    else:
        with pytest.raises(ValidationError):
            validators.normalise_nib(typed)


@pytest.mark.parametrize(
    ("typed", "ok"),
    [
        ("01.234.567.8-901.000", True),
        ("012345678901000", True),
        ("3201010101900001", True),
        ("01234567890100", False),
        ("01234567890100012", False),
    ],
)
def test_npwp_is_15_or_16_digits(typed, ok):
    if ok:
        assert len(validators.normalise_npwp(typed)) in (15, 16)
    else:
        with pytest.raises(ValidationError):
            validators.normalise_npwp(typed)


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
    assert validators.normalise_phone(typed) == expected


@pytest.mark.parametrize("typed", ["12345", "+1 202 555 0100", "0812", "phone", ""])
def test_phone_refuses_short_foreign_and_non_numbers(typed):
    with pytest.raises(ValidationError):
        validators.normalise_phone(typed)


def test_mask_nik_keeps_region_prefix_and_last_four():
    assert validators.mask_nik("3201010101900001") == "3201********0001"
