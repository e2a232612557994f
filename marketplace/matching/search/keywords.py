"""The words a profile's codes stand for, indexed with its text (marketplace/matching/words.toml).

A profile says "food" as a sector code and "34.71" as a place; investors type "kuliner",
"makanan", "Jogja" or "Yogyakarta". Each index document therefore carries a keywords text: the
words of its sector and instruments in Indonesian and English, and its province's and
kabupaten/kota's names (official, without "Kabupaten", "Kota" …, plus the common short names).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from marketplace import regions
from marketplace.matching import analysis


@functools.lru_cache(maxsize=1)
def _region_words() -> frozenset[str]:
    return frozenset(w.casefold() for w in analysis.words_data()["region_words"]["drop"].split())


def region_name(code: str | None) -> str:
    """The name of a province or kabupaten/kota people would type: ``Kota Administrasi
    Jakarta Timur`` → ``Jakarta Timur``, ``Daerah Istimewa Yogyakarta`` → ``Yogyakarta``."""
    region = regions.regencies().get(code or "") or regions.provinces().get(code or "")
    if region is None:
        return ""
    words = region.name.split()
    while words and words[0].casefold() in _region_words():
        words.pop(0)
    return " ".join(words)


def keywords_for(
    *,
    sector: str | None,
    instruments: Iterable[str],
    province_code: str | None,
    regency_code: str | None,
) -> str:
    """The keywords text of a profile with these codes (unknown codes add nothing)."""
    data = analysis.words_data()
    parts = [data["sectors"].get(sector or "", "")]
    parts += [data["instruments"].get(code, "") for code in instruments]
    for code in (province_code, regency_code):
        if code:
            parts += [region_name(code), data["places"].get(code, "")]
    return " ".join(p for p in parts if p)
