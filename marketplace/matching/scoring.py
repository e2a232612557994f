"""Match scores between an enterprise and an investor mandate, each with its reasons.

Pure code: no database, no Flask, no I/O. A score is an integer 0..100, or None when a hard rule
excludes the pair; every result carries `Reason(code, params, positive)` objects that
`marketplace.matching.scoring_text` renders in the user's language. Codes in data, words only
when rendering. All weights and tolerances sit in the constants block below.

Open criteria. An empty mandate list (sectors, provinces, instruments, impact themes, thesis) means
"any": it never excludes and earns its factor's full points. `ticket_min`/`ticket_max` None are
open ends; `min_stage` None means no minimum.

Instrument compatibility (decided here, used by both hard rules and the routes).
- KUR is a loan: a mandate offering `kur` also serves an enterprise asking for a `loan`, and a
  mandate of a KUR-channelling kind (`bank`) that offers `loan` also serves a `kur` ask.
- KUR syariah exists (KUR lenders work "berdasarkan prinsip konvensional maupun syariah",
  Permenko Perekonomian on KUR, art. 1; BSI and regional banks' sharia units channel it as
  murabahah or ijarah): `kur` is sharia-compatible, and a sharia bank or sharia financier
  (KUR_SYARIAH_CHANNEL_KINDS) offering murabahah serves a `kur` ask. A sharia-only mandate's KUR
  routes are KUR syariah.
- Sharia-compatible instruments are the four sharia contracts plus `grant` (no interest at all),
  `equity` (a musyarakah-like partnership), `revenue_share` (a mudharabah-like profit share) and
  `kur` (as KUR syariah). Only `loan` (vocab.CONVENTIONAL_INSTRUMENTS) is not. A sharia-only
  mandate offers only the compatible part of its instruments, whatever it listed.
- A mandate offering musyarakah also serves an `equity` ask, and mudharabah a `revenue_share`
  ask (SHARIA_SERVES); not the other way round.

Hard rules (excluded=True, score None; the excluding reasons come first):
1. sharia: a sharia-only mandate and an enterprise whose wanted instruments are all conventional
   (`sharia_conventional_only`). An enterprise that also accepts any compatible instrument passes.
2. instrument: the enterprise states instruments and none is among those the mandate effectively
   offers (`instrument_mismatch`). An enterprise that states none is not excluded.
3. ticket: the ask is below TICKET_LOW_TOLERANCE x ticket_min or above TICKET_HIGH_TOLERANCE x
   ticket_max (`ticket_far_below_range` / `ticket_far_above_range`). No ask stated: not excluded.
4. readiness: the enterprise's stage is below the mandate's min_stage (`stage_below_minimum`).
Sector and province are soft on purpose: banks channelling KUR are sector-agnostic and investors'
lists are often aspirations; the sector's large weight keeps off-sector enterprises low.

Soft factors (WEIGHTS, summing to 100), each share in 0..1 times its weight:
- sector 25: in the list (or open) 1, else 0.  region 10: province in the list (or open) 1, else 0.
- ticket 15: in range 1; inside the tolerance band falling linearly from 1 at the range edge to
  TICKET_EDGE_SHARE at the tolerance edge; no ask UNSTATED_SHARE.
- instrument 10: any overlap 1; no instruments stated UNSTATED_SHARE.
- readiness 10: STAGE_SHARE of the enterprise's stage (bankable 1, layak 0.5, belum layak 0).
- documents 10: DOCUMENT_POINTS - NIB 5 (an SKU without NIB: SKU_POINTS), NPWP 3, and 2 for a
  food-safety permit (FOOD_SAFETY_PERMITS: SPP-IRT, BPOM MD or SLHS, as readiness) in food
  sectors; other sectors need none and get the 2. Halal certification is a separate obligation
  (PP 42/2024 art. 160) and earns no permit points: a food business without it on or after the
  day it became mandatory for its size (`readiness_facts.halal_overdue`, judged on the card's
  `as_of` day) gets the negative reason `halal_overdue`, with no points taken (the weights stay).
  A card's documents are those readiness counts as held (`cards.held_documents`).
- impact 12: shared themes / the mandate's themes (open: 1). Only consented themes reach a card.
- text 8: shared terms between thesis and enterprise text / min(len(thesis), TEXT_SATURATION_TERMS),
  capped at 1 (open thesis: 1). The terms arrive already analyzed (stemmed) by the search module.
The score is the rounded sum (round half to even), added in the order of WEIGHTS.

Pushing hard rules into SQL or the index (cheap column predicates, for the service):
- stage: `stage_order >= STAGE_ORDER[min_stage]`;
- ticket: `ask IS NULL OR (ask >= :min * 0.5 AND ask <= :max * 1.5)`;
- sharia and instrument: with the wanted instruments as a bitmask column (INSTRUMENT_BITS),
  `wanted = 0 OR (wanted & :offered_mask) != 0`, where :offered_mask comes from
  `offered_instruments(mandate)` (it already drops conventional instruments for sharia-only
  mandates, so rule 1 is implied by rule 2 for the verdict).
Sector, province, documents, impact and text are soft and must not be pushed down as filters.

Two paths give the same results (a test checks it): `score`/`rank_enterprises` here, over card
objects, and `marketplace.matching.bulk_scoring` (`build_columns` once + `rank_columns` per
mandate over numpy columns), which prefilters with the hard rules, scores all candidates in bulk
and builds reasons only for the top `limit`; that is the path that meets the 100 ms bar over 100k
enterprises (see bench/match.py).
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from marketplace import vocab
from marketplace.profiles.readiness_facts import (
    FOOD_SAFETY_PERMITS,
    halal_mandatory_from,
    halal_overdue,
)

# --- weights and tolerances: the one place to tune matching ----------------------------------
WEIGHTS: Mapping[str, int] = MappingProxyType(
    {
        "sector": 25,
        "region": 10,
        "ticket": 15,
        "instrument": 10,
        "readiness": 10,
        "documents": 10,
        "impact": 12,
        "text": 8,
    }
)
TICKET_LOW_TOLERANCE = 0.5  # an ask below 0.5 x ticket_min is excluded
TICKET_HIGH_TOLERANCE = 1.5  # an ask above 1.5 x ticket_max is excluded
TICKET_EDGE_SHARE = 0.25  # ticket share at the tolerance edge, rising linearly to 1 in range
UNSTATED_SHARE = 0.5  # share for an ask or instruments left blank: unknown, not a mismatch
# Investors who assess for social investment rather than a bank's 5C (SEDAYA).
SOCIAL_INVESTOR_KINDS = frozenset({"impact_fund", "csr_fund", "angel"})
STAGE_SHARE: Mapping[str, float] = MappingProxyType(
    {"embrio": 0.0, "belum_layak": 0.0, "layak": 0.5, "bankable": 1.0}
)
DOCUMENT_POINTS: Mapping[str, int] = MappingProxyType({"nib": 5, "npwp": 3, "food_permit": 2})
# The documents that earn the food permit points: food-safety permits only, not halal.
FOOD_SAFETY_PERMITS_SET = frozenset(FOOD_SAFETY_PERMITS)
SKU_POINTS = 2  # the village business letter predates NIB: worth part of NIB's points
TEXT_SATURATION_TERMS = 3  # this many shared thesis terms earn the full text points
SHARIA_COMPATIBLE = vocab.SHARIA_INSTRUMENTS | frozenset(
    {"grant", "equity", "revenue_share", "kur"}
)
KUR_CHANNEL_KINDS = frozenset({"bank"})
# Kinds that channel KUR syariah when they offer murabahah (BSI, BPD syariah units, KSPPS).
KUR_SYARIAH_CHANNEL_KINDS = frozenset({"bank", "sharia_financier"})
# A sharia contract on offer also serves the plain ask it structures (one way only: a
# conventional equity offer is not thereby sharia-compliant).
SHARIA_SERVES: Mapping[str, str] = MappingProxyType(
    {"musyarakah": "equity", "mudharabah": "revenue_share"}
)
# Which mandates offer a readiness route: (instruments, any one offered; kinds, or None = any).
# UMi and Mekaar go through non-bank channels (PIP's LKBB, PNM, koperasi); a first approximation.
ROUTE_OFFERS: Mapping[str, tuple[frozenset[str], frozenset[str] | None]] = MappingProxyType(
    {
        "kur_super_mikro": (frozenset({"kur"}), None),
        "kur_mikro": (frozenset({"kur"}), None),
        "kur_kecil": (frozenset({"kur"}), None),
        "umi": (
            frozenset({"loan", "qard", "murabahah"}),
            frozenset({"cooperative", "revolving_fund", "sharia_financier"}),
        ),
        "mekaar": (frozenset({"loan", "qard", "murabahah"}), frozenset({"revolving_fund"})),
        "lpdb": (frozenset({"loan", "murabahah", "qard"}), frozenset({"revolving_fund"})),
        "equity": (frozenset({"equity", "musyarakah"}), None),
        "revenue_share": (frozenset({"revenue_share", "mudharabah"}), None),
        "grant": (frozenset({"grant"}), None),
    }
)
# Every reason code `score` can emit; scoring_text has a text for each (a test checks both ways).
REASON_CODES = frozenset(
    {
        "sector_open",
        "sector_match",
        "sector_outside",
        "province_open",
        "province_match",
        "province_outside",
        "ticket_in_range",
        "ticket_open",
        "ticket_below_range",
        "ticket_above_range",
        "ticket_far_below_range",
        "ticket_far_above_range",
        "ask_unstated",
        "instrument_match",
        "instruments_unstated",
        "instrument_mismatch",
        "sharia_conventional_only",
        "stage_bankable",
        "stage_not_bankable",
        "social_ready",
        "stage_below_minimum",
        "documents_held",
        "documents_missing",
        "food_permit_missing",
        "halal_overdue",
        "impact_match",
        "impact_none",
        "text_overlap",
    }
)
EXCLUDING_CODES = frozenset(
    {
        "sharia_conventional_only",
        "instrument_mismatch",
        "ticket_far_below_range",
        "ticket_far_above_range",
        "stage_below_minimum",
    }
)


@dataclass(frozen=True)
class EnterpriseCard:
    """What matching knows of one published enterprise (consented data only)."""

    id: int
    name: str
    sector: str
    province_code: str
    regency_code: str
    size_class: str
    stage: str
    ask_amount: int | None
    instruments: frozenset[str]
    documents: frozenset[str]
    impact_themes: frozenset[str]
    routes: frozenset[str]
    text_terms: frozenset[str] = frozenset()
    # Meets the social-investment checklist (readiness_social.social_checklist) on consented data.
    social_ready: bool = False
    # The day the stage, routes and documents are true of (MatchCard.computed_on); None: unknown,
    # and date-bound obligations (halal) are not judged.
    as_of: dt.date | None = None


@dataclass(frozen=True)
class MandateSpec:
    """One investor mandate; empty sets and None bounds are open (see the module docstring)."""

    organisation_id: int
    name: str
    kind: str
    sectors: frozenset[str]
    provinces: frozenset[str]
    ticket_min: int | None
    ticket_max: int | None
    instruments: frozenset[str]
    sharia_only: bool
    impact_themes: frozenset[str]
    min_stage: str | None
    thesis_terms: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reason:
    """A code plus parameters (codes and rupiah integers, never words); `positive` for display."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)
    positive: bool = True


