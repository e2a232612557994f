"""The demo world's facts, read from the TOML files in `data/` into frozen dataclasses.

The files hold what the world is made of (places, names, business kinds, programmes, investors,
the showcase's events and pipeline) with named fields; the builder modules hold how it is put
together. Loaded once, at import.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marketplace import vocab

DATA = Path(__file__).parent / "data"


def _load(name: str) -> dict[str, Any]:
    with (DATA / name).open("rb") as handle:
        return tomllib.load(handle)


# --- places -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    regency: str
    districts: tuple[str, ...]
    people: str  # which name list fits: "java", "sasak" or "bugis"
    kinds: tuple[tuple[str, int], ...]  # business kinds and their weights here
    sharia_share: float  # share of owners who ask for sharia financing only

    @property
    def province(self) -> str:
        return self.regency.split(".")[0]


def _places() -> dict[str, Place]:
    return {
        row["regency"]: Place(
            regency=row["regency"],
            districts=tuple(row["districts"]),
            people=row["people"],
            kinds=tuple((kind["code"], kind["weight"]) for kind in row["kinds"]),
            sharia_share=row["sharia_share"],
        )
        for row in _load("places.toml")["place"]
    }


# --- people -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Names:
    women: dict[str, tuple[str, ...]]
    men: dict[str, tuple[str, ...]]
    surnames: dict[str, tuple[str, ...]]
    words: tuple[str, ...]
    flowers: tuple[str, ...]
    mobile_prefixes: tuple[str, ...]
    outside_mentoring: tuple[str, ...]
    banks: dict[str, tuple[str, ...]]  # per province code


def _names() -> Names:
    raw = _load("names.toml")

    def lists(table: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
        return {key: tuple(value) for key, value in table.items()}

    business = raw["business"]
    return Names(
        women=lists(raw["women"]),
        men=lists(raw["men"]),
        surnames=lists(raw["surnames"]),
        words=tuple(business["words"]),
        flowers=tuple(business["flowers"]),
        mobile_prefixes=tuple(business["mobile_prefixes"]),
        outside_mentoring=tuple(business["outside_mentoring"]),
        banks=lists(raw["banks"]),
    )


# --- business kinds ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Kind:
    code: str
    sector: str
    short: str  # the word a KUBE or koperasi name uses: "Lele", "Tenun"
    names: tuple[str, ...]  # patterns: {word} {woman} {man} {district}
    products: tuple[str, ...]
    revenue: tuple[int, int]  # typical monthly revenue of a perorangan business, rupiah
    margin: tuple[float, float]
    capital: tuple[int, int]
    uses: tuple[str, ...]
    green: float = 0.0
    seasonal: bool = False  # sells more before Lebaran (March 2026)


def _kinds() -> dict[str, Kind]:
    kinds = {}
    for row in _load("kinds.toml")["kind"]:
        kind = Kind(
            code=row["code"],
            sector=row["sector"],
            short=row["short"],
            names=tuple(row["names"]),
            products=tuple(row["products"]),
            revenue=(row["revenue"][0], row["revenue"][1]),
            margin=(float(row["margin"][0]), float(row["margin"][1])),
            capital=(row["capital"][0], row["capital"][1]),
            uses=tuple(row["uses"]),
            green=float(row.get("green", 0.0)),
            seasonal=row.get("seasonal", False),
        )
        if kind.sector not in vocab.SECTORS:
            raise ValueError(f"demo kind {kind.code}: unknown sector {kind.sector}")
        kinds[kind.code] = kind
    return kinds


# --- the demo owners who log in --------------------------------------------------------------
@dataclass(frozen=True)
class OwnerSpec:
    """A demo owner who can log in: the first enterprise of `cohort`, its plan's facts fixed."""

    cohort: str
    login: int  # index into DEMO_LOGINS
    business: str
    draft: bool  # the profile is started, not finished
    plan: tuple[tuple[str, Any], ...]  # Plan fields and their values, in rupiah


def _owners() -> tuple[OwnerSpec, ...]:
    owners = []
    for row in _load("owners.toml")["owner"]:
        facts = dict(row)
        head = {key: facts.pop(key) for key in ("cohort", "login", "business")}
        draft = facts.pop("draft", False)
        plan = []
        for key, value in facts.items():
            if key.endswith("_jt"):
                plan.append((key.removesuffix("_jt"), value * 1_000_000))
            elif key == "kind":
                plan.append((key, KINDS[value]))
            else:
                plan.append((key, tuple(value) if isinstance(value, list) else value))
        owners.append(OwnerSpec(**head, draft=draft, plan=tuple(plan)))
    return tuple(owners)


# --- programmes and cohorts -------------------------------------------------------------------
@dataclass(frozen=True)
class CohortSpec:
    name: str
    regency: str
    starts_on: dt.date
    ends_on: dt.date
    size: int
    facilitator: int  # index into the organisation's facilitators


