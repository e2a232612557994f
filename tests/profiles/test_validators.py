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
    ("nik", "ok"),
    [
        # Regency code (digits 3-4) against the Kemendagri list: 32.01 Kab. Bogor, 32.71 Kota Bogor.
        ("3201010101900001", True),
        ("3271010101900001", True),
        ("3299010101900001", False),
        ("3200010101900001", False),
        # Day 01-31 for men, 41-71 for women (day + 40); month 01-12.
        ("3201010001900001", False),
        ("3201013101900001", True),
        ("3201013201900001", False),
        ("3201014001900001", False),
        ("3201014101900001", True),
        ("3201017101900001", True),
        ("3201017201900001", False),
        ("3201011500900001", False),
        ("3201011512900001", True),
        ("3201011513900001", False),
    ],
)
def test_nik_checks_the_regency_code_and_the_date_part(nik, ok):
    if ok:
        assert validators.normalise_nik(nik) == nik
    else:
        with pytest.raises(ValidationError):
            validators.normalise_nik(nik)


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
        assert len(validators.normalise_npwp(typed)) == 16
    else:
        with pytest.raises(ValidationError):
            validators.normalise_npwp(typed)


@pytest.mark.parametrize(
    ("typed", "stored", "converted"),
    [
        # PMK 112/2022: 16 digits since 2024; an old 15-digit number gains a leading 0.
        ("01.234.567.8-901.000", "0012345678901000", True),
        ("012345678901000", "0012345678901000", True),
        ("0012345678901000", "0012345678901000", False),
        ("3201010101900001", "3201010101900001", False),
    ],
)
def test_a_15_digit_npwp_is_converted_to_16_and_the_caller_told(typed, stored, converted):
    assert validators.normalise_npwp(typed) == stored
    assert validators.npwp_converted(typed) is converted


def test_mask_nik_keeps_region_prefix_and_last_four():
    assert validators.mask_nik("3201010101900001") == "3201********0001"