@dataclass(frozen=True)
class MatchResult:
    """One scored pair. `routes`: the enterprise's readiness routes this mandate offers."""

    enterprise_id: int
    organisation_id: int
    score: int | None
    excluded: bool
    reasons: tuple[Reason, ...]
    routes: tuple[str, ...] = ()
    mandate_name: str = ""
    # A sharia-only mandate finances its KUR routes as KUR syariah.
    sharia_only: bool = False


def _ordered(codes: Iterable[str], mapping: Mapping[str, object]) -> list[str]:
    # Vocabulary order first, so reasons read the same way every time.
    order = {code: i for i, code in enumerate(mapping)}
    return sorted(codes, key=lambda c: (order.get(c, len(order)), c))


def offered_instruments(mandate: MandateSpec) -> frozenset[str]:
    """The instruments the mandate effectively offers (KUR/loan equivalence, sharia filter)."""
    offered = set(mandate.instruments) if mandate.instruments else set(vocab.INSTRUMENTS)
    if "kur" in offered:
        offered.add("loan")
    if "loan" in offered and mandate.kind in KUR_CHANNEL_KINDS:
        offered.add("kur")
    if "murabahah" in offered and mandate.kind in KUR_SYARIAH_CHANNEL_KINDS:
        offered.add("kur")  # KUR syariah
    for sharia_contract, plain in SHARIA_SERVES.items():
        if sharia_contract in offered:
            offered.add(plain)
    if mandate.sharia_only:
        offered &= SHARIA_COMPATIBLE
    return frozenset(offered)


