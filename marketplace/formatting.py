"""Money and dates in the user's language: `Rp50.000.000`, `17 Agustus 2026`.

Outside a request (CLI, tests of pure code) the locale falls back to Indonesian, the product's
first language.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Iterable, Sequence

from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.numbers import format_decimal, get_group_symbol

DEFAULT_LOCALE = "id"


def current_locale() -> str:
    """The request's locale code (`id` or `en`), or Indonesian outside a request."""
    try:
        from flask import has_request_context
        from flask_babel import get_locale

        if has_request_context():
            locale = get_locale()
            if locale is not None:
                return str(locale.language)
    except RuntimeError:
        pass
    return DEFAULT_LOCALE


def rupiah(amount: int | None, locale: str | None = None) -> str:
    """`Rp50.000.000` (Indonesian grouping) or `Rp50,000,000` (English); '' for None."""
    if amount is None:
        return ""
    locale = locale or current_locale()
    sign = "-" if amount < 0 else ""
    # Babel's `#,##0` for a whole number: groups of three joined by the locale's separator.
    grouped = f"{abs(int(amount)):,}".replace(",", _group_symbol(locale))
    return f"{sign}Rp{grouped}"


@functools.cache
def _group_symbol(locale: str) -> str:
    """The locale's thousands separator (`.` in Indonesian, `,` in English)."""
    return get_group_symbol(locale)


_SHORT_UNITS = {
    "id": ((1_000_000_000_000, "T"), (1_000_000_000, "M"), (1_000_000, "jt"), (1_000, "rb")),
    "en": (
        (1_000_000_000_000, "trillion"),
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1_000, "thousand"),
    ),
}


def rupiah_short(amount: int | None, locale: str | None = None) -> str:
    """A compact amount for reasons and lists: `Rp50 jt`, `Rp1,5 M` / `Rp50 million`."""
    if amount is None:
        return ""
    locale = locale or current_locale()
    units = _SHORT_UNITS.get(locale, _SHORT_UNITS["id"])
    sign = "-" if amount < 0 else ""
    value = abs(int(amount))
    for size, unit in units:
        if value >= size:
            return f"{sign}Rp{_short_number(value / size, locale)} {unit}"
    return rupiah(amount, locale)


@functools.lru_cache(maxsize=4096)
def _short_number(value: float, locale: str) -> str:
    """`50` or `1,5`: Babel's decimal format, remembered (a list of matches formats the same
    ticket bounds on every card, and Babel parses its pattern on every call)."""
    return format_decimal(value, locale=locale, format="#,##0.#")


def date(value: dt.date | None, locale: str | None = None) -> str:
    """`17 Agustus 2026` / `17 August 2026`; '' for None."""
    if value is None:
        return ""
    return _babel_format_date(value, format="d MMMM y", locale=locale or current_locale())


def month(value: dt.date | None, locale: str | None = None) -> str:
    """`Oktober 2026` / `October 2026`; '' for None."""
    if value is None:
        return ""
    return _babel_format_date(value, format="LLLL y", locale=locale or current_locale())


def datetime(value: dt.datetime | None, tz: str = "Asia/Jakarta", locale: str | None = None) -> str:
    """`17 Agustus 2026 09.30 WIB`-style date and time in the zone `tz` (default WIB)."""
    if value is None:
        return ""
    from zoneinfo import ZoneInfo

    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone(ZoneInfo(tz))
    text = _babel_format_datetime(local, format="d MMMM y HH.mm", locale=locale or current_locale())
    return f"{text} {ZONE_ABBREVIATIONS.get(tz, tz)}"


def number(value: float | None, digits: int = 1, locale: str | None = None) -> str:
    """A decimal in the user's language: `8,5` in Indonesian, `8.5` in English; '' for None."""
    if value is None:
        return ""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=locale or current_locale())


def local_date(value: dt.datetime, tz: str = "Asia/Jakarta") -> dt.date:
    """The calendar date of a UTC moment in the zone `tz` (WIB by default)."""
    from zoneinfo import ZoneInfo

    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(ZoneInfo(tz)).date()


def csv_datetime(value: dt.datetime | None, tz: str = "Asia/Jakarta") -> str:
    """A moment for a spreadsheet: `2026-08-21 16.30 WIB` style but sortable
    (`2026-08-21 16:30 WIB`), in the zone `tz` with the zone named; '' for None."""
    if value is None:
        return ""
    from zoneinfo import ZoneInfo

    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone(ZoneInfo(tz))
    return f"{local:%Y-%m-%d %H:%M} {ZONE_ABBREVIATIONS.get(tz, tz)}"


ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def csv_text(header: Sequence[str], rows: Iterable[Iterable[object]]) -> str:
    """A CSV export as text: the header, then each row with every cell made safe for a
    spreadsheet (`spreadsheet_cell`; None is an empty cell)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([spreadsheet_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def spreadsheet_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run: text starting with = + - @ (or a tab or carriage
    return) gets a leading apostrophe (CSV injection). Numbers are written as they are."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