@dataclass(frozen=True)
class ProgrammeSpec:
    name: str
    donor: str | None
    description: str
    modules: tuple[str, ...]
    cohorts: tuple[CohortSpec, ...]
    pkh_share: float = 0.0  # share of enrolled owners who are PKH graduates
    low_income_share: float = 0.2
    collective_share: float = 0.1  # KUBE or koperasi


@dataclass(frozen=True)
class ProgrammeOrgSpec:
    name: str
    slug: str
    province: str | None
    description: str
    facilitators: tuple[tuple[str, str], ...]  # (name, e-mail local part)
    programmes: tuple[ProgrammeSpec, ...]


def _programme_orgs() -> tuple[ProgrammeOrgSpec, ...]:
    def cohort(row: dict[str, Any]) -> CohortSpec:
        return CohortSpec(
            name=row["name"],
            regency=row["regency"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            size=row["size"],
            facilitator=row["facilitator"],
        )

    def programme(row: dict[str, Any]) -> ProgrammeSpec:
        return ProgrammeSpec(
            name=row["name"],
            donor=row.get("donor"),
            description=row["description"],
            modules=tuple(row["modules"]),
            cohorts=tuple(cohort(c) for c in row["cohort"]),
            pkh_share=float(row.get("pkh_share", 0.0)),
            low_income_share=float(row.get("low_income_share", 0.2)),
            collective_share=float(row.get("collective_share", 0.1)),
        )

    return tuple(
        ProgrammeOrgSpec(
            name=row["name"],
            slug=row["slug"],
            province=row.get("province"),
            description=row["description"],
            facilitators=tuple((f["name"], f["email"]) for f in row["facilitators"]),
            programmes=tuple(programme(p) for p in row["programme"]),
        )
        for row in _load("programmes.toml")["organisation"]
    )


# --- investors --------------------------------------------------------------------------------
@dataclass(frozen=True)
class InvestorSpec:
    name: str
    slug: str
    kind: str
    provinces: tuple[str, ...]
    sectors: tuple[str, ...]
    ticket: tuple[int, int]
    instruments: tuple[str, ...]
    min_stage: str
    thesis: str
    themes: tuple[str, ...] = ()
    verified: bool = True

    @property
    def sharia_only(self) -> bool:
        return self.kind == "sharia_financier"


def _investors() -> tuple[tuple[InvestorSpec, ...], dict[str, str]]:
    raw = _load("investors.toml")
    specs = tuple(
        InvestorSpec(
            name=row["name"],
            slug=row["slug"],
            kind=row["kind"],
            provinces=tuple(row["provinces"]),
            sectors=tuple(vocab.SECTORS) if row["sectors"] == "all" else tuple(row["sectors"]),
            ticket=(row["ticket"][0], row["ticket"][1]),
            instruments=tuple(row["instruments"]),
            min_stage=row["min_stage"],
            thesis=row["thesis"],
            themes=tuple(row.get("themes", ())),
            verified=row.get("verified", True),
        )
        for row in raw["investor"]
    )
    return specs, dict(raw["demo_investors"])


# --- the showcase -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ShowcaseEvent:
    key: str  # "past", "upcoming" or "draft"
    title: str
    description: str
    day: dt.date | None  # a fixed day, or None: `days_ahead` of the seed's today
    days_ahead: int | None
    registration_closes_days_before: int | None
    confirmed: int
    line_up: int


@dataclass(frozen=True)
class Showcase:
    investor_province: str
    pitches: int
    venue: str
    events: dict[str, ShowcaseEvent]
    judge_comments: tuple[str, ...]
    data_room_ask: str
    ladder: tuple[str, ...]
    stages: tuple[str, ...]
    notes: dict[str, str]


def _showcase() -> Showcase:
    raw = _load("showcase.toml")
    return Showcase(
        investor_province=raw["investor_province"],
        pitches=raw["pitches"],
        venue=raw["venue"],
        events={
            row["key"]: ShowcaseEvent(
                key=row["key"],
                title=row["title"],
                description=row["description"],
                day=row.get("day"),
                days_ahead=row.get("days_ahead"),
                registration_closes_days_before=row.get("registration_closes_days_before"),
                confirmed=row["confirmed"],
                line_up=row["line_up"],
            )
            for row in raw["event"]
        },
        judge_comments=tuple(raw["judging"]["comments"]),
        data_room_ask=raw["data_room"]["ask"],
        ladder=tuple(raw["pipeline"]["ladder"]),
        stages=tuple(raw["pipeline"]["stages"]),
        notes=dict(raw["pipeline"]["notes"]),
    )


PLACES = _places()
NAMES = _names()
KINDS = _kinds()
OWNERS = _owners()
PROGRAMME_ORGS = _programme_orgs()
INVESTORS, DEMO_INVESTOR_NAMES = _investors()
SHOWCASE = _showcase()