def routes_offered(card: EnterpriseCard, mandate: MandateSpec) -> tuple[str, ...]:
    """The card's fitting routes that this mandate can finance, in vocab.ROUTES order."""
    offered = offered_instruments(mandate)
    found = []
    for route in card.routes:
        instruments, kinds = ROUTE_OFFERS.get(route, (frozenset(), None))
        if offered & instruments and (kinds is None or mandate.kind in kinds):
            found.append(route)
    return tuple(_ordered(found, vocab.ROUTES))


def _listed(
    name: str, value: str | None, allowed: Collection[str], weight: float, reasons: list[Reason]
) -> float:
    """A criterion the mandate states as a list (sectors, provinces): full weight when the list
    is open (empty) or holds the enterprise's value, none otherwise; the reason says which."""
    if not allowed:
        reasons.append(Reason(f"{name}_open", {}))
        return weight * 1.0
    if value in allowed:
        reasons.append(Reason(f"{name}_match", {name: value}))
        return weight * 1.0
    reasons.append(Reason(f"{name}_outside", {name: value}, False))
    return 0.0


def _ticket(ask: int | None, mandate: MandateSpec) -> tuple[float, Reason]:
    """Ticket share and reason; the reason's code is excluding when the ask is far out."""
    if ask is None:
        return UNSTATED_SHARE, Reason("ask_unstated", {}, False)
    params = {"ask": ask, "min": mandate.ticket_min, "max": mandate.ticket_max}
    lo = float(mandate.ticket_min or 0)
    hi = math.inf if mandate.ticket_max is None else float(mandate.ticket_max)
    low_edge, high_edge = lo * TICKET_LOW_TOLERANCE, hi * TICKET_HIGH_TOLERANCE
    if ask < low_edge:
        return 0.0, Reason("ticket_far_below_range", params, False)
    if ask > high_edge:
        return 0.0, Reason("ticket_far_above_range", params, False)
    if ask < lo:
        share = TICKET_EDGE_SHARE + (1 - TICKET_EDGE_SHARE) * (ask - low_edge) / (lo - low_edge)
        return share, Reason("ticket_below_range", params, False)
    if ask > hi:
        share = TICKET_EDGE_SHARE + (1 - TICKET_EDGE_SHARE) * (high_edge - ask) / (high_edge - hi)
        return share, Reason("ticket_above_range", params, False)
    if mandate.ticket_min is None and mandate.ticket_max is None:
        return 1.0, Reason("ticket_open", {"ask": ask}, True)
    return 1.0, Reason("ticket_in_range", params, True)


