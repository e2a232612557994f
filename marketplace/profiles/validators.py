"""Formats of Indonesian identifiers (NIK, NIB, NPWP) and the checks both sides' profiles
share (codes from a list, rupiah amounts). Phone numbers are shared: `marketplace.phones`.

Each `normalise_*` function takes what a person typed (with spaces, dots or dashes) and returns
the canonical form, or raises `ValidationError` with a message that says what is expected.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from marketplace import money, regions
from marketplace.errors import ValidationError

_SEPARATORS = re.compile(r"[\s.\-/]")


def check_code(value: str | None, mapping: dict, field: str) -> None:
    """Raise ValidationError on `field` unless `value` is empty or one of `mapping`'s codes."""
    if value and value not in mapping:
        raise ValidationError(_l("Choose one of the options offered."), field=field)


def check_amount(value: int | None, field: str, *, allow_negative: bool = False) -> None:
    """Raise ValidationError on `field` when a rupiah amount is out of range."""
    problem = money.amount_problem(value, allow_negative=allow_negative)
    if problem is not None:
        raise ValidationError(problem, field=field)


def _digits(value: str) -> str:
    return _SEPARATORS.sub("", value or "")


def normalise_nik(value: str) -> str:
    """A NIK (Nomor Induk Kependudukan) is 16 digits: the Kemendagri province (2) and regency or
    city (2) code of registration, the district (2), the birth date as DDMMYY with 40 added to
    the day for women (so 01-31 or 41-71), and a 4-digit serial (Permendagri 72/2019 on the
    Kemendagri codes; UU 24/2013 on population administration)."""
    nik = _digits(value)
    if not re.fullmatch(r"\d{16}", nik):
        raise ValidationError(_l("A NIK has exactly 16 digits, as printed on the KTP."))
    if nik[:2] not in regions.provinces():
        raise ValidationError(
            _l("The first two digits of a NIK are a province code; check the number on the KTP.")
        )
    if f"{nik[:2]}.{nik[2:4]}" not in regions.regencies():
        raise ValidationError(
            _l(
                "Digits 3 and 4 of a NIK are a regency or city code of that province; check the "
                "number on the KTP."
            )
        )
    day, month = int(nik[6:8]), int(nik[8:10])
    if not (1 <= day <= 31 or 41 <= day <= 71) or not 1 <= month <= 12:
        raise ValidationError(
            _l(
                "Digits 7 to 12 of a NIK are the birth date as DDMMYY (40 is added to the day for "
                "women); check the number on the KTP."
            )
        )
    return nik


def normalise_nib(value: str) -> str:
    """A NIB (Nomor Induk Berusaha, from OSS) is 13 digits."""
    nib = _digits(value)
    if not re.fullmatch(r"\d{13}", nib):
        raise ValidationError(_l("A NIB has exactly 13 digits, as shown on the OSS certificate."))
    return nib


def normalise_npwp(value: str) -> str:
    """An NPWP has 16 digits since 1 January 2024 (PMK 112/2022 art. 2): an individual's is the
    NIK, a business's the old 15-digit number with a leading 0. A 15-digit number is converted
    that way (`npwp_converted` tells the caller to say so)."""
    npwp = _digits(value)
    if not re.fullmatch(r"\d{15}|\d{16}", npwp):
        raise ValidationError(_l("An NPWP has 16 digits (old numbers have 15)."))
    return "0" + npwp if len(npwp) == 15 else npwp


def npwp_converted(value: str) -> bool:
    """True when `value` is an old 15-digit NPWP that `normalise_npwp` converts to 16 digits."""
    return bool(re.fullmatch(r"\d{15}", _digits(value)))


def mask_nik(nik: str) -> str:
    """`3201********0001`: the province/regency prefix and the last four digits."""
    return f"{nik[:4]}********{nik[-4:]}"
