"""Indonesia's 38 provinces and 514 kabupaten/kota with their Kemendagri codes.

The data lives in `marketplace/data/regions/` with its NOTICE (MIT, cahyadsn/wilayah); it is
read once per process. Codes are the stable keys: `32` Jawa Barat, `32.01` Kabupaten Bogor.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data" / "regions"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    province_code: str
    kind: str  # 'provinsi', 'kabupaten' or 'kota'


@functools.cache
def provinces() -> dict[str, Region]:
    with open(DATA / "provinces.csv", encoding="utf-8") as f:
        return {
            row["code"]: Region(row["code"], row["name"], row["code"], "provinsi")
            for row in csv.DictReader(f)
        }


@functools.cache
def regencies() -> dict[str, Region]:
    with open(DATA / "regencies.csv", encoding="utf-8") as f:
        return {
            row["code"]: Region(row["code"], row["name"], row["province_code"], row["type"])
            for row in csv.DictReader(f)
        }


def regencies_of(province_code: str) -> list[Region]:
    return [r for r in regencies().values() if r.province_code == province_code]


def province_name(code: str | None) -> str:
    region = provinces().get(code or "")
    return region.name if region else ""


def regency_name(code: str | None) -> str:
    region = regencies().get(code or "")
    return region.name if region else ""
