"""Rupiah as people type them: the one parser behind every money input.

:func:`parse_rupiah` reads what a person typed into a money field (profile, mandate, search,
event ticket price, outcomes, monthly revenue) and returns whole rupiah, or raises
:class:`MoneyError` with a message for the user. It never guesses silently: anything it cannot
read with the rules below is refused.

The rules, in order:

1. Blank input is "no amount" (``None``).
2. A currency mark is dropped: ``Rp``, ``Rp.``, ``IDR`` before the number, ``rupiah`` or
   ``IDR`` after it, and the trailing ``,-`` / ``.-`` of a price tag (``Rp 250.000.000,-``).
   A minus sign before the number (or before ``Rp``) makes it negative, which only fields that
   allow it (a loss) accept.
3. A word after the number multiplies it; case does not matter and the space is optional:
   ``rb``/``ribu``/``k``/``thousand`` (10³), ``jt``/``juta``/``million``/``mio``/``mn`` (10⁶),
   ``miliar``/``milyar``/``billion``/``bn`` (10⁹), ``T``/``triliun``/``trillion`` (10¹²).
   ``M`` means *miliar* in Indonesian (``1,5 M`` = Rp1.500.000.000, as the app itself writes
   it); in English ``M`` is refused with a message, because English readers take it for
   *million* and a thousandfold mistake must not pass unnoticed.
4. The number is read with Babel's ``parse_decimal`` (strict) in the user's locale first:
   Indonesian groups with ``.`` and marks decimals with ``,`` (``50.000.000``, ``1,5``);
   English the other way round (``50,000,000``, ``50.5``). Spaces that group thousands
   (``50 000 000``) are allowed. Only ASCII digits, ``.`` and ``,`` are accepted.
5. When the user's locale cannot read the number, or reads it as a fraction of a rupiah (after
   the multiplier), the other locale is tried. Rupiah have no sen in practice, so an English
   user's ``1.500`` (1.5 in English) is read as Rp1.500 (one thousand five hundred), and an
   Indonesian user's ``1,500`` as Rp1.500 too; ``50,000,000`` typed in the Indonesian UI and
   ``50.000.000`` typed in the English UI are both fifty million. With a multiplier the user's
   locale wins whenever it gives whole rupiah: ``1.500 jt`` is Rp1,5 miliar in Indonesian and
   Rp1,5 juta in English.
6. The result must be whole rupiah (``Rp 50.000.000,00`` is fine, ``Rp 1.000,50`` is refused)
   and at most :data:`MAX_AMOUNT`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from marketplace.formatting import current_locale, rupiah

# A sanity ceiling far above any UMKM figure, below BigInteger's range; services check stored
# amounts against the same figure (amount_problem).
MAX_AMOUNT = 10**15

LOCALES = ("id", "en")

# Multiplier words → power of ten. "m" is handled apart (locale-dependent).
_MULTIPLIERS = {
    "rb": 3,
    "ribu": 3,
    "k": 3,
    "thousand": 3,
    "jt": 6,
    "juta": 6,
    "million": 6,
    "millions": 6,
    "mio": 6,
    "mn": 6,
    "miliar": 9,
    "milyar": 9,
    "billion": 9,
    "billions": 9,
    "bn": 9,
    "t": 12,
    "triliun": 12,
    "trilyun": 12,
    "trillion": 12,
}
_M_BY_LOCALE = {"id": 9}

_PREFIX_RE = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_SUFFIX_RE = re.compile(r"\s*(?:rupiah|idr)$", re.IGNORECASE)
_TAG_RE = re.compile(r"\s*[.,]-$")
_WORD_RE = re.compile(r"^(?P<number>.*?)\s*(?P<word>[^\d\s.,]+)\.?$")
_SPACED_GROUPS_RE = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$")
_NUMBER_RE = re.compile(r"^[\d.,]+$")

# The English wording never suggests "M", which English readers take for million (the
# Indonesian translation keeps "1,5 M", which Indonesian reads as miliar).
MESSAGE_UNREADABLE = _l(
    "Enter an amount in rupiah, for example 50,000,000, 50 jt (juta) or 1.5 miliar."
)
MESSAGE_FRACTION = _l("Enter whole rupiah: amounts in sen are not used.")
MESSAGE_NEGATIVE = _l("The amount cannot be negative.")
MESSAGE_TOO_LARGE = _l(
    "That amount is too large: check the number of zeros (at most %(max)s).",
    max=LazyString(rupiah, MAX_AMOUNT),
)
MESSAGE_AMBIGUOUS_M = _l(
    "Write “million” or “billion” (juta or miliar) instead of M: "
    "M means miliar in Indonesian but million in English."
)


class MoneyError(ValueError):
    """What the user typed is not an amount; `message` says why, in the user's language."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def parse_rupiah(
    text: str | None, *, locale: str | None = None, allow_negative: bool = False
) -> int | None:
    """Whole rupiah from what a person typed (rules in the module docstring); None when blank.

    `locale` is the user's locale (``id`` or ``en``), by default the request's.
    Raises MoneyError with a message for the user when the text is not an amount.
    """
    raw = " ".join((text or "").split())
    if not raw:
        return None
    locale = locale if locale in LOCALES else current_locale()
    if locale not in LOCALES:
        locale = "id"

    rest = raw
    negative = False
    if rest[:1] in "-−":
        negative, rest = True, rest[1:].lstrip()
    rest = _PREFIX_RE.sub("", rest)
    if rest[:1] in "-−" and not negative:
        negative, rest = True, rest[1:].lstrip()
    rest = _SUFFIX_RE.sub("", rest)
    rest = _TAG_RE.sub("", rest)

    power = 0
    match = _WORD_RE.match(rest)
    if match:
        word = match["word"].lower()
        if word == "m":
            if locale not in _M_BY_LOCALE:
                raise MoneyError(MESSAGE_AMBIGUOUS_M)
            power = _M_BY_LOCALE[locale]
        elif word in _MULTIPLIERS:
            power = _MULTIPLIERS[word]
        else:
            raise MoneyError(MESSAGE_UNREADABLE)
        rest = match["number"]
    if _SPACED_GROUPS_RE.match(rest):
        rest = re.sub(r"[ \u00a0\u202f]", "", rest)
    if not _NUMBER_RE.match(rest) or not any(ch.isdigit() for ch in rest):
        raise MoneyError(MESSAGE_UNREADABLE)

    readings = [_read(rest, loc, power) for loc in (locale, *[x for x in LOCALES if x != locale])]
    values = [value for value in readings if value is not None]
    if not values:
        raise MoneyError(MESSAGE_UNREADABLE)
    whole = [value for value in values if value == value.to_integral_value()]
    if not whole:
        raise MoneyError(MESSAGE_FRACTION)
    amount = int(whole[0])
    amount = -amount if negative else amount
    problem = amount_problem(amount, allow_negative=allow_negative)
    if problem is not None:
        raise MoneyError(problem)
    return amount


def amount_problem(amount: int | None, *, allow_negative: bool = False):
    """Why a whole-rupiah amount cannot be stored (negative where not allowed, above
    MAX_AMOUNT), as a message for the user; None when it can (or is None). Services use it
    for amounts that did not come through the parser."""
    if amount is None:
        return None
    if amount < 0 and not allow_negative:
        return MESSAGE_NEGATIVE
    if abs(amount) > MAX_AMOUNT:
        return MESSAGE_TOO_LARGE
    return None


def _read(number: str, locale: str, power: int) -> Decimal | None:
    try:
        value = parse_decimal(number, locale=locale, strict=True)
    except NumberFormatError:
        return None
    return value.scaleb(power)


def input_value(amount: int | None, locale: str | None = None) -> str:
    """An amount as a money input shows it, in a form the parser reads back: `50.000.000`
    (Indonesian) or `50,000,000` (English); '' for None."""
    if amount is None:
        return ""
    from babel.numbers import format_decimal

    return format_decimal(int(amount), locale=locale or current_locale(), format="#,##0")