def _documents(card: EnterpriseCard) -> tuple[int, list[Reason]]:
    docs = card.documents
    points = 0
    if "nib" in docs:
        points += DOCUMENT_POINTS["nib"]
    elif "sku" in docs:
        points += SKU_POINTS
    if "npwp" in docs:
        points += DOCUMENT_POINTS["npwp"]
    needs_permit = card.sector in vocab.FOOD_SECTORS
    has_permit = bool(docs & FOOD_SAFETY_PERMITS_SET)
    if has_permit or not needs_permit:
        points += DOCUMENT_POINTS["food_permit"]
    reasons = []
    held = docs & frozenset(vocab.DOCUMENT_KINDS)
    if held:
        reasons.append(
            Reason("documents_held", {"documents": _ordered(held, vocab.DOCUMENT_KINDS)})
        )
    missing = [code for code in ("nib", "npwp") if code not in docs]
    if missing:
        reasons.append(Reason("documents_missing", {"documents": missing}, False))
    if needs_permit and not has_permit:
        reasons.append(Reason("food_permit_missing", {}, False))
    size = card.size_class or None
    if card.as_of is not None and halal_overdue(
        sector=card.sector, size=size, holds_halal="halal" in docs, today=card.as_of
    ):
        since = halal_mandatory_from(size)
        reasons.append(Reason("halal_overdue", {"since": since}, False))
    return points, reasons


def score(card: EnterpriseCard, mandate: MandateSpec) -> MatchResult:
    """Score one enterprise against one mandate, with its reasons. Pure, no side effects.

    Raises KeyError when the mandate's min_stage is not a vocab.STAGES code.

    Reasons come excluding ones first, then positive, then negative, each in the order of WEIGHTS.
    """
    reasons: list[Reason] = []
    total = 0.0

    total += _listed("sector", card.sector, mandate.sectors, WEIGHTS["sector"], reasons)
    total += _listed("province", card.province_code, mandate.provinces, WEIGHTS["region"], reasons)

    share, reason = _ticket(card.ask_amount, mandate)
    reasons.append(reason)
    total += WEIGHTS["ticket"] * share

    offered = offered_instruments(mandate)
    wanted = card.instruments
    if not wanted:
        reasons.append(Reason("instruments_unstated", {}, False))
        total += WEIGHTS["instrument"] * UNSTATED_SHARE
    elif mandate.sharia_only and wanted <= vocab.CONVENTIONAL_INSTRUMENTS:
        params = {"wanted": _ordered(wanted, vocab.INSTRUMENTS)}
        reasons.append(Reason("sharia_conventional_only", params, False))
    elif wanted & offered:
        params = {"instruments": _ordered(wanted & offered, vocab.INSTRUMENTS)}
        reasons.append(Reason("instrument_match", params))
        total += WEIGHTS["instrument"] * 1.0
    else:
        params = {
            "wanted": _ordered(wanted, vocab.INSTRUMENTS),
            "offered": _ordered(offered, vocab.INSTRUMENTS),
        }
        reasons.append(Reason("instrument_mismatch", params, False))

    stage_rank = vocab.STAGE_ORDER.get(card.stage, 0)
    if mandate.min_stage is not None and stage_rank < vocab.STAGE_ORDER[mandate.min_stage]:
        params = {"stage": card.stage, "min_stage": mandate.min_stage}
        reasons.append(Reason("stage_below_minimum", params, False))
    elif card.stage == "bankable":
        reasons.append(Reason("stage_bankable", {}))
    else:
        reasons.append(Reason("stage_not_bankable", {"stage": card.stage}, False))
        if card.social_ready and mandate.kind in SOCIAL_INVESTOR_KINDS:
            # Why a pre-bankable business may still fit an impact or CSR fund (no points: the
            # ranking stays the bulk scorer's).
            reasons.append(Reason("social_ready", {}))
    total += WEIGHTS["readiness"] * STAGE_SHARE.get(card.stage, 0.0)

    points, document_reasons = _documents(card)
    reasons.extend(document_reasons)
    total += points

    if not mandate.impact_themes:
        total += WEIGHTS["impact"] * 1.0
    else:
        shared = card.impact_themes & mandate.impact_themes
        if shared:
            reasons.append(
                Reason("impact_match", {"themes": _ordered(shared, vocab.IMPACT_THEMES)})
            )
        else:
            themes = _ordered(mandate.impact_themes, vocab.IMPACT_THEMES)
            reasons.append(Reason("impact_none", {"themes": themes}, False))
        total += WEIGHTS["impact"] * (len(shared) / len(mandate.impact_themes))

    if not mandate.thesis_terms:
        total += WEIGHTS["text"] * 1.0
    else:
        common = card.text_terms & mandate.thesis_terms
        if common:
            reasons.append(Reason("text_overlap", {"terms": sorted(common)[:5]}))
        denominator = min(len(mandate.thesis_terms), TEXT_SATURATION_TERMS)
        total += WEIGHTS["text"] * min(1.0, len(common) / denominator)

    excluding = [r for r in reasons if r.code in EXCLUDING_CODES]
    ordered = (
        excluding
        + [r for r in reasons if r.positive]
        + [r for r in reasons if not r.positive and r.code not in EXCLUDING_CODES]
    )
    return MatchResult(
        enterprise_id=card.id,
        organisation_id=mandate.organisation_id,
        score=None if excluding else int(round(total)),
        excluded=bool(excluding),
        reasons=tuple(ordered),
        routes=routes_offered(card, mandate),
        sharia_only=mandate.sharia_only,
        mandate_name=mandate.name,
    )


def rank_enterprises(
    mandate: MandateSpec, cards: Iterable[EnterpriseCard], limit: int = 20
) -> list[MatchResult]:
    """The best `limit` enterprises for a mandate: excluded dropped, score desc, then id asc.

    Scores every card in Python (fine for a few thousand); use `build_columns` + `rank_columns`
    for large sets. Pure; raises nothing.
    """
    results = (score(card, mandate) for card in cards)
    kept = (r for r in results if not r.excluded)
    return heapq.nsmallest(limit, kept, key=lambda r: (-(r.score or 0), r.enterprise_id))


def rank_mandates(
    card: EnterpriseCard, mandates: Iterable[MandateSpec], limit: int = 20
) -> list[MatchResult]:
    """The investors' mandates that fit an enterprise, best first; each result names its routes.

    Excluded mandates are dropped; ties go by organisation id, then mandate name. Pure.
    """
    kept = (r for r in (score(card, m) for m in mandates) if not r.excluded)
    return heapq.nsmallest(
        limit, kept, key=lambda r: (-(r.score or 0), r.organisation_id, r.mandate_name)
    )
